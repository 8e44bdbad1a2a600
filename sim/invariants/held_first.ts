/**
 * Held answers first, judged from the clients' side: an answer that waits for the disk keeps
 * its place in what its connection reads, before the broadcasts made after it.
 *
 * @module
 */
import type { Invariant, Violation } from "../engine/invariant.ts";
import { clip, formatTime } from "../engine/trace.ts";
import {
  arrivesWhole,
  type BroadcastGame,
  broadcastsOf,
  handledOnArrival,
  timesHeard,
} from "./broadcasts.ts";
import type { ReplyAccounting } from "./reply_accounting.ts";

/**
 * Held answers first: the answer to a client's held command (`game.holds`, its own; sent over
 * a link that does not cut segments, so that when it reached the server is known) comes
 * before any broadcast it hears that reached the server after that command, when each was
 * handled as it came (its sender had nothing before it unanswered): what a connection is
 * sent follows turn order, an answer that waits for the disk included, even when that answer
 * is only the error of a command that answered nothing. Needs `accounting` checked before it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { heldAnswersFirst } from "./held_first.ts";
 * import { replyAccounting } from "./reply_accounting.ts";
 * const accounting = replyAccounting(() => ({ greeting: [], reply: (c) => ({ command: c }), mine: () => true }));
 * const game = { heard: () => undefined, holds: () => undefined };
 * const invariants = [accounting, heldAnswersFirst(accounting, game)];
 * assert.equal(invariants[1].name, "held answers first");
 * ```
 */
export function heldAnswersFirst(accounting: ReplyAccounting, game: BroadcastGame): Invariant {
  const name = "held answers first";
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      const byName = new Map(sim.clients.map((client) => [client.name, client]));
      const made = broadcastsOf(sim, accounting, game)
        .filter((broadcast) =>
          handledOnArrival(accounting, broadcast.by, broadcast.n, broadcast.sentAt)
        );
      for (const client of sim.clients) {
        const up = client.link.faults;
        for (const fate of accounting.fates.get(client.name) ?? []) {
          const held = fate.item.command && game.holds(fate.item.command);
          const onArrival = handledOnArrival(accounting, client.name, fate.item.n, fate.item.time);
          if (held !== "sender" || !onArrival) continue;
          if (!arrivesWhole(up)) continue;
          const arrived = fate.item.time + (up.upDelayMs + up.jitterMs) * 1000;
          const overtaker = made.find((broadcast) => {
            const sender = byName.get(broadcast.by)!.link.faults;
            return broadcast.sentAt + sender.upDelayMs * 1000 > arrived &&
              timesHeard(client, broadcast.heard).some((time) => time < fate.answeredAt);
          });
          if (!overtaker) continue;
          violations.push({
            invariant: name,
            client: client.name,
            time: fate.answeredAt,
            message: `it heard ${
              clip(JSON.stringify(overtaker.heard.command))
            } (sent by ${overtaker.by} at ${
              formatTime(overtaker.sentAt)
            }ms) before the answer to its held ${
              clip(JSON.stringify(fate.item.command))
            } (sent at ${formatTime(fate.item.time)}ms), made in an earlier turn`,
          });
        }
      }
      return violations;
    },
  };
}
