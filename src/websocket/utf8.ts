/**
 * Strict UTF-8 decoding for text frames and close reasons.
 *
 * @module
 */

// Shared: used on whole payloads only (never with `stream`), so they keep no state between
// calls. The lenient decoder is the fast path; the fatal one only looks again where U+FFFD
// came out, which is either a real U+FFFD or invalid input.
const lenient = new TextDecoder("utf-8", { ignoreBOM: true });
const fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The text of `bytes` if they are valid UTF-8, else `undefined`. A leading byte order mark
 * is kept as U+FEFF: it is payload, not a marker, in a WebSocket frame.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeUtf8 } from "./utf8.ts";
 * assert.equal(decodeUtf8(new Uint8Array([0xce, 0xba])), "κ");
 * assert.equal(decodeUtf8(new Uint8Array([0xef, 0xbf, 0xbd])), "\ufffd");
 * assert.equal(decodeUtf8(new Uint8Array([0xed, 0xa0, 0x80])), undefined); // a lone surrogate
 * assert.equal(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])), "\ufeffA");
 * ```
 */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  const text = lenient.decode(bytes);
  if (!text.includes("\ufffd")) return text;
  try {
    return fatal.decode(bytes);
  } catch {
    return undefined;
  }
}
