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
  const all = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  return all;
}
