/**
 * What `Server.disconnect(index)` promises the game: the identity ends for good, at once,
 * whether a connection still had it or it was held for a resume.
 *
 * @module
 */
import type { Index } from "../../mod.ts";
import type { Invariant, Violation } from "../engine/invariant.ts";
import { formatTime } from "../engine/trace.ts";
import type { HookCall } from "../scenarios/resume_app.ts";

/** One `Server.disconnect` a story made: the index, and when (virtual ms). */
export interface ServerEnd {
  readonly index: Index | undefined;
  readonly atMs: number;
}

/**
 * Ended by the server: for each index the server disconnected at a time, the game hears
 * onDisconnect for it within `slackMs` of that time, and never onHold after it. `calls` are
 * the game's hook calls with their times (µs).
 *
 * @example
 * ```ts
 * import { endedByServer } from "./ended_by_server.ts";
 * const invariant = endedByServer(() => [], () => [{ index: 3, atMs: 50 }], 1);
 * ```
 */
export function endedByServer(
  calls: () => readonly HookCall[],
  ends: () => readonly ServerEnd[],
  slackMs: number,
): Invariant {
  const name = "ended by server";
  return {
    name,
    check() {
      const violations: Violation[] = [];
      for (const { index, atMs } of ends()) {
        if (index === undefined) continue;
        const after = calls().filter((call) => call.index === index && call.time >= atMs * 1000);
        const hold = after.find((call) => call.kind === "hold");
        const gone = after.find((call) => call.kind === "disconnect");
        const late = gone === undefined || gone.time > (atMs + slackMs) * 1000;
        if (!hold && !late) continue;
        violations.push({
          invariant: name,
          time: hold?.time ?? gone?.time,
          message: `the server disconnected index ${index} at ${atMs}ms; the game ` +
            (hold
              ? `held it at ${formatTime(hold.time)}ms`
              : `heard it gone ${gone ? `only at ${formatTime(gone.time)}ms` : "never"}`),
        });
      }
      return violations;
    },
  };
}
