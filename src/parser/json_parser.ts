/**
 * The wire format of the original clients: UTF-8 JSON, each message ended by a zero byte.
 *
 * @module
 */
import { type Command, isCommand } from "../core/types.ts";
import type { Decoded, Decoder, Parser } from "./parser.ts";
import { SlabEncoder } from "./slab_encoder.ts";
import { TailBuffer } from "./tail_buffer.ts";
import { problemInMessage } from "./value_check.ts";

/** Options of {@linkcode JsonParser}. */
export interface JsonParserOptions {
  /** Largest message, in bytes, without its zero byte. Larger is a fatal error. Default 64 KiB. */
  maxMessageBytes?: number;
  /** Deepest nesting of objects and arrays in a command, the command itself being 1. Default 32. */
  maxDepth?: number;
}

/** The default message size limit: 64 KiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

/** The default nesting limit of a command. */
export const DEFAULT_MAX_DEPTH = 32;

/** The error for a message that is an empty array: it asks nothing, yet it costs a read. */
export const EMPTY_BATCH = "empty batch: a message must hold at least one command";

const POLICY_REQUEST = "<policy-file-request/>";
// Shared by every decoder: used on whole messages only (never with `stream`), a TextDecoder
// keeps no state between calls, and one per connection costs memory for nothing. The
// lenient one is the fast path (a fatal decode costs about twice as much on Node, four
// times on Deno); the fatal one only looks again where U+FFFD came out. A byte order mark is
// kept (`ignoreBOM`), so it is refused as JSON wherever it stands: a decoder strips it only at
// the start of its input, which would make a message's fate hang on how the reads fell.
const lenientUtf8 = new TextDecoder("utf-8", { ignoreBOM: true });
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Zero-byte framed JSON: a message is one command object or an array of them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JsonParser } from "../../mod.ts";
 * const parser = new JsonParser();
 * const decoder = parser.createDecoder();
 * const bytes = new TextEncoder().encode('{"code":"get","key":"a"}\0{"code":');
 * assert.deepEqual(decoder.decode(bytes, 1000), [
 *   { kind: "commands", commands: [{ code: "get", key: "a" }] },
 * ]);
 * assert.equal(decoder.bufferedBytes, 8); // the start of the next message waits for the rest
 * assert.equal(decoder.pendingSince, 1000); // since the read given time 1000
 * assert.deepEqual(decoder.decode(new TextEncoder().encode("[]\0"), 2000), [
 *   { kind: "error", message: "message is not valid JSON", fatal: false },
 * ]);
 * assert.equal(decoder.pendingSince, undefined); // nothing held
 * ```
 */
export class JsonParser implements Parser {
  readonly maxMessageBytes: number;
  readonly maxDepth: number;
  readonly #encoder = new SlabEncoder();

  constructor(options: JsonParserOptions = {}) {
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    if (!(this.maxMessageBytes > 0)) throw new RangeError("maxMessageBytes must be positive");
    if (!(this.maxDepth >= 1)) throw new RangeError("maxDepth must be at least 1");
  }

  createDecoder(): Decoder {
    return new JsonDecoder(this.maxMessageBytes, this.maxDepth);
  }

  serialize(commands: readonly Command[]): Uint8Array {
    return this.#encoder.encodeFrame(JSON.stringify(commands));
  }
}

class JsonDecoder implements Decoder {
  readonly #tail: TailBuffer;
  #pendingSince: number | undefined;
  #failed = false;

  constructor(readonly maxMessageBytes: number, readonly maxDepth: number) {
    this.#tail = new TailBuffer(maxMessageBytes);
  }

  get bufferedBytes(): number {
    return this.#tail.length;
  }

  get retainedBytes(): number {
    return this.#tail.capacity;
  }

  get pendingSince(): number | undefined {
    return this.#pendingSince;
  }

  decode(bytes: Uint8Array, now?: number): Decoded[] {
    const out: Decoded[] = [];
    if (this.#failed) return out;
    let start = 0;
    if (this.#tail.length > 0) {
      // The held message ends at the first zero byte, if this read has one.
      const zero = bytes.indexOf(0);
      const end = zero === -1 ? bytes.length : zero;
      if (this.#tooLarge(this.#tail.length + end)) {
        out.push(this.#fail());
        return out;
      }
      if (zero === -1) {
        this.#tail.append(bytes);
        this.#pendingSince ??= now; // or of the first later read that gave a time
        return out;
      }
      this.#tail.append(bytes.subarray(0, zero));
      out.push(this.#parseBytes(this.#tail.view()));
      this.#tail.clear();
      this.#pendingSince = undefined;
      start = zero + 1;
    }
    // Whole messages inside this read end at its last zero byte: they are decoded to text in
    // one call, not one call each, and split where the zero bytes are.
    const last = bytes.lastIndexOf(0);
    if (last >= start) {
      if (!this.#decodeWhole(bytes, start, last, out)) return out;
      start = last + 1;
    }
    if (start < bytes.length) {
      if (this.#tooLarge(bytes.length - start)) {
        out.push(this.#fail());
        return out;
      }
      this.#tail.append(bytes.subarray(start));
      // The time of the read that began the message held.
      this.#pendingSince = now;
    }
    return out;
  }

  /**
   * Parses the messages of `bytes[from, to)`, zero bytes between them, unless one of them is
   * too large: then the ones before it, and the fatal error (returns false).
   */
  #decodeWhole(bytes: Uint8Array, from: number, to: number, out: Decoded[]): boolean {
    // A run no longer than the limit holds no message longer than it: no need to look.
    if (this.#tooLarge(to - from)) {
      for (let start = from; start <= to;) {
        const zero = bytes.indexOf(0, start);
        if (this.#tooLarge(zero - start)) {
          if (start > from) this.#decodeRun(bytes, from, start - 1, out);
          out.push(this.#fail());
          return false;
        }
        start = zero + 1;
      }
    }
    this.#decodeRun(bytes, from, to, out);
    return true;
  }

  /** Parses the whole messages in `bytes[from, to)` (zero bytes between them). */
  #decodeRun(bytes: Uint8Array, from: number, to: number, out: Decoded[]): void {
    const run = bytes.subarray(from, to);
    let text = lenientUtf8.decode(run);
    // Invalid bytes decode to U+FFFD: only then tell them from a U+FFFD a client sent.
    if (text.includes("\uFFFD")) {
      try {
        text = strictUtf8.decode(run);
      } catch {
        // Some message in the run is not UTF-8: find out which, one by one.
        for (let start = 0; start <= run.length;) {
          const zero = run.indexOf(0, start);
          const end = zero === -1 ? run.length : zero;
          out.push(this.#parseBytes(run.subarray(start, end)));
          start = end + 1;
        }
        return;
      }
    }
    // A zero byte is U+0000 and nothing else in UTF-8, so the text splits where the bytes do.
    for (const message of text.split("\0")) out.push(this.#parseText(message));
  }

  #tooLarge(messageBytes: number): boolean {
    return messageBytes > this.maxMessageBytes;
  }

  #fail(): Decoded {
    this.#failed = true;
    this.#tail.clear();
    this.#pendingSince = undefined;
    return {
      kind: "error",
      message: `message is larger than ${this.maxMessageBytes} bytes`,
      fatal: true,
    };
  }

  #parseBytes(frame: Uint8Array): Decoded {
    let text = lenientUtf8.decode(frame);
    if (text.includes("\uFFFD")) {
      try {
        text = strictUtf8.decode(frame);
      } catch {
        return badMessage("message is not valid UTF-8");
      }
    }
    return this.#parseText(text);
  }

  #parseText(text: string): Decoded {
    if (text === POLICY_REQUEST) return { kind: "policy-request" };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return badMessage("message is not valid JSON");
    }
    const commands = isCommand(value) ? [value] : value;
    if (!Array.isArray(commands) || !commands.every(isCommand)) {
      return badMessage("a message must be a command object or an array of command objects");
    }
    if (commands.length === 0) return badMessage(EMPTY_BATCH);
    const problem = problemInMessage(commands, text, this.maxDepth);
    return problem ? badMessage(problem) : { kind: "commands", commands };
  }
}

function badMessage(message: string): Decoded {
  return { kind: "error", message, fatal: false };
}
