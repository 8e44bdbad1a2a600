/**
 * The core's clock seam, on the simulation's virtual time.
 *
 * @module
 */
import type { Clock } from "../../mod.ts";
import type { EventQueue } from "./event_queue.ts";

/**
 * A {@linkcode Clock} whose time is the simulation's (in ms, from its microseconds) and whose
 * timers are events of its queue; when one fires, `now()` is at least its due time. A cancelled timer leaves the queue, so it never stretches a
 * run; `fired` runs before each timer's callback (the simulation then lets the core settle).
 *
 * @example
 * ```ts
 * import { EventQueue } from "./event_queue.ts";
 * import { virtualClock } from "./virtual_clock.ts";
 * const queue = new EventQueue();
 * const clock = virtualClock(queue, () => queue.poppedTime, () => {});
 * const fired: number[] = [];
 * clock.schedule(5, () => fired.push(clock.now()));
 * queue.pop()?.();
 * // fired is [5]
 * ```
 */
export function virtualClock(queue: EventQueue, nowUs: () => number, fired: () => void): Clock {
  return {
    now: () => nowUs() / 1000,
    schedule: (at, callback) => {
      let pending = true;
      // The first microsecond at which now() reads at least `at`, in floating point too: a
      // timer that fired a hair early would be re-armed for the same moment, for ever.
      let due = Math.max(nowUs(), Math.ceil(at * 1000));
      while (due / 1000 < at) due++;
      const handle = queue.push(due, () => {
        pending = false;
        fired();
        callback();
      });
      return () => {
        if (pending) queue.cancel(handle);
        pending = false;
      };
    },
  };
}
