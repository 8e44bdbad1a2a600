/**
 * An owner's deliveries to the players of one process, gathered into one bus message: a save
 * to ten players elsewhere is one publish, not ten.
 *
 * @module
 */
import type { ClusterMessage, OutEntry } from "./cluster_messages.ts";

interface Queue {
  readonly entries: OutEntry[];
  readonly settle: { resolve: () => void; reject: (error: unknown) => void }[];
}

/**
 * Gathers the `out`s written in one turn of the event loop per destination and sends them as
 * one message when the microtasks run (or sooner: {@linkcode OutBatcher.flush}, which a
 * `closed` calls first so that it never overtakes the deliveries before it). Each `out`'s
 * promise settles with the publish that carried it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ClusterMessage } from "./cluster_messages.ts";
 * import { OutBatcher } from "./out_batcher.ts";
 * const sent: [string, ClusterMessage][] = [];
 * const batcher = new OutBatcher((to, message) => (sent.push([to, message]), Promise.resolve(1)));
 * const out = (c: number) => ({ c, a: 1, room: "r", fence: 1, m: "[]" });
 * const both = [batcher.send("b", out(1)), batcher.send("b", out(2))];
 * await Promise.all(both);
 * assert.equal(sent.length, 1);
 * assert.deepEqual(sent[0], ["b", { k: "outs", o: [out(1), out(2)] }]);
 * ```
 */
export class OutBatcher {
  readonly #send: (destination: string, message: ClusterMessage) => Promise<number>;
  readonly #queues = new Map<string, Queue>();

  /** `send` publishes; what it answers (listeners) is handed on by `flush`. */
  constructor(send: (destination: string, message: ClusterMessage) => Promise<number>) {
    this.#send = send;
  }

  /** Queues one delivery for `destination`; resolves once it has left in a batch. */
  send(destination: string, entry: OutEntry): Promise<void> {
    let queue = this.#queues.get(destination);
    if (queue === undefined) {
      queue = { entries: [], settle: [] };
      this.#queues.set(destination, queue);
      queueMicrotask(() => void this.flush(destination));
    }
    queue.entries.push(entry);
    return new Promise((resolve, reject) => queue.settle.push({ resolve, reject }));
  }

  /** Sends what waits for `destination` now: how many listened (1 when nothing waited). */
  flush(destination: string): Promise<number> {
    const queue = this.#queues.get(destination);
    if (queue === undefined) return Promise.resolve(1);
    this.#queues.delete(destination);
    const [first] = queue.entries;
    const message: ClusterMessage = queue.entries.length === 1
      ? { k: "out", ...first }
      : { k: "outs", o: queue.entries };
    const sent = this.#send(destination, message);
    sent.then(
      () => queue.settle.forEach(({ resolve }) => resolve()),
      (error) => queue.settle.forEach(({ reject }) => reject(error)),
    );
    return sent;
  }
}
