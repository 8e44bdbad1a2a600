/**
 * What a server must leave once everyone has gone: no connection, no lagging state, and no
 * timer that still fires.
 *
 * @module
 */
import type { Invariant, Violation } from "../engine/invariant.ts";
import { formatTime } from "../engine/trace.ts";

/** Options of {@linkcode nothingLeft}. */
export interface NothingLeftOptions {
  /** How long after the last connection's onDisconnect the run may still have events, in ms. */
  quietAfterMs: number;
}

/**
 * Nothing left: after a run that ended everyone (a shutdown), the server holds no connection
 * and none is lagging, and no event ran more than `quietAfterMs` after the last connection's
 * onDisconnect finished (a timer left armed, a periodic job still running, would).
 *
 * @example
 * ```ts
 * import { nothingLeft } from "./quiet_invariants.ts";
 * const invariant = nothingLeft({ quietAfterMs: 50 });
 * ```
 */
export function nothingLeft(options: NothingLeftOptions): Invariant {
  const name = "nothing left";
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      const add = (message: string, time?: number) =>
        violations.push({ invariant: name, message, time });
      const { connections } = sim.server;
      if (connections.count > 0) add(`${connections.count} connections are still registered`);
      if (connections.lagging().length > 0) {
        add(`indexes ${connections.lagging()} are still lagging`);
      }
      let last = 0;
      for (const counts of sim.records.hooks.values()) {
        last = Math.max(last, counts.disconnectedAt ?? 0);
      }
      if (sim.now - last > options.quietAfterMs * 1000) {
        add(
          `an event ran at ${formatTime(sim.now)}ms, ${
            formatTime(sim.now - last)
          }ms after the last` +
            ` connection had gone: something stayed armed`,
          sim.now,
        );
      }
      return violations;
    },
  };
}
