/**
 * The clock seam: the core never reads the time or sets a timer itself. Adapters pass a real
 * clock, the simulator a virtual one.
 *
 * @module
 */

/**
 * Cancels what it was returned for; calling it twice is harmless.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Cancel, ManualClock } from "../../mod.ts";
 * const clock = new ManualClock();
 * let fired = false;
 * const cancel: Cancel = clock.schedule(10, () => fired = true);
 * cancel();
 * cancel();
 * clock.advance(20);
 * assert.equal(fired, false);
 * ```
 */
export type Cancel = () => void;

/**
 * Time, in milliseconds on the clock's own timeline, and one-shot timers on it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Clock, ManualClock } from "../../mod.ts";
 * // Written against the seam, so a test drives it on a clock that moves only when told to.
 * function timeout(clock: Clock, ms: number, onTimeout: () => void) {
 *   return clock.schedule(clock.now() + ms, onTimeout);
 * }
 * const clock = new ManualClock(1_000);
 * const timedOut: number[] = [];
 * timeout(clock, 500, () => timedOut.push(clock.now()));
 * clock.advance(499);
 * assert.deepEqual(timedOut, []);
 * clock.advance(1);
 * assert.deepEqual(timedOut, [1_500]);
 * ```
 */
export interface Clock {
  /** The current time. */
  now(): number;
  /** Calls `callback` once, when `now()` has reached `at` (soon, if it already has). */
  schedule(at: number, callback: () => void): Cancel;
}
