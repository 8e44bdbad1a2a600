/**
 * The names of a FileStore's files.
 *
 * @module
 */
import { sha256Hex } from "./sha256.ts";
import { checkKey } from "./store_limits.ts";

/** Temp files never start with a state prefix, so a leftover one is never read as state. */
export const TEMP_PREFIX = ".tmp-";
/** State files: `h_`, the SHA-256 of the key's UTF-8, `.json`. */
export const STATE_NAME = /^h_[0-9a-f]{64}\.json$/;

const textEncoder = new TextEncoder();

/**
 * The file name that holds `key`: `h_`, the SHA-256 of the key's UTF-8 in hex, `.json`. Hex
 * never makes a separator, a dot segment or a reserved name, is the same on case-insensitive
 * file systems and has the same length for every key, so no key reaches outside the
 * directory. The file holds the key too, so a reader can tell it is the right one. Throws a
 * {@linkcode StateKeyError} for a key that is not well-formed Unicode.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileNameForKey } from "./file_names.ts";
 * assert.equal(
 *   fileNameForKey("a/.."),
 *   "h_d5c7a6c2f7fdebd75b3ed9afcb4868891941447da40bcb473ebfd1e339f6d713.json",
 * );
 * assert.match(fileNameForKey("x".repeat(10_000)), /^h_[0-9a-f]{64}\.json$/);
 * ```
 */
export function fileNameForKey(key: string): string {
  checkKey(key, Infinity);
  return `h_${sha256Hex(textEncoder.encode(key))}.json`;
}
