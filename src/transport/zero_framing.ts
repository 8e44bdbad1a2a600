/**
 * The zero-byte framing seen from WebSocket: the server's messages cut into text frames, and
 * the size of a message in progress in a binary stream.
 *
 * @module
 */
import { headerLength, writeHeader } from "../websocket/frame_encoder.ts";
import { Opcode } from "../websocket/opcode.ts";
import { concat } from "./concat_bytes.ts";

const NOTHING = new Uint8Array(0);
const FIN_TEXT = 0x80 | Opcode.Text;
const FIN_BINARY = 0x80 | Opcode.Binary;

/** The text frames of the whole messages of some bytes, and where the unfinished rest starts. */
export interface TextFrames {
  /** One frame per zero-terminated message, without its zero byte; `undefined` when none. */
  readonly frames: Uint8Array | undefined;
  /** The index just past the last zero byte: what follows is an unfinished message. */
  readonly end: number;
}

/**
 * Frames the whole messages of `data` as text frames, laid out in one new array.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { textFrames } from "./zero_framing.ts";
 * const { frames, end } = textFrames(new TextEncoder().encode("[1]\0[2"));
 * assert.deepEqual(frames, new Uint8Array([0x81, 3, 0x5b, 0x31, 0x5d]));
 * assert.equal(end, 4);
 * ```
 */
export function textFrames(data: Uint8Array): TextFrames {
  let size = 0;
  let end = 0;
  for (let zero = data.indexOf(0); zero !== -1; zero = data.indexOf(0, end)) {
    size += headerLength(zero - end) + zero - end;
    end = zero + 1;
  }
  if (end === 0) return { frames: undefined, end };
  const frames = new Uint8Array(size);
  let at = 0;
  for (let start = 0; start < end;) {
    const zero = data.indexOf(0, start);
    at += writeHeader(frames, at, FIN_TEXT, zero - start);
    frames.set(data.subarray(start, zero), at);
    at += zero - start;
    start = zero + 1;
  }
  return { frames, end };
}

/**
 * The bytes as one binary frame (stream mode's writes), in one new array.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binaryFrame } from "./zero_framing.ts";
 * assert.deepEqual(binaryFrame(new Uint8Array([7, 0])), new Uint8Array([0x82, 2, 7, 0]));
 * ```
 */
export function binaryFrame(data: Uint8Array): Uint8Array {
  const size = headerLength(data.length);
  const frame = new Uint8Array(size + data.length);
  writeHeader(frame, 0, FIN_BINARY, data.length);
  frame.set(data, size);
  return frame;
}

/**
 * The last write framed, in each mode, for the WebSocket connections of a port to share.
 * Room members are handed the very same array in the same iteration (the layer joins their
 * writes once), so framing it once for all of them spares a copy of the whole write per
 * member. The write's bytes are never changed once handed over, so its identity is its key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FramingCache } from "./zero_framing.ts";
 * const cache = new FramingCache();
 * const write = new TextEncoder().encode("[1]\0");
 * assert.equal(cache.text(write), cache.text(write)); // framed once
 * assert.equal(cache.binary(write), cache.binary(write));
 * assert.notEqual(cache.binary(write), cache.binary(write.slice()));
 * ```
 */
export class FramingCache {
  #textInput: Uint8Array | undefined;
  #text: TextFrames = { frames: undefined, end: 0 };
  #binaryInput: Uint8Array | undefined;
  #binary: Uint8Array = NOTHING;

  /** {@linkcode textFrames} of `data`, framed again only when `data` is another array. */
  text(data: Uint8Array): TextFrames {
    if (data !== this.#textInput) {
      this.#text = textFrames(data);
      this.#textInput = data;
    }
    return this.#text;
  }

  /** {@linkcode binaryFrame} of `data`, framed again only when `data` is another array. */
  binary(data: Uint8Array): Uint8Array {
    if (data !== this.#binaryInput) {
      this.#binary = binaryFrame(data);
      this.#binaryInput = data;
    }
    return this.#binary;
  }
}

/**
 * Message mode's writes: each zero-terminated message becomes one text frame without its zero
 * byte; a message cut across writes waits for its end. Writes that start a message go
 * through `cache` (by default one of its own; the connections of a port share one).
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
  readonly #cache: FramingCache;

  constructor(cache: FramingCache = new FramingCache()) {
    this.#cache = cache;
  }

  /** The frames of the messages `bytes` ends, in one array; `undefined` when none ends. */
  frames(bytes: Uint8Array): Uint8Array | undefined {
    // A message cut across writes is this connection's alone: framed without the cache.
    const data = this.#tail.length === 0 ? bytes : concat([this.#tail, bytes]);
    const { frames, end } = data === bytes ? this.#cache.text(bytes) : textFrames(data);
    this.#tail = end === data.length ? NOTHING : data.slice(end);
    return frames;
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
