/**
 * Gathering an HTTP head (request or response) from bytes in any split, up to a size limit.
 *
 * @module
 */

/** The largest head accepted, final empty line included: 8 KiB. */
export const MAX_HEAD_BYTES = 8 * 1024;

/** What {@linkcode HeadBuffer.feed} found. */
export type HeadChunk =
  | { readonly kind: "incomplete" }
  /** The limit was reached without the empty line that ends a head. */
  | { readonly kind: "too-large" }
  /**
   * The head without its final `\r\n\r\n`, and the bytes after it: a view into the bytes
   * fed, to be copied if their buffer will be reused.
   */
  | { readonly kind: "head"; readonly head: Uint8Array; readonly rest: Uint8Array };

const INCOMPLETE: HeadChunk = Object.freeze({ kind: "incomplete" });

/**
 * Holds the bytes of an unfinished head, never more than `limit`, and finds its end. After
 * any answer but `incomplete` it is empty again.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HeadBuffer } from "./head_buffer.ts";
 * const buffer = new HeadBuffer();
 * const bytes = (text: string) => new TextEncoder().encode(text);
 * assert.equal(buffer.feed(bytes("GET / HTTP/1.1\r\n\r")).kind, "incomplete");
 * const found = buffer.feed(bytes("\nrest"));
 * assert.ok(found.kind === "head");
 * assert.equal(new TextDecoder().decode(found.head), "GET / HTTP/1.1");
 * assert.equal(new TextDecoder().decode(found.rest), "rest");
 * ```
 */
export class HeadBuffer {
  readonly limit: number;
  #held = new Uint8Array(0);
  #length = 0;

  constructor(limit = MAX_HEAD_BYTES) {
    this.limit = limit;
  }

  /** Bytes held while the head is incomplete. */
  get bufferedBytes(): number {
    return this.#length;
  }

  /** Adds bytes; answers as soon as the head is complete or cannot be. */
  feed(bytes: Uint8Array): HeadChunk {
    const held = this.#length;
    const taken = Math.min(bytes.length, this.limit - held);
    // The common case, a whole head in the first chunk, is found in place without a copy.
    const buffer = held === 0 ? bytes : this.#append(bytes.subarray(0, taken));
    const end = findEnd(buffer, Math.max(0, held - 3), held + taken);
    if (end < 0) {
      if (held + taken >= this.limit) return this.#reset({ kind: "too-large" });
      if (held === 0) this.#append(bytes);
      return INCOMPLETE;
    }
    const head = buffer.subarray(0, end - 4);
    return this.#reset({ kind: "head", head, rest: bytes.subarray(end - held) });
  }

  #append(bytes: Uint8Array): Uint8Array {
    const needed = this.#length + bytes.length;
    if (needed > this.#held.length) {
      const grown = new Uint8Array(Math.min(this.limit, Math.max(needed, this.#length * 2)));
      grown.set(this.#held.subarray(0, this.#length));
      this.#held = grown;
    }
    this.#held.set(bytes, this.#length);
    this.#length = needed;
    return this.#held;
  }

  #reset(result: HeadChunk): HeadChunk {
    this.#held = new Uint8Array(0);
    this.#length = 0;
    return result;
  }
}

/** Index just past the first `\r\n\r\n` in `buffer[from, to)`, or -1. */
function findEnd(buffer: Uint8Array, from: number, to: number): number {
  for (let i = from; i + 4 <= to; i++) {
    if (buffer[i] === 13 && buffer[i + 1] === 10 && buffer[i + 2] === 13 && buffer[i + 3] === 10) {
      return i + 4;
    }
  }
  return -1;
}
