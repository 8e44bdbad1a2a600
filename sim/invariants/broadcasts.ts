/**
 * Broadcasts judged from the listeners' side: everyone who was there when a broadcast was
 * made hears it, and nobody waits for it on account of someone else's held answer (a save
 * that waits for the disk holds back its own connection's replies, and only those).
 *
 * @module
 */
import type { Command } from "../../mod.ts";
import type { SimClient } from "../engine/client.ts";
import { isPrompt, type LinkFaults } from "../engine/faults.ts";
import type { Invariant, Violation } from "../engine/invariant.ts";
import { clip, formatTime } from "../engine/trace.ts";
import type { ItemFate, ReplyAccounting } from "./reply_accounting.ts";
import { itemsOf, readFrames, sameCommand } from "./wire.ts";

/** What the broadcast invariants know of the game. */
export interface BroadcastGame {
  /**
   * What every client present hears when `command`, sent by a client, was answered (not
   * refused), with any value at the keys of `anyOf`; undefined when it is no broadcast.
   * Each broadcast must be told apart by its command (a number of its own, say).
   */
  heard(command: Command): { command: Command; anyOf?: readonly string[] } | undefined;
  /**
   * Whether a command holds answers back: `sender`, its sender's replies wait for it;
   * `everyone`, everyone's (a held answer that is itself a broadcast, or a slow turn).
   */
  holds(command: Command): "sender" | "everyone" | undefined;
}

/** One broadcast: who made it, what it was, when it was sent and when its answer was read. */
export interface Made {
  readonly by: string;
  readonly heard: { command: Command; anyOf?: readonly string[] };
  readonly sentAt: number;
  /** Its place among its sender's items. */
  readonly n: number;
  readonly answeredAt: number;
}

/** The broadcasts the clients made, from what reply accounting matched (run it first). */
export function broadcastsOf(
  sim: { clients: readonly SimClient[] },
  accounting: ReplyAccounting,
  game: BroadcastGame,
): Made[] {
  const made: Made[] = [];
  for (const client of sim.clients) {
    for (const fate of accounting.fates.get(client.name) ?? []) {
      const heard = !fate.refused && fate.item.command && game.heard(fate.item.command);
      if (!heard) continue;
      const { time: sentAt, n } = fate.item;
      made.push({ by: client.name, heard, sentAt, n, answeredAt: fate.answeredAt });
    }
  }
  return made;
}

/**
 * Whether a client's item `n`, sent at `time`, was handled as it came: everything it sent
 * before it was answered before it was sent (a connection's messages wait for its earlier
 * ones' turns).
 */
export function handledOnArrival(
  accounting: ReplyAccounting,
  client: string,
  n: number,
  time: number,
): boolean {
  const fates = accounting.fates.get(client) ?? [];
  return fates.length > n && fates.every((fate) => fate.item.n >= n || fate.answeredAt < time);
}

/**
 * Whether a link brings a (small) message whole within its delays: a link that cuts segments,
 * or whose server window is small, brings it in pieces, whole much later.
 */
export function arrivesWhole(faults: LinkFaults): boolean {
  return faults.fragmentRate === 0 && faults.serverWindowBytes >= 16 * 1024;
}

/** When a command may hold answers back: from its reaching the server to its answer. */
interface HoldWindow {
  readonly who: string;
  readonly all: boolean;
  readonly from: number;
  to: number;
}

/** When the chain of held writes that waits for what ends at `to` is written, at the latest. */
function chainEnd(windows: readonly HoldWindow[], to: number): number {
  for (let end = to;;) {
    const next = windows.reduce((most, w) => w.from <= end ? Math.max(most, w.to) : most, end);
    if (next === end) return end;
    end = next;
  }
}

/** When a client first stopped being there (ended, vanished, closed), or Infinity. */
function leftAt(client: SimClient): number {
  const left = client.log.find((entry) =>
    entry.kind === "event" && entry.note !== undefined &&
    !entry.note.startsWith("accepted as index") && !entry.note.startsWith("WebSocket open")
  );
  // The server closed it before its client read so: a down delay before, at most.
  const { downDelayMs, jitterMs } = client.link.faults;
  return left === undefined ? Infinity : left.time - (downDelayMs + jitterMs) * 1000;
}

/** What a client read that `heard` describes, with when. */
export function timesHeard(client: SimClient, heard: Made["heard"]): number[] {
  return readFrames(client).flatMap((frame) =>
    (frame.commands ?? []).filter((command) => sameCommand(command, heard.command, heard.anyOf))
      .map(() => frame.time)
  );
}

/**
 * Everyone hears: a broadcast (as `game.heard` names it) that its sender saw answered reaches
 * every client that was there, on a link that lost nothing: one whose first message had been
 * answered before the broadcast was sent (the game had met it), and that neither ended,
 * vanished nor was closed until the broadcast's answer was read. Needs `accounting` checked
 * before it, in the same run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type BroadcastGame, everyoneHears } from "./broadcasts.ts";
 * import { replyAccounting } from "./reply_accounting.ts";
 * const accounting = replyAccounting(() => ({ greeting: [], reply: (c) => ({ command: c }), mine: () => true }));
 * const game: BroadcastGame = {
 *   heard: (c) => c.code === "shout" ? { command: { code: "heard", n: Number(c.n) } } : undefined,
 *   holds: () => undefined,
 * };
 * const invariants = [accounting, everyoneHears(accounting, game)];
 * assert.equal(invariants[1].name, "everyone hears");
 * ```
 */
