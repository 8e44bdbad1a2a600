/**
 * Building client frames and feeding them to a FrameDecoder in every split, for the
 * WebSocket codec tests.
 */
import assert from "node:assert/strict";
import { encodeFrame } from "../../src/websocket/frame_encoder.ts";
import { FrameDecoder } from "../../src/websocket/frame_decoder.ts";
import type { FrameDecoderOptions, FrameEvent } from "../../src/websocket/frame_events.ts";

/** A fixed masking key with four distinct bytes, so a wrong mask phase shows. */
export const MASK = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);

/** Opcodes, short names for tests. */
export const TEXT = 0x1, BINARY = 0x2, CONT = 0x0, CLOSE = 0x8, PING = 0x9, PONG = 0xa;

/** A masked client frame; `payload` may be a string (UTF-8) or bytes. */
export function frame(
  opcode: number,
  payload: Uint8Array | string = new Uint8Array(0),
  options: { fin?: boolean; rsv?: number; masked?: boolean } = {},
): Uint8Array {
  const bytes = typeof payload === "string" ? utf8(payload) : payload;
  const mask = options.masked === false ? undefined : MASK;
  return encodeFrame(opcode, bytes, { fin: options.fin, rsv: options.rsv, mask });
}

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Bytes from hex, spaces ignored. */
export function hex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, "");
  return new Uint8Array(digits.length / 2).map((_, i) =>
    parseInt(digits.slice(i * 2, i * 2 + 2), 16)
  );
}

/** One byte array of several. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The events of a fresh decoder fed `bytes` in pieces of `size` bytes. */
export function decodeChunked(
  bytes: Uint8Array,
  size: number,
  options: FrameDecoderOptions = {},
): FrameEvent[] {
  const decoder = new FrameDecoder(options);
  const events: FrameEvent[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    events.push(...decoder.feed(bytes.subarray(i, i + size)));
  }
  return events;
}

/** The events of a fresh decoder fed `bytes` in one piece. */
export function decode(bytes: Uint8Array, options: FrameDecoderOptions = {}): FrameEvent[] {
  return decodeChunked(bytes, Math.max(1, bytes.length), options);
}

/**
 * Stream-mode chunks merged per message, so that results compare whatever the split:
 * consecutive `chunk` events up to a `final` one become one `chunk` event.
 */
export function mergeChunks(events: FrameEvent[]): FrameEvent[] {
  const out: FrameEvent[] = [];
  let pending: Uint8Array[] = [];
  for (const event of events) {
    if (event.type !== "chunk") {
      out.push(event);
      continue;
    }
    pending.push(event.data);
    if (event.final) {
      out.push({ type: "chunk", data: concat(...pending), final: true });
      pending = [];
    }
  }
  if (pending.length > 0) out.push({ type: "chunk", data: concat(...pending), final: false });
  return out;
}

/**
 * Asserts that `bytes` decode to `expected` whole, one byte at a time, and cut in two at
 * every position (or, past `maxSplits` bytes, at `maxSplits` spread positions), and that the
 * decoder never changes the bytes it is given.
 */
export function assertEverySplit(
  bytes: Uint8Array,
  expected: FrameEvent[],
  options: FrameDecoderOptions = {},
  maxSplits = 300,
): void {
  const original = bytes.slice();
  const merge = options.binary === "stream" ? mergeChunks : (events: FrameEvent[]) => events;
  assert.deepEqual(merge(decode(bytes, options)), expected, "whole");
  assert.deepEqual(merge(decodeChunked(bytes, 1, options)), expected, "one byte at a time");
  const step = Math.max(1, Math.ceil(bytes.length / maxSplits));
  for (let cut = 1; cut < bytes.length; cut += step) {
    const decoder = new FrameDecoder(options);
    const events = [...decoder.feed(bytes.subarray(0, cut)), ...decoder.feed(bytes.subarray(cut))];
    assert.deepEqual(merge(events), expected, `cut at ${cut}`);
  }
  assert.deepEqual(bytes, original, "input untouched");
}

/** An `error` event. */
export function error(code: number, reason: string): FrameEvent {
  return { type: "error", code, reason };
}
