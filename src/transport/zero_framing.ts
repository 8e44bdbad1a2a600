/**
 * The zero-byte framing seen from WebSocket: the server's messages cut into text frames, and
 * the size of a message in progress in a binary stream.
 *
 * @module
 */
import { frameHeader } from "../websocket/frame_encoder.ts";
import { Opcode } from "../websocket/opcode.ts";
import { concat } from "./concat_bytes.ts";

const NOTHING = new Uint8Array(0);

/**
 * Message mode's writes: each zero-terminated message becomes one text frame without its zero
 * byte; a message cut across writes waits for its end.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TextFramer } from "./zero_framing.ts";
 * const framer = new TextFramer();
 * const bytes = (text: string) => new TextEncoder().encode(text);
 * assert.deepEqual(framer.frames(bytes("[1]\0[2")), new Uint8Array([0x81, 3, 0x5b, 0x31, 0x5d]));
 * assert.deepEqual(framer.frames(bytes("]\0")), new Uint8Array([0x81, 3, 0x5b, 0x32, 0x5d]));
 * assert.equal(framer.frames(bytes("[3")), undefined);
 * ```
 */
export class TextFramer {
  #tail = NOTHING;

  /** The frames of the messages `bytes` ends, in one array; `undefined` when none ends. */
  frames(bytes: Uint8Array): Uint8Array | undefined {
    const data = this.#tail.length === 0 ? bytes : concat([this.#tail, bytes]);
    const frames: Uint8Array[] = [];
    let start = 0;
    for (let zero = data.indexOf(0); zero !== -1; zero = data.indexOf(0, start)) {
      frames.push(frameHeader(Opcode.Text, zero - start), data.subarray(start, zero));
      start = zero + 1;
    }
    this.#tail = start === data.length ? NOTHING : data.slice(start);
    return frames.length > 0 ? concat(frames) : undefined;
  }
}

/**
 * Stream mode's reads: the length of each message, zero byte not counted, against a limit,
 * however the stream is cut, so that an oversized one is closed with 1009 as in message mode
 * (the parser would refuse it too, but with an error message).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StreamLimit } from "./zero_framing.ts";
 * const limit = new StreamLimit(4);
 * const bytes = (text: string) => new TextEncoder().encode(text);
 * assert.equal(limit.accepts(bytes("1234\0" + "12")), true);
 * assert.equal(limit.accepts(bytes("34\0")), true);
 * assert.equal(limit.accepts(bytes("123")), true);
 * assert.equal(limit.accepts(bytes("45")), false);
 * ```
 */
export class StreamLimit {
  #length = 0;

  constructor(readonly maxMessageBytes: number) {}

  /** Takes the next bytes of the stream; false once a message is over the limit. */
  accepts(data: Uint8Array): boolean {
    let start = 0;
    for (let zero = data.indexOf(0); zero !== -1; zero = data.indexOf(0, start)) {
      if (this.#length + zero - start > this.maxMessageBytes) return false;
      this.#length = 0;
      start = zero + 1;
    }
    this.#length += data.length - start;
    return this.#length <= this.maxMessageBytes;
  }
}
