/**
 * The wire format of the original clients: UTF-8 JSON, each message ended by a zero byte.
 *
 * @module
 */
import { type Command, isCommand } from "../core/types.ts";
import type { Decoded, Decoder, Parser } from "./parser.ts";
import { SlabEncoder } from "./slab_encoder.ts";

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

const POLICY_REQUEST = "<policy-file-request/>";
// Shared by every decoder: used on whole messages only (never with `stream`), a TextDecoder
// keeps no state between calls, and one per connection costs memory for nothing. The
// lenient one is the fast path (a fatal decode costs about twice as much on Node, four
// times on Deno); the fatal one only looks again where U+FFFD came out.
const lenientUtf8 = new TextDecoder("utf-8");
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Zero-byte framed JSON: a message is one command object or an array of them.
 *
 * @example
 * ```ts
 * import { JsonParser } from "../../mod.ts";
 * const parser = new JsonParser();
 * const decoder = parser.createDecoder();
 * const bytes = new TextEncoder().encode('{"code":"get","key":"a"}\0{"code":');
 * decoder.decode(bytes); // [{ kind: "commands", commands: [{ code: "get", key: "a" }] }]
 * decoder.bufferedBytes; // 8: the start of the next message waits for the rest
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
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #failed = false;

  constructor(readonly maxMessageBytes: number, readonly maxDepth: number) {}

  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  decode(bytes: Uint8Array): Decoded[] {
    const out: Decoded[] = [];
    // Whole messages inside this read are decoded to text in one call, not one call each.
    let runFrom = -1;
    let runTo = -1;
    let start = 0;
    while (!this.#failed && start < bytes.length) {
      const zero = bytes.indexOf(0, start);
      const end = zero === -1 ? bytes.length : zero;
      if (this.#pendingBytes + end - start > this.maxMessageBytes) {
        this.#decodeRun(bytes, runFrom, runTo, out);
        out.push(this.#fail());
        return out;
      }
      if (zero === -1) {
        // Copied (not Buffer#slice, which would share memory): the caller may reuse its buffer.
        this.#pending.push(Uint8Array.prototype.slice.call(bytes, start));
        this.#pendingBytes += bytes.length - start;
        break;
      }
      if (this.#pendingBytes > 0) {
        out.push(this.#parseBytes(this.#takeFrame(bytes.subarray(start, zero))));
      } else {
        if (runFrom < 0) runFrom = start;
        runTo = zero;
      }
      start = zero + 1;
    }
    this.#decodeRun(bytes, runFrom, runTo, out);
    return out;
  }

  /** Parses the whole messages in `bytes[from, to)` (zero bytes between them). */
  #decodeRun(bytes: Uint8Array, from: number, to: number, out: Decoded[]): void {
    if (from < 0) return;
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

  #fail(): Decoded {
    this.#failed = true;
    this.#pending = [];
    this.#pendingBytes = 0;
    return {
      kind: "error",
      message: `message is larger than ${this.maxMessageBytes} bytes`,
      fatal: true,
    };
  }

  #takeFrame(last: Uint8Array): Uint8Array {
    if (this.#pending.length === 0) return last;
    const frame = new Uint8Array(this.#pendingBytes + last.length);
    let offset = 0;
    for (const chunk of this.#pending) {
      frame.set(chunk, offset);
      offset += chunk.length;
    }
    frame.set(last, offset);
    this.#pending = [];
    this.#pendingBytes = 0;
    return frame;
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
    for (const command of commands) {
      const problem = problemIn(command, 1, this.maxDepth);
      if (problem) return badMessage(problem);
    }
    return { kind: "commands", commands };
  }
}

/**
 * What makes a parsed value unfit to be handled, if anything: nesting past the limit (so no
 * handler recurses without bound), a number JSON.parse turned into Infinity (it would come
 * back as null), or a `__proto__` key (a trap for any code that merges objects).
 */
function problemIn(value: unknown, depth: number, maxDepth: number): string | undefined {
  if (typeof value === "number") {
    return Number.isFinite(value) ? undefined : "a number is out of range";
  }
  if (typeof value !== "object" || value === null) return undefined;
  if (depth > maxDepth) return `a command is nested deeper than ${maxDepth} levels`;
  // Members are checked by problemInMember, which makes no call for a number or a string:
  // a coloring page's state is an array of a thousand numbers.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = problemInMember(value[i], depth, maxDepth);
      if (problem) return problem;
    }
    return undefined;
  }
  for (const key in value) {
    if (key === "__proto__") return 'the key "__proto__" is not allowed';
    const problem = problemInMember((value as Record<string, unknown>)[key], depth, maxDepth);
    if (problem) return problem;
  }
  return undefined;
}

/** {@linkcode problemIn} for a member of a container at `depth`. */
function problemInMember(member: unknown, depth: number, maxDepth: number): string | undefined {
  if (typeof member === "number") {
    // Infinity - Infinity is NaN: one subtraction tells a finite number.
    return member - member === 0 ? undefined : "a number is out of range";
  }
  if (typeof member !== "object" || member === null) return undefined;
  return problemIn(member, depth + 1, maxDepth);
}

function badMessage(message: string): Decoded {
  return { kind: "error", message, fatal: false };
}
