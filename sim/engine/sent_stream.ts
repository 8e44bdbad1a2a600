/**
 * What a client sent, as the zero-byte stream, against what the core was given: the check
 * that nothing between them (the feed, the HTTP upgrade, the WebSocket socket) loses, adds or
 * changes a byte.
 *
 * @module
 */

/**
 * The stream a client put on the wire (for a WebSocket client: its messages, each with the
 * zero byte its frames leave out), compared as the core is given it: the core must be given a
 * prefix of it, byte for byte, however it is cut. `divergence` says where it first was not.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SentStream } from "./sent_stream.ts";
 * const bytes = (text: string) => new TextEncoder().encode(text);
 * const sent = new SentStream();
 * sent.push(bytes('{"a":1}\0{"b":2}\0'));
 * sent.arrived(1000, bytes('{"a":1}\0{"b'));
 * assert.equal(sent.divergence, undefined);
 * sent.arrived(2000, bytes('"c":2}\0'));
 * assert.deepEqual(sent.divergence, { time: 2000, offset: 12 });
 * ```
 */
export class SentStream {
  /** Where the core was first given a byte the client had not sent there. */
  divergence: { readonly time: number; readonly offset: number } | undefined;
  readonly #chunks: Uint8Array[] = [];
  #chunk = 0;
  #at = 0;
  /** Bytes the core was given so far. */
  #offset = 0;

  /** How many bytes the core was given. */
  get arrivedBytes(): number {
    return this.#offset;
  }

  /** The client sent these bytes (kept by reference). */
  push(bytes: Uint8Array): void {
    if (bytes.length > 0) this.#chunks.push(bytes);
  }

  /** The core was given these bytes. */
  arrived(time: number, bytes: Uint8Array): void {
    let at = 0;
    while (this.divergence === undefined && at < bytes.length) {
      const chunk = this.#chunks[this.#chunk];
      if (!chunk) return void (this.divergence = { time, offset: this.#offset });
      const count = Math.min(chunk.length - this.#at, bytes.length - at);
      // A piece of the very array the client wrote needs no comparing.
      const same = bytes.buffer === chunk.buffer &&
        bytes.byteOffset + at === chunk.byteOffset + this.#at;
      for (let k = 0; !same && k < count; k++) {
        if (bytes[at + k] !== chunk[this.#at + k]) {
          return void (this.divergence = { time, offset: this.#offset + k });
        }
      }
      at += count;
      this.#at += count;
      this.#offset += count;
      if (this.#at === chunk.length) {
        this.#chunk++;
        this.#at = 0;
      }
    }
  }
}
