/**
 * The unfinished end of a byte stream, kept in one buffer.
 *
 * @module
 */

/** The smallest buffer a tail gets, so that a trickle of tiny reads does not regrow at once. */
const MIN_CAPACITY = 256;
const EMPTY = new Uint8Array(0);

/**
 * Bytes appended read after read into one buffer that doubles as needed, never past `limit`.
 * Its memory is bounded by what it holds, not by how the bytes came: at most
 * `max(256, 2 * length)`, and never more than `limit` (or than the longest single append
 * past it). Cleared, it lets its buffer go, so an idle stream costs nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TailBuffer } from "./tail_buffer.ts";
 * const tail = new TailBuffer(1024);
 * for (const byte of new TextEncoder().encode('{"code":"get"')) tail.append(Uint8Array.of(byte));
 * assert.equal(tail.length, 13);
 * assert.equal(tail.capacity, 256);
 * assert.equal(new TextDecoder().decode(tail.view()), '{"code":"get"');
 * tail.clear();
 * assert.equal(tail.capacity, 0);
 * ```
 */
export class TailBuffer {
  #bytes: Uint8Array = EMPTY;
  #length = 0;

  /** A tail that never grows its buffer past `limit` bytes (unless one append needs more). */
  constructor(readonly limit: number) {}

  /** Bytes held. */
  get length(): number {
    return this.#length;
  }

  /** Bytes of memory held for them: the buffer's size. */
  get capacity(): number {
    return this.#bytes.length;
  }

  /** Copies `bytes` to the end: the caller may reuse its buffer afterwards. */
  append(bytes: Uint8Array): void {
    const needed = this.#length + bytes.length;
    if (needed > this.#bytes.length) {
      // Doubling makes the copies add up to at most twice the bytes held, however small
      // the reads; the limit keeps the last doubling from overshooting a message's size.
      const doubled = Math.min(this.limit, Math.max(MIN_CAPACITY, this.#bytes.length * 2));
      const grown = new Uint8Array(Math.max(needed, doubled));
      grown.set(this.#bytes.subarray(0, this.#length));
      this.#bytes = grown;
    }
    this.#bytes.set(bytes, this.#length);
    this.#length = needed;
  }

  /** The bytes held, without copying; valid until the next append or clear. */
  view(): Uint8Array {
    return this.#bytes.subarray(0, this.#length);
  }

  /** Forgets the bytes and lets the buffer go. */
  clear(): void {
    this.#bytes = EMPTY;
    this.#length = 0;
  }
}
