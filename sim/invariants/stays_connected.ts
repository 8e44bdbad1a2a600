/**
 * A client that keeps its end of the protocol is not dropped: the server has no reason to
 * close it before the shutdown.
 *
 * @module
 */
import type { Invariant, Violation } from "../engine/invariant.ts";
import { formatTime } from "../engine/trace.ts";

/** The notes a client logs when the server ended its connection. */
const CLOSED = ["server closed the connection", "the server closed the WebSocket"];

/**
 * Stays connected: none of the clients `stays` names (ones that send nothing wrong, stay
 * under every limit and, over a WebSocket, answer every ping, however long they are quiet)
 * is closed by the server before `untilMs`, the shutdown.
 *
 * @example
 * ```ts
 * import { staysConnected } from "./stays_connected.ts";
 * const invariant = staysConnected((name) => name.startsWith("steady"), 120);
 * ```
 */
export function staysConnected(stays: (client: string) => boolean, untilMs: number): Invariant {
  const name = "stays connected";
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      for (const client of sim.clients) {
        if (!stays(client.name) || client.index === undefined) continue;
        const closed = client.log.find((entry) =>
          entry.kind === "event" && entry.time < untilMs * 1000 &&
          CLOSED.some((note) => entry.note?.startsWith(note))
        );
        if (!closed) continue;
        violations.push({
          invariant: name,
          client: client.name,
          time: closed.time,
          message: `the server closed it at ${formatTime(closed.time)}ms (${closed.note}), ` +
            `before the shutdown at ${untilMs}ms, though it kept the protocol`,
        });
      }
      return violations;
    },
  };
}
