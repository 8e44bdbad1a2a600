/**
 * The real clock for the adapters: wall time and `setTimeout`.
 *
 * @module
 */
import type { Cancel, Clock } from "../core/clock.ts";

// setTimeout takes at most 2^31 - 1 ms; longer waits are taken in steps.
const LONGEST_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * The time as milliseconds since the epoch (`Date.now()`), so an absolute `at` in a timed
 * command is a wall-clock time, and timers on `setTimeout`. Works on Node and Deno.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application, later, Server } from "../../mod.ts";
 * import { systemClock } from "./system_clock.ts";
 * const ticked = Promise.withResolvers<number>();
 * const application = new Application({
 *   storage: null,
 *   defaultController: { handleCommand: () => (ticked.resolve(systemClock.now()), []) },
 * });
 * const server = new Server({ application, clock: systemClock });
 * const start = systemClock.now();
 * await server.runTurn(() => [later({ code: "tick" }, { afterMs: 20 })]);
 * // A timer may fire a millisecond early against wall time.
 * assert.ok(await ticked.promise - start >= 19);
 * await server.shutdown();
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(at: number, callback: () => void): Cancel {
    const left = at - Date.now();
    // One timer and one closure for a wait the runtime takes in one step: every connection
    // has such a timer (tsx's keepNames would make a named closure weigh a dictionary more).
    if (left <= LONGEST_TIMEOUT_MS) {
      const timer = setTimeout(callback, Math.max(0, left));
      return () => clearTimeout(timer);
    }
    let rest: Cancel | undefined;
    const step = setTimeout(() => (rest = systemClock.schedule(at, callback)), LONGEST_TIMEOUT_MS);
    return () => {
      clearTimeout(step);
      rest?.();
    };
  },
};
