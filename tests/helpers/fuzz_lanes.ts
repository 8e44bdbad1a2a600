/**
 * One in-memory client's outgoing byte stream for the fuzz tests: whole messages are queued,
 * then sent in pieces of any size, a piece ending anywhere (inside a character, across
 * several messages), so the server sees every split a network can make.
 */
import { Buffer } from "node:buffer";
import type { TestClient } from "./harness.ts";
import type { WireMessage } from "./hostile_messages.ts";

interface Queued {
  readonly bytes: Uint8Array;
  /** What the message is, or undefined for raw garbage nobody predicts. */
  readonly message: WireMessage | undefined;
  sent: number;
}

/** A client and what it has yet to send. */
export class Lane {
  readonly #queue: Queued[] = [];

  /** `id` names the client in the model; `client` is its connection to the server core. */
  constructor(readonly id: number, readonly client: TestClient) {}

  /** Queues a message (or raw bytes, when `message` is undefined). */
  push(message: WireMessage | undefined, bytes = message?.bytes ?? new Uint8Array()): void {
    if (bytes.length > 0) this.#queue.push({ bytes, message, sent: 0 });
  }

  /** Bytes queued and not sent yet. */
  get remaining(): number {
    return this.#queue.reduce((sum, queued) => sum + queued.bytes.length - queued.sent, 0);
  }

  /**
   * Sends the next `length` bytes (or what is left) as one read, waits until the server is
   * done with it, and returns the messages whose last byte it carried, in order.
   */
  async send(length: number): Promise<(WireMessage | undefined)[]> {
    const pieces: Uint8Array[] = [];
    const ended: (WireMessage | undefined)[] = [];
    for (let left = length; left > 0 && this.#queue.length > 0;) {
      const head = this.#queue[0];
      const take = Math.min(left, head.bytes.length - head.sent);
      pieces.push(head.bytes.subarray(head.sent, head.sent + take));
      head.sent += take;
      left -= take;
      if (head.sent === head.bytes.length) ended.push(this.#queue.shift()!.message);
    }
    const read = Buffer.concat(pieces);
    // A plain view, as the adapters hand the core: no Buffer methods to lean on.
    await this.client.events.data(new Uint8Array(read.buffer, read.byteOffset, read.length));
    return ended;
  }

  /** Forgets what is left to send (the server closed this client). */
  drop(): void {
    this.#queue.length = 0;
  }
}
