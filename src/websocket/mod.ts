/**
 * RFC 6455 WebSocket, server side, as pure bytes-in/bytes-out code: the opening handshake,
 * the frame codec, and telling HTTP from the raw protocol on a shared port. No runtime APIs,
 * so the adapters and the simulator use the very same code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeClientFrame, FrameDecoder, Opcode } from "./mod.ts";
 * const decoder = new FrameDecoder({ binary: "stream" });
 * const frame = encodeClientFrame(Opcode.Binary, new Uint8Array([123, 125, 0]));
 * const [event] = decoder.feed(frame);
 * assert.ok(event.type === "chunk" && event.final);
 * assert.deepEqual(event.data, new Uint8Array([123, 125, 0]));
 * ```
 *
 * @module
 */
export {
  CloseCode,
  type CloseCodeValue,
  isValidCloseCode,
  readClosePayload,
} from "./close_codes.ts";
export { isControlOpcode, Opcode } from "./opcode.ts";
export {
  DEFAULT_MAX_FRAGMENTS,
  DEFAULT_MAX_MESSAGE_BYTES,
  type FrameDecoderOptions,
  type FrameEvent,
} from "./frame_events.ts";
export { FrameDecoder } from "./frame_decoder.ts";
export {
  closePayload,
  encodeBinary,
  encodeClientFrame,
  encodeClose,
  encodeFrame,
  encodePing,
  encodePong,
  encodeText,
  frameHeader,
  type FrameOptions,
} from "./frame_encoder.ts";
export { HeadBuffer, type HeadChunk, MAX_HEAD_BYTES } from "./head_buffer.ts";
export {
  formatField,
  type HeadError,
  headError,
  headLines,
  type HttpRequestHead,
  parseFields,
  parseRequestHead,
} from "./http_head.ts";
export {
  acceptKey,
  HandshakeReader,
  type HandshakeResult,
  switchingProtocolsResponse,
} from "./handshake.ts";
export { errorResponse, httpResponse, upgradeRequiredResponse } from "./http_response.ts";
export { ProtocolSniffer, sniffProtocol, type SniffResult } from "./sniff.ts";
export { checkUtf8, decodeUtf8 } from "./utf8.ts";
export { applyMask, maskKey } from "./mask.ts";
export { sha1 } from "./sha1.ts";
export { base64Encode } from "./base64.ts";
export {
  handshakeKey,
  upgradeRequest,
  type UpgradeRequestOptions,
  type UpgradeResponse,
  UpgradeResponseReader,
} from "./client_handshake.ts";
