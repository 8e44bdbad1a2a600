/**
 * The delivery path: how a result becomes bytes on connections, at once or, for answers that
 * wait for something outside the turn (a save reaching the disk), once that has settled
 * without holding the turns of other connections: whoever is sent a held result gets
 * everything sent to it later after it, so each connection still sees results in turn order.
 *
 * @module
 */
import type { Connection } from "./connection.ts";
import type { Command, Delivery, Index, Result } from "./types.ts";

/** What delivering needs: who is connected, how to encode, and whom to drop. */
export interface Recipients {
  /** The live connection of an index, or undefined for unknown and closed ones. */
  connectionOf(index: Index): Connection | undefined;
  /**
   * Optional: told a delivery's indexes before `connectionOf` is asked for them, one after
   * another, so that it can answer from what it found for the same audience before (the
   * server's `AudienceCache`).
   */
  addressing?(indexes: readonly Index[]): void;
  /** Encodes one delivery's commands. */
  serialize(commands: readonly Command[]): Uint8Array;
  /** Called once per failed recipient; the server closes it and runs its onDisconnect. */
  fail(index: Index, error: unknown): void;
}

/** The delivery path's signature, replaceable for tests that plant faults in it. */
export type DeliverPath = (result: Result, recipients: Recipients) => Promise<void>;

/**
 * Delivers a result: serializes each delivery once, writes it to every recipient, and only
 * then awaits the drains of the recipients that have bytes unsent, all together, so that a
 * slow reader never holds back the others. A recipient whose write or drain fails is
 * reported to `fail` and skipped; it never disturbs the rest. The returned promise never
 * rejects.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deliverResult, JsonParser } from "../../mod.ts";
 * const parser = new JsonParser();
 * const written: string[] = [];
 * const connection = {
 *   bufferedBytes: 0,
 *   write: (bytes: Uint8Array) => void written.push(new TextDecoder().decode(bytes)),
 *   drain: async () => {},
 *   close: async () => {},
 * };
 * await deliverResult([[[1, 2], [{ code: "hi" }]]], {
 *   connectionOf: (index) => index === 1 ? connection : undefined,
 *   serialize: (commands) => parser.serialize(commands),
 *   fail: () => {},
 * });
 * assert.deepEqual(written, ['[{"code":"hi"}]\0']);
 * ```
 */
export function deliverResult(result: Result, recipients: Recipients): Promise<void> {
  // Only the recipients with something unsent are waited for, each once: in a room that
  // keeps up that is nobody, and a broadcast costs no bookkeeping per recipient.
  let unsent: Map<Index, Connection> | undefined;
  for (const [indexes, commands] of result) {
    if (indexes.length === 0 || commands.length === 0) continue;
    const bytes = recipients.serialize(commands);
    recipients.addressing?.(indexes);
    for (const index of indexes) {
      const connection = recipients.connectionOf(index);
      if (!connection) continue;
      try {
        connection.write(bytes);
      } catch (error) {
        unsent?.delete(index);
        recipients.fail(index, error);
        continue;
      }
      if (connection.bufferedBytes > 0) (unsent ??= new Map()).set(index, connection);
    }
  }
  if (unsent === undefined) return Promise.resolve();
  const drains = [...unsent].map(([index, connection]) =>
    connection.drain().catch((error) => recipients.fail(index, error))
  );
  return Promise.all(drains).then(() => {});
}

/**
 * Writes what a closing connection should still hear, if it can: a connection already gone
 * is left alone.
 *
 * @example
 * ```ts
 * import { tryWrite } from "../../mod.ts";
 * const gone = {
 *   bufferedBytes: 0,
 *   write: () => {
 *     throw new Error("closed");
 *   },
 *   drain: async () => {},
 *   close: async () => {},
 * };
 * tryWrite(gone, new Uint8Array([0])); // does not throw
 * ```
 */
export function tryWrite(connection: Connection, bytes: Uint8Array): void {
  try {
    connection.write(bytes);
  } catch {
    // Gone already: closing is all that is left to do.
  }
}

/**
 * One command's answer that waits: `result` (that command's deliveries) is sent once `until`
 * resolves; if it rejects, `otherwise(error)` is sent instead.
 */
export interface HeldAnswer {
  readonly until: Promise<unknown>;
  readonly result: readonly Delivery[];
  readonly otherwise: (error: unknown) => Result;
  /**
   * The connection whose command waits: what it is sent later waits for this answer too, so
   * an error for a command that answered nothing still comes before the replies that follow.
   */
  readonly sender?: Index;
  /**
   * For a command that answered nothing: the delivery of the turn's result its error goes
   * right after (null: before them all), so it comes in its place among the replies of its
   * message. Undefined: after them all.
   */
  readonly after?: Delivery | null;
}

/** How a turn's producer says that part of its result waits (see {@linkcode HeldAnswer}). */
export type Hold = (answer: HeldAnswer) => void;

/** Writes a result; returns what settles when its recipients have drained. */
export type WriteResult = (result: Result) => Promise<void>;

