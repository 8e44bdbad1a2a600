/**
 * Close codes of RFC 6455 section 7.4, in one place.
 *
 * @module
 */
import type { FrameEvent } from "./frame_events.ts";
import { decodeUtf8 } from "./utf8.ts";

/**
 * The close codes this server sends or must recognise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CloseCode } from "./close_codes.ts";
 * assert.equal(CloseCode.MessageTooBig, 1009);
 * ```
 */
export const CloseCode = {
  /** The purpose of the connection is fulfilled. */
  Normal: 1000,
  /** The server is shutting down, or the page went away. */
  GoingAway: 1001,
  /** A frame broke RFC 6455. */
  ProtocolError: 1002,
  /** A data type the connection does not accept (binary in message mode, text in stream mode). */
  UnsupportedData: 1003,
  /** Never sent: stands for a close frame that carried no code. */
  NoStatus: 1005,
  /** Never sent: stands for a connection lost without a close frame. */
  Abnormal: 1006,
  /** Text or a close reason that is not valid UTF-8. */
  InvalidPayload: 1007,
  /** A policy was broken, here: too many fragments in one message. */
  PolicyViolation: 1008,
  /** A message larger than the limit. */
  MessageTooBig: 1009,
  /** The client required an extension the server did not offer. */
  MandatoryExtension: 1010,
  /** The server met an unexpected condition. */
  InternalError: 1011,
} as const;

/** One of the values of {@linkcode CloseCode}. */
export type CloseCodeValue = typeof CloseCode[keyof typeof CloseCode];

/**
 * Whether `code` may appear in a close frame on the wire: the registered codes a peer may send
 * (1000-1003, 1007-1014) and the ranges for libraries and applications (3000-4999). 1004, 1005,
 * 1006 and 1015 are reserved and must never be sent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isValidCloseCode } from "./close_codes.ts";
 * assert.equal(isValidCloseCode(1000), true);
 * assert.equal(isValidCloseCode(4999), true);
 * assert.equal(isValidCloseCode(1005), false);
 * assert.equal(isValidCloseCode(2999), false);
 * ```
 */
export function isValidCloseCode(code: number): boolean {
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006;
}

/**
 * The event a close frame's payload stands for: a `close` (code 1005 when the payload is
 * empty), or an `error` when the payload is 1 byte, the code may not be sent, or the reason
 * is not UTF-8.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readClosePayload } from "./close_codes.ts";
 * assert.deepEqual(readClosePayload(new Uint8Array([0x03, 0xe8, 0x6f, 0x6b])), {
 *   type: "close",
 *   code: 1000,
 *   reason: "ok",
 * });
 * assert.equal(readClosePayload(new Uint8Array([0x03, 0xed])).type, "error"); // 1005
 * ```
 */
export function readClosePayload(data: Uint8Array): FrameEvent {
  if (data.length === 0) return { type: "close", code: CloseCode.NoStatus, reason: "" };
  if (data.length === 1) {
    return { type: "error", code: CloseCode.ProtocolError, reason: "close payload of 1 byte" };
  }
  const code = (data[0] << 8) | data[1];
  if (!isValidCloseCode(code)) {
    return { type: "error", code: CloseCode.ProtocolError, reason: "invalid close code" };
  }
  const reason = decodeUtf8(data.subarray(2));
  if (reason === undefined) {
    return { type: "error", code: CloseCode.InvalidPayload, reason: "invalid UTF-8 reason" };
  }
  return { type: "close", code, reason };
}
