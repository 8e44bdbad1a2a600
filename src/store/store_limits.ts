/**
 * What a state store accepts, and the quotas that keep clients from filling memory or disk.
 * Both stores apply the same key rule and the same state size limit.
 *
 * @module
 */
import type { JsonValue } from "../core/types.ts";
import { StateKeyError, StateQuotaError } from "./state_store.ts";

/** The limits of a state store. */
export interface StoreLimits {
  /** Longest key, in UTF-8 bytes. */
  maxKeyBytes: number;
  /** Largest state, in UTF-8 bytes of its JSON text. */
  maxStateBytes: number;
  /** Most keys holding a state at once. */
  maxKeys: number;
  /** Most bytes stored in all: the stored keys and states' JSON (the FileStore: its files). */
  maxTotalBytes: number;
}

/**
 * The default longest key: 512 UTF-8 bytes, at most 3,074 bytes of JSON in a reply even if
 * every byte needs an escape.
 */
export const DEFAULT_MAX_KEY_BYTES = 512;

/**
 * The default largest state: 60 KiB of JSON. A `get` reply carries the state, its key and
 * about 50 bytes of fields: with a key of at most {@linkcode DEFAULT_MAX_KEY_BYTES} it stays
 * under the parser's default 64 KiB message limit, so a client that reads with the same
 * parser can always receive what was stored, and far under the server's 2 MiB send cap.
 */
export const DEFAULT_MAX_STATE_BYTES = 60 * 1024;

/** The MemoryStore's defaults: 10,000 keys and 64 MiB of JSON, in RAM. */
export const DEFAULT_STORE_LIMITS: Readonly<StoreLimits> = Object.freeze({
  maxKeyBytes: DEFAULT_MAX_KEY_BYTES,
  maxStateBytes: DEFAULT_MAX_STATE_BYTES,
  maxKeys: 10_000,
  maxTotalBytes: 64 * 1024 * 1024,
});

/**
 * The limits with some replaced; throws a RangeError for one that is not a positive integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_STORE_LIMITS, storeLimitsWith } from "../../mod.ts";
 * const limits = storeLimitsWith({ maxKeys: 100 }, DEFAULT_STORE_LIMITS);
 * assert.equal(limits.maxKeys, 100);
 * assert.equal(limits.maxStateBytes, 61440);
 * assert.throws(() => storeLimitsWith({ maxKeys: 0 }, DEFAULT_STORE_LIMITS), RangeError);
 * ```
 */
export function storeLimitsWith(
  overrides: Partial<StoreLimits>,
  defaults: Readonly<StoreLimits>,
): StoreLimits {
  const limits: StoreLimits = {
    maxKeyBytes: overrides.maxKeyBytes ?? defaults.maxKeyBytes,
    maxStateBytes: overrides.maxStateBytes ?? defaults.maxStateBytes,
    maxKeys: overrides.maxKeys ?? defaults.maxKeys,
    maxTotalBytes: overrides.maxTotalBytes ?? defaults.maxTotalBytes,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`store limit ${name} must be a positive integer`);
    }
  }
  return limits;
}

// In a `u` regex a paired surrogate is one code point, so this matches only lone halves,
// which UTF-8 cannot carry (an encoder turns them into U+FFFD, and keys would collide).
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Throws a {@linkcode StateKeyError} for a key no store holds: one that is not well-formed
 * Unicode, or longer than `maxKeyBytes` in UTF-8. Any other string is a key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkKey, StateKeyError } from "../../mod.ts";
 * checkKey("__proto__", 512);
 * assert.throws(() => checkKey("\uD800", 512), StateKeyError);
 * assert.throws(() => checkKey("é".repeat(257), 512), /key is too long \(at most 512 UTF-8 bytes\)/);
 * ```
 */
export function checkKey(key: string, maxKeyBytes: number): void {
  if (LONE_SURROGATE.test(key)) throw new StateKeyError("key is not well-formed Unicode");
  if (utf8Length(key) > maxKeyBytes) {
    throw new StateKeyError(`key is too long (at most ${maxKeyBytes} UTF-8 bytes)`);
  }
}

/**
 * The JSON text of a state and its size in UTF-8 bytes; throws a {@linkcode StateQuotaError}
 * for one larger than `maxStateBytes`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serializeState } from "../../mod.ts";
 * assert.deepEqual(serializeState({ a: "é" }, 100), { text: '{"a":"é"}', bytes: 10 });
 * assert.throws(() => serializeState("x".repeat(99), 100), /the state is too large \(101 bytes of JSON; at most 100\)/);
 * ```
 */
export function serializeState(
  value: JsonValue,
  maxStateBytes: number,
): { text: string; bytes: number } {
  const text = JSON.stringify(value) ?? "null";
  const bytes = utf8Length(text);
  if (bytes > maxStateBytes) throw stateTooLarge(bytes, maxStateBytes);
  return { text, bytes };
}

/**
 * The error refusing a state of `bytes` bytes of JSON, over `maxStateBytes`: the one text
 * every store gives, however it measured the state.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StateQuotaError, stateTooLarge } from "../../mod.ts";
 * const error = stateTooLarge(101, 100);
 * assert.ok(error instanceof StateQuotaError);
 * assert.equal(error.message, "the state is too large (101 bytes of JSON; at most 100)");
 * ```
 */
export function stateTooLarge(bytes: number, maxStateBytes: number): StateQuotaError {
  return new StateQuotaError(
    `the state is too large (${bytes} bytes of JSON; at most ${maxStateBytes})`,
  );
}

/** Any UTF-16 unit past ASCII: without one, a text's UTF-8 length is its length. */
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * The length of `text` in UTF-8 (a lone surrogate counts 3, as its replacement would).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { utf8Length } from "../../mod.ts";
 * assert.equal(utf8Length("aé日🎲"), 1 + 2 + 3 + 4);
 * ```
 */
export function utf8Length(text: string): number {
  // The regex scans several times faster than the loop, and most JSON is ASCII.
  if (!NON_ASCII.test(text)) return text.length;
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) bytes += 1;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2; // four bytes for two units
        i++;
      } else bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}
