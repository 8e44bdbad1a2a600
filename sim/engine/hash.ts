/**
 * A small pure hash for traces: the same text hashes the same on every runtime.
 *
 * @module
 */

/** The FNV-1a 32-bit offset basis: the hash of nothing. */
export const FNV_OFFSET = 0x811c9dc5;

/**
 * FNV-1a (32 bits) over the UTF-16 code units of `text` (one byte for a unit below 256, else its
 * low byte then its high byte), continuing from `hash`, so a long trace can be hashed line by
 * line. For ASCII text it is the standard FNV-1a.
 *
 * @example
 * ```ts
 * import { fnv1a, hex32 } from "./hash.ts";
 * hex32(fnv1a("a")); // "e40c292c"
 * fnv1a("b", fnv1a("a")) === fnv1a("ab"); // true
 * ```
 */
export function fnv1a(text: string, hash: number = FNV_OFFSET): number {
  let h = hash >>> 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    h = Math.imul(h ^ (unit & 0xff), 0x01000193);
    if (unit > 0xff) h = Math.imul(h ^ (unit >>> 8), 0x01000193);
  }
  return h >>> 0;
}

/** A 32-bit number as 8 hex digits. */
export function hex32(value: number): string {
  return (value >>> 0).toString(16).padStart(8, "0");
}
