/**
 * Answers that wait for something outside the turn (a save reaching the disk) without
 * holding the turns of other connections: the turn ends at once, and its result is written
 * when what it waits for has settled. Whoever is sent a held result gets everything sent to
 * it later after it, so each connection still sees results in the order of the turns.
 *
 * @module
 */
import type { Delivery, Index, Result } from "./types.ts";

/**
 * One command's answer that waits: `result` (that command's deliveries) is sent once `until`
 * resolves; if it rejects, `otherwise(error)` is sent instead.
 */
export interface HeldAnswer {
  readonly until: Promise<unknown>;
  readonly result: readonly Delivery[];
  readonly otherwise: (error: unknown) => Result;
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
 * import { HeldDeliveries } from "./held_deliveries.ts";
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

  constructor(readonly write: WriteResult) {}

  /** Settles once every held result known now has been written. */
  get flushed(): Promise<void> {
    return this.#tail;
  }

  /**
   * Sends a turn's result: now to connections nothing is held for, and after the held results
   * before it to the others; all of it after `answers` settle if there are any. Resolves when
   * every part is written and drained.
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
    if (later.length === 0) return drained;
    const indexes = new Set(later.flatMap(([to]) => to));
    for (const index of indexes) this.#pending.set(index, (this.#pending.get(index) ?? 0) + 1);
    const written = this.#tail.then(async () => {
      const final = await settled(later, answers);
      try {
        // In an object: the next held write waits for this one's write, not for its drain.
        return { drained: this.write(final) };
      } finally {
        for (const index of indexes) {
          const left = this.#pending.get(index)! - 1;
          if (left === 0) this.#pending.delete(index);
          else this.#pending.set(index, left);
        }
      }
    });
    this.#tail = written.then(() => {}, () => {});
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
  outcomes.forEach((outcome, n) => {
    if (outcome.status === "fulfilled") return;
    const { result: failed, otherwise } = answers[n];
    const instead = otherwise(outcome.reason);
    if (failed.length === 0) appended.push(...instead);
    failed.forEach((delivery, at) => replaced.set(delivery, at === 0 ? instead : []));
  });
  if (replaced.size === 0 && appended.length === 0) return result;
  return [...result.flatMap((delivery) => replaced.get(delivery) ?? [delivery]), ...appended];
}
