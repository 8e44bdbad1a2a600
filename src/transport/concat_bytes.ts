/**
 * Joining byte arrays, for the layer's writes.
 *
 * @module
 */

/**
 * The chunks one after another in one new array; `length` is their total, when known.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { concat } from "./concat_bytes.ts";
 * assert.deepEqual(concat([new Uint8Array([1]), new Uint8Array([2, 3])]), new Uint8Array([1, 2, 3]));
 * ```
 */
export function concat(
  chunks: readonly Uint8Array[],
  length: number = chunks.reduce((sum, chunk) => sum + chunk.length, 0),
): Uint8Array {
  return concatRange(chunks, 0, chunks.length, length);
}

/**
 * `chunks[start..end)` one after another in one new array of `length` bytes, their total.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { concatRange } from "./concat_bytes.ts";
 * const chunks = [new Uint8Array([1]), new Uint8Array([2, 3]), new Uint8Array([4])];
 * assert.deepEqual(concatRange(chunks, 1, 3, 3), new Uint8Array([2, 3, 4]));
 * ```
 */
export function concatRange(
  chunks: readonly Uint8Array[],
  start: number,
  end: number,
  length: number,
): Uint8Array {
  const all = new Uint8Array(length);
  let offset = 0;
  for (let k = start; k < end; k++) {
    all.set(chunks[k], offset);
    offset += chunks[k].length;
  }
  return all;
}