/**
 * The results waiting to be written, in turn order, and the connections they are for.
 *
 * @example
 * ```ts
 * import { HeldDeliveries } from "./deliver.ts";
 * const written: string[] = [];
 * const held = new HeldDeliveries((result) => {
 *   for (const [indexes, commands] of result) written.push(`${indexes}:${commands[0].code}`);
 *   return Promise.resolve();
 * });
 * let durable = () => {};
 * const until = new Promise<void>((resolve) => (durable = resolve));
 * const save: [number[], { code: string }[]] = [[1], [{ code: "save" }]];
 * const first = held.send([save], [{ until, result: [save], otherwise: () => [] }]);
 * const second = held.send([[[1, 2], [{ code: "move" }]]], []);
 * if (written.join() !== "2:move") throw new Error("2 waits for nothing, 1 for the save");
 * durable();
 * await Promise.all([first, second]);
 * if (written.join() !== "2:move,1:save,1:move") throw new Error(written.join());
 * ```
 */
export class HeldDeliveries {
  /** How many held writes are pending for each connection that has one. */
  readonly #pending = new Map<Index, number>();
  /** Settles when the last held write has been made. */
  #tail: Promise<void> = Promise.resolve();

  /**
   * `waiter`: the connection whose message the turn being sent answers, if any: it waits only
   * for what it is sent itself, not for what waits on others' held answers.
   */
  constructor(
    readonly write: WriteResult,
    readonly waiter: () => Index | undefined = () => undefined,
  ) {}

  /** Whether something held is still to be written to `index`. */
  holds(index: Index): boolean {
    return this.#pending.has(index);
  }

  /** Settles once every held result known now has been written. */
  get flushed(): Promise<void> {
    return this.#tail;
  }

  /**
   * Sends a turn's result: now to connections nothing is held for, and after the held results
   * before it to the others; all of it after `answers` settle if there are any. Resolves when
   * every part is written and drained; but when the turn's `waiter` is sent none of the part
   * that waits on others' answers, once what goes now is.
   */
  send(result: Result, answers: readonly HeldAnswer[]): Promise<void> {
    if (answers.length === 0 && this.#pending.size === 0) return this.write(result);
    const now: Result = [];
    let later: Result = result;
    if (answers.length === 0) {
      later = [];
      for (const delivery of result) this.#split(delivery, now, later);
    }
    const drained = now.length > 0 ? this.write(now) : Promise.resolve();
    // Answers that fail are answered even when the turn sent nothing else.
    if (later.length === 0 && answers.length === 0) return drained;
    const indexes = new Set(later.flatMap(([to]) => to));
    for (const { sender } of answers) if (sender !== undefined) indexes.add(sender);
    for (const index of indexes) this.#pending.set(index, (this.#pending.get(index) ?? 0) + 1);
    const written = this.#tail.then(async () => {
      const final = await settled(later, answers);
      try {
        // In an object: the next held write waits for this one's write, not for its drain.
        return { drained: final.length > 0 ? this.write(final) : Promise.resolve() };
      } finally {
        for (const index of indexes) {
          const left = this.#pending.get(index)! - 1;
          if (left === 0) this.#pending.delete(index);
          else this.#pending.set(index, left);
        }
      }
    });
    this.#tail = written.then(() => {}, () => {});
    // Held back only for others, who wait for answers before it: the connection whose turn
    // this is waits only for what it is sent itself (a broadcast to a player whose save is
    // slow would stall its sender; a reply of its own must still go out before its end).
    const waiter = this.waiter();
    if (answers.length === 0 && waiter !== undefined && !indexes.has(waiter)) return drained;
    return Promise.all([drained, written.then((held) => held.drained)]).then(() => {});
  }

  /** Puts the recipients with held writes in `later`, the others in `now`. */
  #split(delivery: Delivery, now: Result, later: Result): void {
    const [indexes, commands] = delivery;
    if (!indexes.some((index) => this.#pending.has(index))) return void now.push(delivery);
    const free = indexes.filter((index) => !this.#pending.has(index));
    if (free.length > 0) now.push([free, commands]);
    later.push([indexes.filter((index) => this.#pending.has(index)), commands]);
  }
}

/** The result once the answers have settled: a failed answer's deliveries replaced. */
async function settled(result: Result, answers: readonly HeldAnswer[]): Promise<Result> {
  const outcomes = await Promise.allSettled(answers.map((answer) => answer.until));
  const replaced = new Map<Delivery, Result>();
  const appended: Result = [];
  const placeOf = new Map<Delivery, Delivery | null>();
  outcomes.forEach((outcome, n) => {
    if (outcome.status === "fulfilled") return;
    const { result: failed, otherwise, after } = answers[n];
    const instead = otherwise(outcome.reason);
    if (failed.length === 0) appended.push(...instead);
    // Its place, if that is still there (an internal command before it was resolved away).
    const placed = after === null || (after !== undefined && result.includes(after));
    if (failed.length === 0 && placed) { for (const d of instead) placeOf.set(d, after); }
    failed.forEach((delivery, at) => replaced.set(delivery, at === 0 ? instead : []));
  });
  if (replaced.size === 0 && appended.length === 0) return result;
  // An error with a place goes right after the delivery before it (null: first).
  const placedAfter = (before: Delivery | null) =>
    appended.filter((d) => placeOf.get(d) === before);
  return [
    ...placedAfter(null),
    ...result.flatMap((delivery) => [
      ...replaced.get(delivery) ?? [delivery],
      ...placedAfter(delivery),
    ]),
    ...appended.filter((d) => !placeOf.has(d)),
  ];
}
