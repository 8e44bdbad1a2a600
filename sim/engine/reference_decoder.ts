/**
 * How a simulated client reads the protocol: written apart from the server's parser, so that
 * a bug the parser shares with the serializer cannot judge itself correct.
 *
 * @module
 */
import type { Command } from "../../mod.ts";
import { concat } from "../../src/transport/concat_bytes.ts";

/** One message as a client reads it: its commands, and the text its log and checks show. */
export interface ReadMessage {
  /** The commands as JSON, or `<the message's text>` when it is not commands. */
  readonly text: string;
  /** Undefined for a message that is not an object or an array of objects. */
  readonly commands: Command[] | undefined;
}

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder();

/**
 * The reference reading of one message (its zero byte excluded): strict UTF-8, `JSON.parse`,
 * and a message is a command object or an array of them. What is not reads as `<text>`, the
 * way `Addressed.text` shows a direct write that is not JSON.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readMessage } from "./reference_decoder.ts";
 * const bytes = (text: string) => new TextEncoder().encode(text);
 * assert.equal(readMessage(bytes('{"code":"a"}')).text, '[{"code":"a"}]');
 * assert.equal(readMessage(bytes("[1]")).commands, undefined);
 * assert.equal(readMessage(new Uint8Array([0xc3])).text, "<not UTF-8: \ufffd>");
 * ```
 */
export function readMessage(bytes: Uint8Array): ReadMessage {
  let text: string;
  try {
    text = strict.decode(bytes);
  } catch {
    return { text: `<not UTF-8: ${lenient.decode(bytes)}>`, commands: undefined };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { text: `<${text}>`, commands: undefined };
  }
  const commands = Array.isArray(value) ? value : [value];
  if (!commands.every(isCommand)) return { text: `<${text}>`, commands: undefined };
  return { text: JSON.stringify(commands), commands };
}

function isCommand(value: unknown): value is Command {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Splits a byte stream at its zero bytes, however it is cut into reads, and reads each
 * message with {@linkcode readMessage}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ReferenceDecoder } from "./reference_decoder.ts";
 * const decoder = new ReferenceDecoder();
 * const bytes = (text: string) => new TextEncoder().encode(text);
 * assert.deepEqual(decoder.decode(bytes('[{"a":1}]\0[{"b"')), [
 *   { text: '[{"a":1}]', commands: [{ a: 1 }] },
 * ]);
 * assert.equal(decoder.decode(bytes(":2}]\0"))[0].text, '[{"b":2}]');
 * ```
 */
export class ReferenceDecoder {
  #tail: Uint8Array[] = [];
  #tailBytes = 0;

  /** The messages `bytes` completes, in order. */
  decode(bytes: Uint8Array): ReadMessage[] {
    const messages: ReadMessage[] = [];
    let start = 0;
    for (let zero = bytes.indexOf(0); zero !== -1; zero = bytes.indexOf(0, start)) {
      messages.push(readMessage(this.#take(bytes.subarray(start, zero))));
      start = zero + 1;
    }
    if (start < bytes.length) {
      this.#tail.push(bytes.subarray(start));
      this.#tailBytes += bytes.length - start;
    }
    return messages;
  }

  /** The message's bytes: what waited from earlier reads, then `last`. */
  #take(last: Uint8Array): Uint8Array {
    if (this.#tailBytes === 0) return last;
    this.#tail.push(last);
    const all = concat(this.#tail, this.#tailBytes + last.length);
    this.#tail = [];
    this.#tailBytes = 0;
    return all;
  }
}
