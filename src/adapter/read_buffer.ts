/**
 * The size of the buffer a runtime read fills, for runtimes whose waiting read holds a buffer
 * of the caller's (Deno's `conn.read`): an idle connection costs what its buffer does, so it
 * starts small and grows only while reads fill it.
 *
 * @module
 */

/** The buffer an idle connection waits with. */
export const READ_MIN_BYTES = 256;
/** The largest buffer a busy connection reads into. */
export const READ_MAX_BYTES = 64 * 1024;

/**
 * The buffer for the next read, after one of `read` bytes into `buffer`: four times larger
 * when it was filled (up to {@linkcode READ_MAX_BYTES}), small again after a small read, else
 * the same one (the parser copies what it keeps of a read, so reusing it is safe).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nextReadBuffer, READ_MIN_BYTES } from "./read_buffer.ts";
 * const idle = new Uint8Array(READ_MIN_BYTES);
 * const busy = nextReadBuffer(idle, READ_MIN_BYTES);
 * assert.equal(busy.length, 4 * READ_MIN_BYTES);
 * assert.equal(nextReadBuffer(busy, 2000), busy);
 * assert.equal(nextReadBuffer(busy, 10).length, READ_MIN_BYTES);
 * ```
 */
export function nextReadBuffer(
  buffer: Uint8Array<ArrayBuffer>,
  read: number,
): Uint8Array<ArrayBuffer> {
  if (read === buffer.length && read < READ_MAX_BYTES) return new Uint8Array(read * 4);
  if (read < READ_MIN_BYTES && buffer.length > READ_MIN_BYTES) {
    return new Uint8Array(READ_MIN_BYTES);
  }
  return buffer;
}
