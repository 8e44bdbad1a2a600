/**
 * RFC 6455 masking: XOR of the payload with a 4-byte key, repeated.
 *
 * @module
 */

/**
 * Writes `source` XOR the masking key into `target` from `offset`. The key is a 32-bit number
 * (its first byte the most significant), and `phase` is how many payload bytes came before
 * `source`, so a payload can be unmasked in pieces cut anywhere. Masking and unmasking are
 * the same operation.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyMask } from "./mask.ts";
 * const out = new Uint8Array(3);
 * applyMask(new Uint8Array([0, 0, 0]), out, 0, 0x01020304, 1); // starts at the key's 2nd byte
 * assert.deepEqual(out, new Uint8Array([2, 3, 4]));
 * ```
 */
export function applyMask(
  source: Uint8Array,
  target: Uint8Array,
  offset: number,
  mask: number,
  phase: number,
): void {
  const shift = (phase & 3) * 8;
  const m = shift === 0 ? mask : ((mask << shift) | (mask >>> (32 - shift))) >>> 0;
  const m0 = m >>> 24, m1 = (m >>> 16) & 0xff, m2 = (m >>> 8) & 0xff, m3 = m & 0xff;
  const n = source.length;
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    target[offset + k] = source[k] ^ m0;
    target[offset + k + 1] = source[k + 1] ^ m1;
    target[offset + k + 2] = source[k + 2] ^ m2;
    target[offset + k + 3] = source[k + 3] ^ m3;
  }
  for (; k < n; k++) target[offset + k] = source[k] ^ ((m >>> (24 - (k & 3) * 8)) & 0xff);
}

/**
 * A 4-byte masking key as the 32-bit number {@linkcode applyMask} takes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { maskKey } from "./mask.ts";
 * assert.equal(maskKey(new Uint8Array([0x37, 0xfa, 0x21, 0x3d])), 0x37fa213d);
 * ```
 */
export function maskKey(key: Uint8Array): number {
  if (key.length !== 4) throw new RangeError("a mask is 4 bytes");
  return ((key[0] << 24) | (key[1] << 16) | (key[2] << 8) | key[3]) >>> 0;
}
