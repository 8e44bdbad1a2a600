/**
 * The cluster's delivery invariant, judged from both ends: what each player received against
 * what the owners of its rooms wrote to it.
 *
 * @module
 */

/** One player as the simulation saw it. */
export interface PlayerRecord {
  /** The process holding its socket, and its index there. */
  readonly node: string;
  readonly index: number;
  /** Each message it received, as canonical JSON text. */
  readonly received: readonly string[];
  /**
   * Still connected at the end, on a live process: nothing may be missing from its current
   * attachment, `attachment` (its number; undefined when closed).
   */
  readonly open: boolean;
  readonly attachment?: number;
}

/** What an owner wrote to a player, in order: its attachment number and the message. */
export interface Written {
  readonly a: number;
  readonly m: string;
  /** The owner that wrote it, and when: for the report. */
  readonly by?: string;
  readonly at?: number;
}

/** The errors the player's own process adds (it was told to retry or reconnect). */
const FRONT_ERRORS = [
  "the room's server",
  "messages between servers were lost",
  "the room moved",
  "the room is not held here",
  "its server is gone",
];

/**
 * Whether a message is the player's own process telling it of a routing failure.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isFrontError } from "./delivery_check.ts";
 * assert.equal(isFrontError('[{"error":"the room moved to another server"}]'), true);
 * assert.equal(isFrontError('[{"error":"unknown code","code":"x"}]'), false);
 * ```
 */
export function isFrontError(text: string): boolean {
  const commands = JSON.parse(text);
  return Array.isArray(commands) && commands.length > 0 &&
    commands.every((command) =>
      typeof command?.error === "string" &&
      FRONT_ERRORS.some((prefix) => command.error.startsWith(prefix))
    );
}

/**
 * Per-identity delivery across processes: each player received, apart from its own process's
 * routing errors, exactly what the owners wrote to it, attachment after attachment, in order.
 * Of an attachment that ended, only a tail may be missing (in flight when the player moved or
 * was closed); of the current one of a player still open, nothing. A message no owner wrote to
 * that player (misrouted) breaks the match. Returns what is wrong, one line a player.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkDeliveries } from "./delivery_check.ts";
 * const written = new Map([["b/1", [{ a: 1, m: "[1]" }, { a: 2, m: "[2]" }, { a: 2, m: "[3]" }]]]);
 * const player = { node: "b", index: 1, open: true, attachment: 2 };
 * assert.deepEqual(checkDeliveries([{ ...player, received: ["[2]", "[3]"] }], written), []);
 * assert.equal(checkDeliveries([{ ...player, received: ["[1]", "[2]"] }], written).length, 1);
 * assert.equal(checkDeliveries([{ ...player, received: ["[1]", "[9]"] }], written).length, 1);
 * ```
 */
export function checkDeliveries(
  players: readonly PlayerRecord[],
  written: ReadonlyMap<string, readonly Written[]>,
): string[] {
  const problems: string[] = [];
  for (const player of players) {
    const name = `${player.node}/${player.index}`;
    const received = player.received.filter((text) => !isFrontError(text));
    const byAttachment = new Map<number, string[]>();
    const origin = new Map<string, string>();
    for (const { a, m, by, at } of written.get(name) ?? []) {
      byAttachment.set(a, [...byAttachment.get(a) ?? [], m]);
      if (by !== undefined) origin.set(`${a} ${m}`, ` from ${by} at ${at} ms`);
    }
    const attachments = [...byAttachment.keys()].sort((x, y) => x - y);
    // Every way of reading `received` as prefixes of the attachments' lists, in order (the
    // same text may come from two attachments, so one greedy reading is not enough).
    let reached = new Set([0]);
    let missing: string | undefined;
    for (const a of attachments) {
      const messages = byAttachment.get(a)!;
      const complete = player.open && a === player.attachment;
      const next = new Set<number>();
      for (const start of reached) {
        let matched = 0;
        while (matched < messages.length && received[start + matched] === messages[matched]) {
          if (!complete) next.add(start + matched);
          matched++;
        }
        if (!complete || matched === messages.length) next.add(start + matched);
        else {
          const from = origin.get(`${a} ${messages[matched]}`) ?? "";
          missing ??= `never received ${messages[matched]} (attachment ${a}${from})`;
        }
      }
      reached = next;
    }
    if (reached.has(received.length)) continue;
    const furthest = Math.max(-1, ...reached);
    problems.push(
      `${name}: ` +
        (furthest >= 0 && furthest < received.length
          ? `received ${received[furthest]}, which no owner wrote to it there`
          : missing ?? "received messages no owner wrote to it"),
    );
  }
  return problems;
}
