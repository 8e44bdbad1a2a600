/**
 * Letting the core's promise chains run to quiescence between two events, without timers.
 *
 * @module
 */

/** The default number of quiet microtask turns that count as "the core is done". */
export const QUIET_TURNS = 32;

/**
 * Settles the core after an event by awaiting microtask turns until nothing observable has
 * happened for `quietTurns` turns in a row and no Application call is running.
 *
 * Why this is deterministic: a run never yields to the event loop (no timers, no IO), so the
 * only work that runs is the microtask queue, and the order of microtasks is fixed by the
 * language for a given program and input. Every step the core can take between two of our
 * observations (a write, a drain, a close, an Application call starting or settling, a send)
 * is a bounded number of promise reactions; counting quiet turns after the last observed step
 * is therefore the same count on every run and every runtime. A controller that awaits for
 * longer keeps the settler going (its call is still running), up to `maxTurns`, after which
 * the run records that the core did not settle.
 *
 * @example
 * ```ts
 * import { Settler } from "./settle.ts";
 * const settler = new Settler((message) => { throw new Error(message); });
 * let done = false;
 * settler.enter();
 * void Promise.resolve().then(() => Promise.resolve()).then(() => { done = true; settler.leave(); });
 * await settler.settle();
 * // done is true
 * ```
 */
export class Settler {
  readonly quietTurns: number;
  readonly maxTurns: number;
  /** The longest quiet stretch that was followed by more activity: how close to the bound we run. */
  longestGap = 0;
  readonly #fail: (message: string) => void;
  #activity = 0;
  #busy = 0;
  /** The settling under way: its turns, its quiet turns in a row, the activity last seen. */
  #turns = 0;
  #quiet = 0;
  #seen = 0;
  #done: () => void = () => {};
  #failed: (error: unknown) => void = () => {};

  constructor(fail: (message: string) => void, quietTurns = QUIET_TURNS, maxTurns = 100_000) {
    this.#fail = fail;
    this.quietTurns = quietTurns;
    this.maxTurns = maxTurns;
  }

  /** Something observable happened. */
  activity(): void {
    this.#activity++;
  }

  /** An Application call started: settling goes on until it ends. */
  enter(): void {
    this.#busy++;
    this.#activity++;
  }

  /** An Application call ended. */
  leave(): void {
    if (this.#busy > 0) this.#busy--;
    this.#activity++;
  }

  /** Resolves once the core has been quiet for `quietTurns` microtask turns. */
  settle(): Promise<void> {
    // One reaction on a settled promise a turn, as `await undefined` in a loop would take,
    // without an async function's suspension and its garbage on every turn.
    return new Promise((resolve, reject) => {
      this.#done = resolve;
      this.#failed = reject;
      this.#turns = this.#quiet = 0;
      this.#seen = this.#activity;
      void RESOLVED.then(this.#turn);
    });
  }

  readonly #turn = (): void => {
    if (this.#activity !== this.#seen || this.#busy > 0) {
      if (this.#quiet > this.longestGap) this.longestGap = this.#quiet;
      this.#quiet = 0;
    } else if (++this.#quiet >= this.quietTurns) return this.#done();
    if (++this.#turns >= this.maxTurns) {
      try {
        this.#fail(`the core did not settle within ${this.maxTurns} microtask turns`);
      } catch (error) {
        return this.#failed(error);
      }
      // Forget the calls that never end, so that later events do not wait for them again.
      this.#busy = 0;
      return this.#done();
    }
    this.#seen = this.#activity;
    void RESOLVED.then(this.#turn);
  };
}

const RESOLVED = Promise.resolve();
