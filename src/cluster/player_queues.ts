/**
 * Work per player, one piece at a time in the order given, outside the server's turn: a
 * player waiting on Redis (its move to a room owned elsewhere) keeps nobody else waiting.
 *
 * @module
 */
import type { Index } from "../core/types.ts";

/**
 * A queue per player. `add` runs `work` once the player's earlier work is done; a piece that
 * fails is passed to `failed` and the next runs. A player with nothing queued is `idle`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PlayerQueues } from "./player_queues.ts";
 * const queues = new PlayerQueues(() => {});
 * const done: string[] = [];
 * let release = () => {};
 * queues.add(1, () => new Promise<void>((resolve) => release = resolve).then(() => void done.push("1a")));
 * queues.add(1, async () => void done.push("1b")); // after 1a
 * await queues.add(2, async () => void done.push("2")); // not after 1a
 * assert.deepEqual(done, ["2"]);
 * assert.equal(queues.idle(1), false);
 * release();
 * await queues.add(1, async () => {});
 * assert.deepEqual(done, ["2", "1a", "1b"]);
 * assert.equal(queues.idle(1), true);
 * ```
 */
export class PlayerQueues {
  readonly #tails = new Map<Index, Promise<void>>();
  readonly #failed: (index: Index, error: unknown) => void;

  constructor(failed: (index: Index, error: unknown) => void) {
    this.#failed = failed;
  }

  /** Whether the player has no work queued or running. */
  idle(index: Index): boolean {
    return !this.#tails.has(index);
  }

  /** Queues `work` for the player; resolves when it is done (or failed). */
  add(index: Index, work: () => Promise<void>): Promise<void> {
    const tail = (this.#tails.get(index) ?? Promise.resolve())
      .then(work)
      .catch((error) => this.#failed(index, error))
      .finally(() => {
        if (this.#tails.get(index) === tail) this.#tails.delete(index);
      });
    this.#tails.set(index, tail);
    return tail;
  }
}
