/**
 * The wire format of the original clients: UTF-8 JSON, each message ended by a zero byte.
 *
 * @module
 */
import { type Command, isCommand } from "../core/types.ts";
import type { Decoded, Decoder, Parser } from "./parser.ts";

/** Options of {@linkcode JsonParser}. */
export interface JsonParserOptions {
  /** Largest message, in bytes, without its zero byte. Larger is a fatal error. Default 64 KiB. */
  maxMessageBytes?: number;
}

/** The default message size limit: 64 KiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

const POLICY_REQUEST = "<policy-file-request/>";
const textEncoder = new TextEncoder();

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

  constructor(options: JsonParserOptions = {}) {
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    if (!(this.maxMessageBytes > 0)) throw new RangeError("maxMessageBytes must be positive");
  }

  createDecoder(): Decoder {
    return new JsonDecoder(this.maxMessageBytes);
  }

  serialize(commands: readonly Command[]): Uint8Array {
    return textEncoder.encode(JSON.stringify(commands) + "\0");
  }
}

class JsonDecoder implements Decoder {
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #failed = false;
  // One per decoder: a fatal TextDecoder keeps no state between whole-frame calls.
  readonly #text = new TextDecoder("utf-8", { fatal: true });

  constructor(readonly maxMessageBytes: number) {}

  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  decode(bytes: Uint8Array): Decoded[] {
    const out: Decoded[] = [];
    let start = 0;
    while (!this.#failed && start < bytes.length) {
      const zero = bytes.indexOf(0, start);
      const end = zero === -1 ? bytes.length : zero;
      if (this.#pendingBytes + end - start > this.maxMessageBytes) {
        out.push(this.#fail());
        break;
      }
      if (zero === -1) {
        // Copied: the caller may reuse its read buffer.
        this.#pending.push(bytes.slice(start));
        this.#pendingBytes += bytes.length - start;
        break;
      }
      out.push(this.#parse(this.#takeFrame(bytes.subarray(start, zero))));
      start = zero + 1;
    }
    return out;
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

  #parse(frame: Uint8Array): Decoded {
    let text: string;
    try {
      text = this.#text.decode(frame);
    } catch {
      return badMessage("message is not valid UTF-8");
    }
    if (text === POLICY_REQUEST) return { kind: "policy-request" };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return badMessage("message is not valid JSON");
    }
    if (isCommand(value)) return { kind: "commands", commands: [value] };
    if (Array.isArray(value) && value.every(isCommand)) return { kind: "commands", commands: value };
    return badMessage("a message must be a command object or an array of command objects");
  }
}

function badMessage(message: string): Decoded {
  return { kind: "error", message, fatal: false };
}
