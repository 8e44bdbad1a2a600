/**
 * An invariant about why and when the core let each connection go: the limits cut off the
 * clients they are for, when they should, and nobody else.
 *
 * @module
 */
import type { Index } from "../../mod.ts";
import type { SimClient } from "../engine/client.ts";
import type { Invariant, Violation } from "../engine/invariant.ts";
import type { Records } from "../engine/records.ts";
import { formatTime } from "../engine/trace.ts";

/** How the core let one connection go: when (virtual µs) and its stated reason. */
export interface Departure {
  readonly time: number;
  readonly reason: string;
}

const DISCONNECT = /^(?:INFO|WARN) disconnect index=(\d+) reason=("(?:[^"\\]|\\.)*"|\S+)/;

/**
 * The core's disconnect of `index`, read from its log (the simulation must keep `info`
 * lines: `logLevel: "info"`), or undefined if the core never let it go.
 *
 * @example
 * ```ts
 * import { departureOf } from "./limit_invariants.ts";
 * import { Records } from "../engine/records.ts";
 * const records = new Records();
 * records.logged.push({ time: 5000, message: 'INFO disconnect index=2 reason="slow consumer"' });
 * departureOf(records, 2); // { time: 5000, reason: "slow consumer" }
 * ```
 */
export function departureOf(records: Records, index: Index): Departure | undefined {
  let parsed = parsedLogs.get(records);
  if (parsed?.lines !== records.logged.length) {
    const byIndex = new Map<Index, Departure>();
    for (const { time, message } of records.logged) {
      const match = DISCONNECT.exec(message);
      if (!match || byIndex.has(Number(match[1]))) continue;
      const reason = match[2].startsWith('"') ? JSON.parse(match[2]) as string : match[2];
      byIndex.set(Number(match[1]), { time, reason });
    }
    parsedLogs.set(records, parsed = { lines: records.logged.length, byIndex });
  }
  return parsed.byIndex.get(index);
}

/** The departures read from a run's log, kept until more lines come. */
const parsedLogs = new WeakMap<Records, { lines: number; byIndex: Map<Index, Departure> }>();

/** What a client's departure must be: its reason, and a window of virtual ms for it. */
export interface ExpectedDeparture {
  readonly reason: string;
  readonly fromMs?: number;
  readonly toMs?: number;
}

/**
 * Departures: each client that `expect` names is let go by the core for that reason, within
 * that window; clients it does not name are not judged.
 *
 * @example
 * ```ts
 * import { departures } from "./limit_invariants.ts";
 * const invariant = departures((client) =>
 *   client.name === "c1" ? { reason: "slow consumer", fromMs: 10_000 } : { reason: "shutdown" }
 * );
 * ```
 */
export function departures(
  expect: (client: SimClient) => ExpectedDeparture | undefined,
): Invariant {
  const name = "departures";
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      for (const client of sim.clients) {
        const wanted = expect(client);
        if (!wanted || client.index === undefined) continue;
        const add = (message: string, time?: number) =>
          violations.push({ invariant: name, client: client.name, time, message });
        const gone = departureOf(sim.records, client.index);
        const window = `${wanted.fromMs ?? 0}..${wanted.toMs ?? "end"}ms`;
        if (!gone) {
          add(`the core never let it go; it should have, for "${wanted.reason}", in ${window}`);
          continue;
        }
        const early = wanted.fromMs !== undefined && gone.time < wanted.fromMs * 1000;
        const late = wanted.toMs !== undefined && gone.time > wanted.toMs * 1000;
        if (gone.reason !== wanted.reason || early || late) {
          add(
            `let go for "${gone.reason}" at ${
              formatTime(gone.time)
            }ms; expected "${wanted.reason}"` +
              ` in ${window}`,
            gone.time,
          );
        }
      }
      return violations;
    },
  };
}
