/**
 * The check that the connection layer batches: per event-loop iteration of the simulation,
 * one socket write per connection, more only when something forced a flush.
 *
 * @module
 */
import { FLUSH_BYTES } from "../../mod.ts";

/**
 * Counts one link's socket writes per iteration (an event and what settles after it) and
 * the drains, closes and full holds that may each force one more.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BatchingCheck } from "./batching_check.ts";
 * const check = new BatchingCheck();
 * check.written(7, 100);
 * check.written(7, 100); // a second write in iteration 7, unforced
 * check.forced(8);
 * check.written(8, 100);
 * check.written(8, 100); // the drain of iteration 8 allows it
 * assert.deepEqual(check.unbatched, [{ iteration: 7, write: 2 }]);
 * ```
 */
export class BatchingCheck {
  /** The iterations with a socket write that nothing forced, and which write it was. */
  readonly unbatched: { iteration: number; write: number }[] = [];
  #iteration = -1;
  #writes = 0;
  #bytes = 0;
  #forced = 0;

  /** A drain or a close in `iteration`. */
  forced(iteration: number): void {
    this.#at(iteration);
    this.#forced++;
  }

  /** A socket write of `bytes` in `iteration`. */
  written(iteration: number, bytes: number): void {
    this.#at(iteration);
    this.#writes++;
    this.#bytes += bytes;
    if (this.#writes > 1 + this.#forced + Math.floor(this.#bytes / FLUSH_BYTES)) {
      this.unbatched.push({ iteration, write: this.#writes });
    }
  }

  #at(iteration: number): void {
    if (iteration === this.#iteration) return;
    this.#iteration = iteration;
    this.#writes = this.#bytes = this.#forced = 0;
  }
}
