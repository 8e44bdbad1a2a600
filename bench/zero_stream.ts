/**
 * The load clients' side of the zero-byte framing: a byte stream cut into messages, counted
 * as cheaply as possible, or decoded when asked to. TCP clients read it straight off the
 * socket; WebSocket clients in stream mode read it out of binary frames.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { Received } from "./load_clients.ts";

const decoder = new TextDecoder();

/**
 * Counts the zero-terminated messages of a stream fed in any cut; with `onMessage` set,
 * decodes each one too.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Buffer } from "node:buffer";
 * import { ZeroStream } from "./zero_stream.ts";
 * const stream = new ZeroStream();
 * stream.take(Buffer.from('{"a":1}\0{"b"'));
 * const seen: unknown[] = [];
 * stream.onMessage = (message) => seen.push(message);
 * stream.take(Buffer.from(':2}\0'));
 * assert.equal(stream.received, 2);
 * assert.deepEqual(seen, [{ b: 2 }]);
 * ```
 */
export class ZeroStream {
  /** Messages completed so far. */
  received = 0;
  /** When set, every message is decoded and handed to it; otherwise only counted. */
  onMessage: ((message: unknown) => void) | undefined;
  /** The start of an unfinished message (a copy), held until its zero byte arrives. */
  #tail: Buffer | undefined;

  /** Takes the next bytes; they are not kept (what is held of them is copied). */
  take(chunk: Buffer): void {
    if (this.onMessage) this.#decode(chunk);
    else this.#count(chunk);
  }

  #count(chunk: Buffer): void {
    let last = -1;
    for (let zero = chunk.indexOf(0); zero !== -1; zero = chunk.indexOf(0, zero + 1)) {
      this.received++;
      last = zero;
    }
    if (last !== -1) this.#tail = last + 1 < chunk.length ? copy(chunk, last + 1) : undefined;
    else this.#tail = this.#tail ? Buffer.concat([this.#tail, chunk]) : copy(chunk, 0);
  }

  #decode(chunk: Buffer): void {
    const bytes = this.#tail ? Buffer.concat([this.#tail, chunk]) : chunk;
    let start = 0;
    for (let zero = bytes.indexOf(0); zero !== -1; zero = bytes.indexOf(0, start)) {
      this.received++;
      this.onMessage?.(JSON.parse(decoder.decode(bytes.subarray(start, zero))));
      start = zero + 1;
    }
    this.#tail = start < bytes.length ? copy(bytes, start) : undefined;
  }
}

function copy(bytes: Buffer, from: number): Buffer {
  return Buffer.from(bytes.subarray(from));
}

/**
 * What every load client built on a {@linkcode ZeroStream} shares: its count and its message
 * handler are the stream's.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Buffer } from "node:buffer";
 * import { StreamCounted } from "./zero_stream.ts";
 * class Client extends StreamCounted {
 *   feed(bytes: string) {
 *     this.stream.take(Buffer.from(bytes));
 *   }
 * }
 * const client = new Client();
 * client.feed("{}\0{}\0");
 * assert.equal(client.received, 2);
 * ```
 */
export abstract class StreamCounted {
  /** The messages read so far, counted (and decoded once `onMessage` is set). */
  protected readonly stream: ZeroStream = new ZeroStream();

  /** Messages received so far. */
  get received(): number {
    return this.stream.received;
  }

  /** When set, every message is decoded and handed to it. */
  get onMessage(): ((message: Received) => void) | undefined {
    return this.stream.onMessage;
  }

  set onMessage(handler: ((message: Received) => void) | undefined) {
    this.stream.onMessage = handler;
  }
}
