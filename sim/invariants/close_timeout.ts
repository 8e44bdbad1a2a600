/**
 * What the connection layer promises a peer at the close: it may take what is queued for it
 * within `closeTimeoutMs`, and one that does not is reset then, not left open.
 *
 * @module
 */
import type { Invariant, Violation } from "../engine/invariant.ts";
import { formatTime } from "../engine/trace.ts";

/**
 * The close timeout: for each client `watched` names that did not vanish itself, once the
 * layer asked for the graceful close, the socket closes with everything queued sent, or is
 * reset `closeTimeoutMs` later (within `slackMs`), never sooner, and is never left closing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { closeTimeout } from "./close_timeout.ts";
 * const invariant = closeTimeout({ closeTimeoutMs: 5, slackMs: 1, watched: () => true });
 * assert.equal(invariant.name, "close timeout");
 * ```
 */
export function closeTimeout(
  options: { closeTimeoutMs: number; slackMs: number; watched: (client: string) => boolean },
): Invariant {
  const name = "close timeout";
  const { closeTimeoutMs, slackMs, watched } = options;
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      for (const client of sim.clients) {
        const end = client.link.server;
        const asked = end.closingAt;
        if (!watched(client.name) || asked === undefined || client.link.clientGone) continue;
        const due = asked + closeTimeoutMs * 1000;
        const closed = end.closed;
        let message: string | undefined;
        if (!closed) {
          if (sim.now > due + slackMs * 1000) message = "it was never reset, still closing";
        } else if (!closed.flushed && Math.abs(closed.at - due) > slackMs * 1000) {
          message = `it was reset at ${formatTime(closed.at)}ms with bytes unsent`;
        }
        if (!message) continue;
        violations.push({
          invariant: name,
          client: client.name,
          time: closed?.at,
          message: `${message}; the close began at ${
            formatTime(asked)
          }ms (closeTimeoutMs ${closeTimeoutMs})`,
        });
      }
      return violations;
    },
  };
}