export function everyoneHears(accounting: ReplyAccounting, game: BroadcastGame): Invariant {
  const name = "everyone hears";
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      const made = broadcastsOf(sim, accounting, game);
      for (const client of sim.clients) {
        const first = (accounting.fates.get(client.name) ?? [])[0];
        if (first === undefined || !client.link.lossless) continue;
        const left = leftAt(client);
        const missed = made.find((broadcast) =>
          first.answeredAt < broadcast.sentAt && broadcast.answeredAt < left &&
          timesHeard(client, broadcast.heard).length === 0
        );
        if (!missed) continue;
        violations.push({
          invariant: name,
          client: client.name,
          time: missed.answeredAt,
          message: `it never heard ${clip(JSON.stringify(missed.heard.command))}, which ${
            missed.by === client.name ? "it" : missed.by
          } sent at ${formatTime(missed.sentAt)}ms, though it was there all along`,
        });
      }
      return violations;
    },
  };
}

/**
 * Nobody waits for another's hold: a broadcast sent over a link that does not cut segments
 * reaches each prompt listener (a prompt link that does not cut segments, never paused) within the sender's up delay plus the listener's down delay (jitter included)
 * plus `slackMs`, unless something that holds its answers back was in flight when the
 * broadcast was sent: one of the listener's own held commands, or anyone's command that
 * holds everyone (`game.holds`), from when it may have reached the server to its answer
 * being read (for good, when it has none), and then until every hold begun before that is
 * answered (held writes go out in one chain, in turn order). Judged only for a broadcast whose sender had nothing open before it (its
 * message waits for its earlier ones) and whose message held nothing (a turn's result waits
 * for the held answers of that turn). Needs `accounting` checked before it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { noWaitForOthers } from "./broadcasts.ts";
 * import { replyAccounting } from "./reply_accounting.ts";
 * const accounting = replyAccounting(() => ({ greeting: [], reply: (c) => ({ command: c }), mine: () => true }));
 * const game = { heard: () => undefined, holds: () => undefined };
 * const invariants = [accounting, noWaitForOthers(accounting, game, 2)];
 * assert.equal(invariants[1].name, "no wait for others");
 * ```
 */
export function noWaitForOthers(
  accounting: ReplyAccounting,
  game: BroadcastGame,
  slackMs: number,
): Invariant {
  const name = "no wait for others";
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      const byName = new Map(sim.clients.map((client) => [client.name, client]));
      // Every command that holds answers back, with the window it may hold them in.
      const windows: HoldWindow[] = [];
      for (const client of sim.clients) {
        const fates = new Map<number, ItemFate>(
          (accounting.fates.get(client.name) ?? []).map((fate) => [fate.item.n, fate]),
        );
        const items = itemsOf(client);
        for (const item of items) {
          const held = item.command && game.holds(item.command);
          if (!held) continue;
          // A turn's result waits for its held answers: a broadcast in the same message too.
          const loud = held === "everyone" ||
            items.some((other) =>
              other.time === item.time && other.command && game.heard(other.command) !== undefined
            );
          // Unanswered (it answers nothing, or its client left): held writes go out in turn
          // order, so it may wait for every held answer before it, however long.
          const to = fates.get(item.n)?.answeredAt ?? Infinity;
          // From when it may reach the server: a client of a shorter link overtakes others.
          const from = item.time + client.link.faults.upDelayMs * 1000;
          windows.push({ who: client.name, all: loud, from, to });
        }
      }
      // Held writes go out in one chain, in turn order: what waits for a client's hold also
      // waits for every hold begun before it ended, and so on.
      for (const window of windows) window.to = chainEnd(windows, window.to);
      for (const broadcast of broadcastsOf(sim, accounting, game)) {
        // A sender's message waits for its earlier ones, and a turn's result for the held
        // answers of that turn: judged only when it had none open and its message held none.
        if (!handledOnArrival(accounting, broadcast.by, broadcast.n, broadcast.sentAt)) continue;
        const withHeld = (accounting.fates.get(broadcast.by) ?? []).some((fate) =>
          fate.item.time === broadcast.sentAt && fate.item.command &&
          game.holds(fate.item.command) !== undefined
        );
        if (withHeld) continue;
        const sender = byName.get(broadcast.by)!;
        const up = sender.link.faults;
        if (!arrivesWhole(up)) continue;
        // When the broadcast may have reached the server, at the earliest and at the latest.
        const arrives = broadcast.sentAt + up.upDelayMs * 1000;
        const latest = arrives + up.jitterMs * 1000;
        for (const client of sim.clients) {
          const down = client.link.faults;
          if (!isPrompt(down) || down.fragmentRate > 0 || client.link.reader.pausedEver) continue;
          const busy = windows.some((window) =>
            (window.all || window.who === client.name) && window.from <= latest &&
            window.to >= arrives
          );
          const [time] = timesHeard(client, broadcast.heard);
          if (busy || time === undefined) continue;
          const linksUs = (up.upDelayMs + up.jitterMs + down.downDelayMs + down.jitterMs) * 1000;
          if (time - broadcast.sentAt <= linksUs + slackMs * 1000) continue;
          violations.push({
            invariant: name,
            client: client.name,
            time,
            message:
              `it heard ${
                clip(JSON.stringify(broadcast.heard.command))
              } (sent by ${broadcast.by} at ${formatTime(broadcast.sentAt)}ms) at ${
                formatTime(time)
              }ms, ` +
              `with nothing of its own held: its links take at most ${formatTime(linksUs)}ms`,
          });
        }
      }
      return violations;
    },
  };
}
