/**
 * Encoding frames: unmasked for the server's own, masked for clients (the simulator's and the
 * tests'). Nothing here enforces the protocol's rules, so that tests can build bad frames;
 * the named helpers only build valid ones.
 *
 * @module
 */
import { applyMask, maskKey } from "./mask.ts";
import { Opcode } from "./opcode.ts";

/** How {@linkcode encodeFrame} builds a frame. */
export interface FrameOptions {
  /** Last frame of its message. Default true. */
  fin?: boolean;
  /** The three reserved bits RSV1-RSV3 as a number 0-7. Default 0. */
  rsv?: number;
  /** A 4-byte masking key: the frame is masked with it. Default: unmasked. */
  mask?: Uint8Array;
}

const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();

/**
 * The header of a frame alone (2 to 14 bytes), for writing the payload separately.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { frameHeader } from "./frame_encoder.ts";
 * assert.deepEqual(frameHeader(0x2, 300), new Uint8Array([0x82, 126, 1, 44]));
 * ```
 */
export function frameHeader(
  opcode: number,
  length: number,
  options: FrameOptions = {},
): Uint8Array {
  const { fin = true, rsv = 0, mask } = options;
  if (mask !== undefined && mask.length !== 4) throw new RangeError("a mask is 4 bytes");
  const size = headerLength(length);
  const header = new Uint8Array(size + (mask === undefined ? 0 : 4));
  writeHeader(header, 0, (fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0xf), length);
  if (mask !== undefined) {
    header[1] |= 0x80;
    header.set(mask, size);
  }
  return header;
}

/**
 * The size of an unmasked header for a payload of `length` bytes: 2, 4 or 10.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { headerLength } from "./frame_encoder.ts";
 * assert.deepEqual([headerLength(125), headerLength(126), headerLength(0x10000)], [2, 4, 10]);
 * ```
 */
export function headerLength(length: number): number {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`bad length ${length}`);
  return length < 126 ? 2 : length < 0x10000 ? 4 : 10;
}

/**
 * Writes an unmasked header into `target` at `at`, so that frames can be laid out in one
 * array without one allocation each; returns its size. `first` is the header's first byte
 * (FIN, RSV, opcode).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeHeader } from "./frame_encoder.ts";
 * const target = new Uint8Array(5);
 * assert.equal(writeHeader(target, 1, 0x82, 300), 4);
 * assert.deepEqual(target, new Uint8Array([0, 0x82, 126, 1, 44]));
 * ```
 */
export function writeHeader(target: Uint8Array, at: number, first: number, length: number): number {
  const size = headerLength(length);
  target[at] = first;
  if (size === 2) {
    target[at + 1] = length;
  } else if (size === 4) {
    target[at + 1] = 126;
    target[at + 2] = length >>> 8;
    target[at + 3] = length & 0xff;
  } else {
    target[at + 1] = 127;
    const high = Math.floor(length / 0x100000000);
    const low = length >>> 0;
    for (let k = 0; k < 4; k++) {
      target[at + 2 + k] = (high >>> (24 - 8 * k)) & 0xff;
      target[at + 6 + k] = (low >>> (24 - 8 * k)) & 0xff;
    }
  }
  return size;
}

/**
 * A whole frame: header then payload, the payload masked when `options.mask` is given (the
 * input is left untouched).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeFrame } from "./frame_encoder.ts";
 * // RFC 6455 section 5.7: a masked "Hello".
 * const mask = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);
 * const frame = encodeFrame(0x1, new TextEncoder().encode("Hello"), { mask });
 * assert.deepEqual(frame, new Uint8Array([
 *   0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
 * ]));
 * ```
 */
export function encodeFrame(
  opcode: number,
  payload: Uint8Array,
  options: FrameOptions = {},
): Uint8Array {
  const header = frameHeader(opcode, payload.length, options);
  const frame = new Uint8Array(header.length + payload.length);
  frame.set(header);
  const mask = options.mask;
  if (mask === undefined) frame.set(payload, header.length);
  else applyMask(payload, frame, header.length, maskKey(mask), 0);
  return frame;
}

/**
 * A server text frame holding one whole message.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeText } from "./frame_encoder.ts";
 * assert.deepEqual(encodeText("Hi"), new Uint8Array([0x81, 2, 0x48, 0x69]));
 * ```
 */
export function encodeText(text: string): Uint8Array {
  return encodeFrame(Opcode.Text, encoder.encode(text));
}

/**
 * A server binary frame holding `data`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeBinary } from "./frame_encoder.ts";
 * assert.deepEqual(encodeBinary(new Uint8Array([0])), new Uint8Array([0x82, 1, 0]));
 * ```
 */
export function encodeBinary(data: Uint8Array): Uint8Array {
  return encodeFrame(Opcode.Binary, data);
}

/**
 * A server ping; its payload, at most 125 bytes, comes back in the pong.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodePing } from "./frame_encoder.ts";
 * assert.deepEqual(encodePing(), new Uint8Array([0x89, 0]));
 * ```
 */
export function encodePing(data: Uint8Array = EMPTY): Uint8Array {
  return encodeFrame(Opcode.Ping, controlPayload(data));
}

/**
 * A server pong, carrying the payload of the ping it answers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodePong } from "./frame_encoder.ts";
 * assert.deepEqual(encodePong(new Uint8Array([7])), new Uint8Array([0x8a, 1, 7]));
 * ```
 */
export function encodePong(data: Uint8Array = EMPTY): Uint8Array {
  return encodeFrame(Opcode.Pong, controlPayload(data));
}

/**
 * The payload of a close frame: no code at all, or a code and a UTF-8 reason, 125 bytes at
 * most (a longer reason throws: it would break the control frame limit).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { closePayload } from "./frame_encoder.ts";
 * assert.deepEqual(closePayload(1000, "ok"), new Uint8Array([0x03, 0xe8, 0x6f, 0x6b]));
 * assert.deepEqual(closePayload(), new Uint8Array(0));
 * ```
 */
export function closePayload(code?: number, reason = ""): Uint8Array {
  if (code === undefined) return EMPTY;
  const text = encoder.encode(reason);
  const payload = new Uint8Array(2 + text.length);
  payload[0] = code >> 8;
  payload[1] = code & 0xff;
  payload.set(text, 2);
  return controlPayload(payload);
}

/**
 * A server close frame.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeClose } from "./frame_encoder.ts";
 * assert.deepEqual(encodeClose(1009), new Uint8Array([0x88, 2, 0x03, 0xf1]));
 * ```
 */
export function encodeClose(code?: number, reason = ""): Uint8Array {
  return encodeFrame(Opcode.Close, closePayload(code, reason));
}

/**
 * A client frame, masked as RFC 6455 requires: with `mask` when given (deterministic, for the
 * simulator), else with a key from `crypto.getRandomValues`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeClientFrame } from "./frame_encoder.ts";
 * const frame = encodeClientFrame(0x2, new Uint8Array([1, 2]), new Uint8Array([1, 1, 1, 1]));
 * assert.deepEqual(frame, new Uint8Array([0x82, 0x82, 1, 1, 1, 1, 0, 3]));
 * ```
 */
export function encodeClientFrame(
  opcode: number,
  payload: Uint8Array,
  mask: Uint8Array = crypto.getRandomValues(new Uint8Array(4)),
  fin = true,
): Uint8Array {
  return encodeFrame(opcode, payload, { mask, fin });
}

function controlPayload(data: Uint8Array): Uint8Array {
  if (data.length > 125) throw new RangeError("a control frame's payload is at most 125 bytes");
  return data;
}
