/**
 * Event-loop iterations, numbered and timed: what a socket record needs to tell the bytes
 * handed over in this iteration from older ones, and how long a write has been in progress.
 *
 * @module
 */

/**
 * Numbers the event-loop iterations in which a port's sockets ask, with one deferred call
 * per iteration for all of them (one per socket would cost a timer object for every
 * recipient of every broadcast).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Iterations } from "./iterations.ts";
 * const iterations = new Iterations(setImmediate, performance);
 * const first = iterations.current();
 * assert.equal(iterations.current(), first); // the same iteration
 * const began = iterations.startedAt;
 * await new Promise((resolve) => setImmediate(resolve));
 * assert.equal(iterations.current(), first + 1);
 * assert.ok(iterations.startedAt >= began);
 * ```
 */
export class Iterations {
  /** The number of the iteration last asked about. */
  number = 0;
  /** When the iteration last asked about was first asked about, in the clock's time. */
  startedAt = 0;
  #armed = false;
  readonly #defer: (next: () => void) => unknown;
  readonly #clock: { now(): number };
  readonly #next = () => {
    this.number++;
    this.#armed = false;
  };

  /**
   * `defer` runs its callback once the current iteration has ended (`setImmediate`); `clock`
   * times each iteration when it is first asked about.
   */
  constructor(defer: (next: () => void) => unknown, clock: { now(): number }) {
    this.#defer = defer;
    this.#clock = clock;
  }

  /** The number of this iteration; it changes once the iteration has ended. */
  current(): number {
    if (!this.#armed) {
      this.#armed = true;
      this.startedAt = this.#clock.now();
      this.#defer(this.#next);
    }
    return this.number;
  }
}
