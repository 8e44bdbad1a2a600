/**
 * Close frames as the simulated WebSocket client writes and reads them: their payloads, the
 * code one carries, and what RFC 6455 section 7.4 forbids in one from the server.
 *
 * @module
 */

const strict = new TextDecoder("utf-8", { fatal: true });

/** What a client's close frame says: a code (none: an empty payload) and a reason. */
export interface CloseFrame {
  readonly code?: number;
  readonly reason?: string;
}

/**
 * Close frames a client may end with, each to be echoed: no code, other codes the server
 * never uses itself, reasons.
 */
export const CLOSE_FRAMES: readonly CloseFrame[] = [
  {},
  { code: 1001 },
  { code: 4000, reason: "done é" },
  { code: 3000 },
  { code: 1000, reason: "bye" },
  { code: 1014 },
];

/** The close frame a client sends unless told otherwise. */
export const NORMAL_CLOSE: CloseFrame = { code: 1000 };

/**
 * The payload of `frame`: empty without a code, else the code and the reason in UTF-8.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { closePayload } from "./ws_close_frame.ts";
 * assert.deepEqual([...closePayload({ code: 1000 })], [0x03, 0xe8]);
 * assert.equal(closePayload({}).length, 0);
 * ```
 */
export function closePayload(frame: CloseFrame): Uint8Array {
  if (frame.code === undefined) return new Uint8Array(0);
  const reason = new TextEncoder().encode(frame.reason ?? "");
  return Uint8Array.from([frame.code >> 8, frame.code & 0xff, ...reason]);
}

/**
 * The code a close frame's payload carries, if any.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { closeCode, closePayload } from "./ws_close_frame.ts";
 * assert.equal(closeCode(closePayload({ code: 4001, reason: "bye" })), 4001);
 * assert.equal(closeCode(closePayload({})), undefined);
 * ```
 */
export function closeCode(payload: Uint8Array | undefined): number | undefined {
  return payload && payload.length >= 2 ? (payload[0] << 8) | payload[1] : undefined;
}

/** What is wrong with a close frame's payload, as RFC 6455 section 7.4 has it. */
export function closeProblem(payload: Uint8Array): string | undefined {
  if (payload.length === 0) return undefined;
  if (payload.length === 1) return "a one-byte payload";
  const code = (payload[0] << 8) | payload[1];
  const sendable = (code >= 1000 && code <= 1014 && ![1004, 1005, 1006].includes(code)) ||
    (code >= 3000 && code <= 4999);
  if (!sendable) return `code ${code}`;
  try {
    strict.decode(payload.subarray(2));
  } catch {
    return "a reason that is not UTF-8";
  }
  return undefined;
}
