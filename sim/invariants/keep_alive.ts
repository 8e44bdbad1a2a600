/**
 * What the WebSocket keep-alive promises a peer that goes silent: it is pinged at a check
 * and given up at the next one if it stays silent, so it is gone within a few intervals, and
 * not before it has left a ping unanswered for a whole interval.
 *
 * @module
 */
import type { Invariant, Violation } from "../engine/invariant.ts";
import { formatTime } from "../engine/trace.ts";

const CLOSED = "server closed the connection";

/**
 * Silent peers given up: a WebSocket client on a link that lost nothing that stopped
 * answering pings (`SimClient.deafen`) at D and sent nothing after it, with the server
 * still up, sees its connection end by D + 3 x `pingIntervalMs` + `slackMs` (the check after
 * its last bytes clears it, the next pings it, the one after gives it up), and not before
 * D + `pingIntervalMs` - `slackMs` (a ping it left unanswered, then a whole interval).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { silentPeersGivenUp } from "./keep_alive.ts";
 * assert.equal(silentPeersGivenUp({ pingIntervalMs: 15, slackMs: 3, untilMs: 150 }).name, "keep-alive");
 * ```
 */
export function silentPeersGivenUp(
  options: { pingIntervalMs: number; slackMs: number; untilMs: number },
): Invariant {
  const name = "keep-alive";
  const { pingIntervalMs, slackMs, untilMs } = options;
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      for (const client of sim.clients) {
        const deaf = client.log.find((entry) => entry.note === "deafen")?.time;
        if (deaf === undefined || !client.webSocket || !client.link.lossless) continue;
        if (client.log.some((entry) => entry.kind === "sent" && entry.time > deaf)) continue;
        const latest = deaf + (3 * pingIntervalMs + slackMs) * 1000;
        if (latest > untilMs * 1000) continue;
        const closed = client.log.find((entry) => entry.note === CLOSED)?.time;
        const earliest = deaf + (pingIntervalMs - slackMs) * 1000;
        if (closed !== undefined && closed >= earliest && closed <= latest) continue;
        violations.push({
          invariant: name,
          client: client.name,
          time: closed,
          message: `it stopped answering pings at ${formatTime(deaf)}ms and was given up ${
            closed === undefined ? "never" : `at ${formatTime(closed)}ms`
          }, owed in ${formatTime(earliest)}..${formatTime(latest)}ms`,
        });
      }
      return violations;
    },
  };
}
