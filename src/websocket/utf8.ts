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

/**
 * Checks `bytes[start, end)` as a continuation of UTF-8 checked so far, for failing a
 * fragmented text message at the fragment that breaks it rather than at its end. `state` is 0
 * at a code point boundary, else what the previous call returned; returns the new state, or
 * -1 once the bytes cannot be UTF-8 whatever follows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkUtf8 } from "./utf8.ts";
 * const euro = new Uint8Array([0xe2, 0x82, 0xac]);
 * const half = checkUtf8(euro, 0, 2, 0);
 * assert.ok(half > 0); // inside a code point
 * assert.equal(checkUtf8(euro, 2, 3, half), 0);
 * assert.equal(checkUtf8(new Uint8Array([0xed, 0xa0]), 0, 2, 0), -1); // a surrogate's start
 * ```
 */
export function checkUtf8(bytes: Uint8Array, start: number, end: number, state: number): number {
  // The state packs the continuation bytes still needed and the range the next one must be in.
  let need = state & 3, low = (state >> 2) & 0xff, high = (state >> 10) & 0xff;
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    if (need > 0) {
      if (byte < low || byte > high) return -1;
      need--;
      low = 0x80;
      high = 0xbf;
    } else if (byte >= 0x80) {
      // Ranges from RFC 3629: no overlongs (C0, C1, E0 80-9F, F0 80-8F), no surrogates
      // (ED A0-BF), nothing past U+10FFFF (F4 90-BF, F5-FF).
      if (byte < 0xc2 || byte > 0xf4) return -1;
      need = byte < 0xe0 ? 1 : byte < 0xf0 ? 2 : 3;
      low = byte === 0xe0 ? 0xa0 : byte === 0xf0 ? 0x90 : 0x80;
      high = byte === 0xed ? 0x9f : byte === 0xf4 ? 0x8f : 0xbf;
    }
  }
  return need === 0 ? 0 : need | (low << 2) | (high << 10);
}
