/**
 * The clock seam: the core never reads the time or sets a timer itself. Adapters pass a real
 * clock, the simulator a virtual one.
 *
 * @module
 */

/** Cancels what it was returned for; calling it twice is harmless. */
export type Cancel = () => void;

/**
 * Time, in milliseconds on the clock's own timeline, and one-shot timers on it.
 *
 * @example
 * ```ts
 * import type { Clock } from "../../mod.ts";
 * // A manual clock for tests: time moves only when told to.
 * let time = 0;
 * const timers: { at: number; callback: () => void }[] = [];
 * const manual: Clock = {
 *   now: () => time,
 *   schedule(at, callback) {
 *     const timer = { at, callback };
 *     timers.push(timer);
 *     return () => void timers.splice(timers.indexOf(timer) >>> 0, 1);
 *   },
 * };
 * ```
 */
export interface Clock {
  /** The current time. */
  now(): number;
  /** Calls `callback` once, when `now()` has reached `at` (soon, if it already has). */
  schedule(at: number, callback: () => void): Cancel;
}
