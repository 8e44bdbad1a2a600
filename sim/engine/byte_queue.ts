/**
 * A FIFO of bytes kept as the chunks they were written in.
 *
 * @module
 */

/**
 * Bytes queued in chunks: take any number of bytes off the front, copying only when a take
 * spans chunks.
 *
 * @example
 * ```ts
 * import { ByteQueue } from "./byte_queue.ts";
 * const queue = new ByteQueue();
 * queue.push(new Uint8Array([1, 2, 3]));
 * queue.push(new Uint8Array([4]));
 * queue.take(2); // Uint8Array [1, 2]
 * queue.headBytes; // 1: what is left of the first chunk
 * queue.take(5); // Uint8Array [3, 4]
 * ```
 */
export class ByteQueue {
  /** Chunks `#head` to `#count` are queued; slots before and after hold EMPTY. */
  #chunks: Uint8Array[] = [];
  #head = 0;
  #count = 0;
  #offset = 0;
  #bytes = 0;

  /** How many bytes are queued. */
  get bytes(): number {
    return this.#bytes;
  }

  /** How many bytes are left of the first chunk (a write boundary lies after them). */
  get headBytes(): number {
    return this.#bytes === 0 ? 0 : this.#chunks[this.#head].length - this.#offset;
  }

  /** Queues a chunk (kept by reference: the writer must not reuse it). */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks[this.#count++] = chunk;
    this.#bytes += chunk.length;
  }

  /** Takes up to `count` bytes off the front. */
  take(count: number): Uint8Array {
    const size = Math.min(count, this.#bytes);
    if (size <= 0) return new Uint8Array(0);
    if (size <= this.headBytes) return this.#takeFromHead(size);
    const out = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const part = this.#takeFromHead(Math.min(size - filled, this.headBytes));
      out.set(part, filled);
      filled += part.length;
    }
    return out;
  }

  /** Drops everything; returns how many bytes were dropped. */
  clear(): number {
    const dropped = this.#bytes;
    this.#chunks = [];
    this.#head = this.#count = 0;
    this.#offset = 0;
    this.#bytes = 0;
    return dropped;
  }

  #takeFromHead(size: number): Uint8Array {
    const chunks = this.#chunks;
    const chunk = chunks[this.#head];
    const part = this.#offset === 0 && size === chunk.length
      ? chunk
      : chunk.subarray(this.#offset, this.#offset + size);
    this.#offset += size;
    this.#bytes -= size;
    if (this.#offset === chunk.length) {
      chunks[this.#head++] = EMPTY;
      this.#offset = 0;
      if (this.#bytes === 0) {
        // Empty again: the array is reused from its start (a queue is mostly empty).
        this.#count = this.#head = 0;
      } else if (this.#head > 64 && this.#head * 2 > this.#count) {
        this.#chunks = chunks.slice(this.#head, this.#count);
        this.#count -= this.#head;
        this.#head = 0;
      }
    }
    return part;
  }
}

const EMPTY = new Uint8Array(0);
