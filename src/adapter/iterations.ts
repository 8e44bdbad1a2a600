/**
 * Event-loop iterations, numbered: what a socket record needs to tell the bytes handed over
 * in this iteration from older ones.
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
 * const iterations = new Iterations(setImmediate);
 * const first = iterations.current();
 * assert.equal(iterations.current(), first); // the same iteration
 * await new Promise((resolve) => setImmediate(resolve));
 * assert.equal(iterations.current(), first + 1);
 * ```
 */
export class Iterations {
  /** The number of the iteration last asked about. */
  number = 0;
  #armed = false;
  readonly #defer: (next: () => void) => unknown;
  readonly #next = () => {
    this.number++;
    this.#armed = false;
  };

  /** `defer` runs its callback once the current iteration has ended (`setImmediate`). */
  constructor(defer: (next: () => void) => unknown) {
    this.#defer = defer;
  }

  /** The number of this iteration; it changes once the iteration has ended. */
  current(): number {
    if (!this.#armed) {
      this.#armed = true;
      this.#defer(this.#next);
    }
    return this.number;
  }
}
