/**
 * The frame decoder's limits and stream mode, and the Autobahn cases 9 (large messages in
 * many chunk and fragment sizes) and 10 (auto-fragmented messages), at the codec level.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FrameDecoder } from "../src/websocket/frame_decoder.ts";
import { frameHeader } from "../src/websocket/frame_encoder.ts";
import type { FrameEvent } from "../src/websocket/frame_events.ts";
import {
  assertEverySplit,
  BINARY,
  concat,
  CONT,
  decode,
  decodeChunked,
  error,
  frame,
  MASK,
  mergeChunks,
  PING,
  TEXT,
  utf8,
} from "./helpers/websocket_frames.ts";

const bytes = (n: number) => new Uint8Array(n).map((_, i) => (i * 13 + 5) & 0xff);

/** A message cut into frames of `size` payload bytes, the first with `opcode`. */
function fragmented(opcode: number, payload: Uint8Array, size: number): Uint8Array {
  const frames: Uint8Array[] = [];
  for (let i = 0; i < payload.length; i += size) {
    const fin = i + size >= payload.length;
    frames.push(frame(i === 0 ? opcode : CONT, payload.subarray(i, i + size), { fin }));
  }
  return concat(...frames);
}

test("9.1-9.4: 1 MiB text and binary, whole and in fragments, fed in chunks of many sizes", () => {
  const options = { maxMessageBytes: 1 << 20, maxFragments: 4000 };
  const data = bytes(1 << 20);
  const text = "Ab€".repeat((1 << 20) / 5) + "a";
  const encoded = utf8(text);
  assert.equal(encoded.length, 1 << 20);
  for (const fragment of [1 << 20, 65536, 300]) {
    const binaryFrames = fragmented(BINARY, data, fragment);
    const textFrames = fragmented(TEXT, encoded, fragment);
    for (const chunk of [64, 4093, 1 << 21]) {
      assert.deepEqual(decodeChunked(binaryFrames, chunk, options), [{ type: "binary", data }]);
      assert.deepEqual(decodeChunked(textFrames, chunk, options), [{ type: "text", text }]);
    }
  }
});

test("10.1.1: a 65536-byte text auto-fragmented into 1300-byte frames", () => {
  const text = "*".repeat(65536);
  assertEverySplit(fragmented(TEXT, utf8(text), 1300), [{ type: "text", text }], {}, 40);
});

test("a message of exactly maxMessageBytes passes; one byte more fails from the header", () => {
  for (const max of [0, 10, 125, 126, 70000]) {
    const options = { maxMessageBytes: max };
    assert.deepEqual(decode(frame(BINARY, bytes(max)), options), [
      { type: "binary", data: bytes(max) },
    ]);
    const over = frame(TEXT, "x".repeat(max + 1));
    // Only the header, without mask or payload: the decision needs nothing more.
    const lengthBytes = frameHeader(TEXT, max + 1).length;
    assert.deepEqual(decodeChunked(over.subarray(0, lengthBytes), 1, options), [
      error(1009, `message over ${max} bytes`),
    ]);
  }
});

test("a 64-bit length with its top bit set is a protocol error", () => {
  const head = new Uint8Array([0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(decode(head), [error(1002, "length top bit set")]);
  const huge = new Uint8Array([0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  assert.deepEqual(decode(huge), [error(1009, "message over 65536 bytes")]);
  // Stream mode holds nothing, yet a length it could not count down exactly is refused.
  const stream = { binary: "stream" as const };
  assert.deepEqual(decode(huge, stream), [error(1009, `message over ${2 ** 53 - 1} bytes`)]);
  const large = frame(BINARY, new Uint8Array(0)).slice(0, 2);
  large[1] = 0xff;
  const masked = bytes(3).map((b, i) => b ^ MASK[i]);
  const withLength = concat(large, new Uint8Array([0, 0, 1, 0, 0, 0, 0, 0]), MASK, masked);
  assert.deepEqual(decode(withLength, stream), [
    { type: "chunk", data: bytes(3), final: false },
  ]);
});

test("fragments count toward the limit on their running total", () => {
  const options = { maxMessageBytes: 100 };
  const fits = fragmented(TEXT, utf8("y".repeat(100)), 30);
  assertEverySplit(fits, [{ type: "text", text: "y".repeat(100) }], options);
  const first = frame(BINARY, bytes(60), { fin: false });
  const second = frame(CONT, bytes(41));
  const decoder = new FrameDecoder(options);
  assert.deepEqual(decoder.feed(first), []);
  assert.deepEqual(decoder.feed(second.subarray(0, 2)), [error(1009, "message over 100 bytes")]);
});

test("held bytes never exceed the limit, whatever the fragments and the feeding", () => {
  const max = 1000;
  const decoder = new FrameDecoder({ maxMessageBytes: max });
  const message = fragmented(BINARY, bytes(max), 7);
  let most = 0;
  const events: FrameEvent[] = [];
  for (let i = 0; i < message.length; i++) {
    events.push(...decoder.feed(message.subarray(i, i + 1)));
    most = Math.max(most, decoder.bufferedBytes);
  }
  assert.deepEqual(events, [{ type: "binary", data: bytes(max) }]);
  assert.ok(most <= max + 14, `held ${most}`);
  assert.equal(decoder.bufferedBytes, 0);
});

test("more than maxFragments frames in one message is 1008, exactly that many passes", () => {
  const options = { maxFragments: 4 };
  assertEverySplit(fragmented(TEXT, utf8("abcd"), 1), [{ type: "text", text: "abcd" }], options);
  const five = fragmented(TEXT, utf8("abcde"), 1);
  assertEverySplit(five, [error(1008, "message in over 4 fragments")], options);
  // Control frames between fragments do not count, and the count restarts per message.
  const withPing = concat(
    frame(TEXT, "ab", { fin: false }),
    frame(PING),
    frame(CONT, "cd"),
    fragmented(TEXT, utf8("wxyz"), 1),
  );
  assertEverySplit(withPing, [
    { type: "ping", data: new Uint8Array(0) },
    { type: "text", text: "abcd" },
    { type: "text", text: "wxyz" },
  ], options);
});

test("stream mode: binary payload comes out as it arrives, unbounded by maxMessageBytes", () => {
  const options = { binary: "stream" as const, maxMessageBytes: 10 };
  const data = bytes(100);
  const decoder = new FrameDecoder(options);
  const whole = frame(BINARY, data);
  // Two header bytes, four of mask: then each payload piece is a chunk of its own.
  assert.deepEqual(decoder.feed(whole.subarray(0, 6)), []);
  assert.deepEqual(decoder.feed(whole.subarray(6, 9)), [
    { type: "chunk", data: data.subarray(0, 3), final: false },
  ]);
  assert.deepEqual(decoder.feed(whole.subarray(9)), [
    { type: "chunk", data: data.subarray(3), final: true },
  ]);
  assert.equal(decoder.bufferedBytes, 0);
  assertEverySplit(fragmented(BINARY, data, 33), [{ type: "chunk", data, final: true }], options);
  // Text keeps its limit in stream mode.
  assertEverySplit(frame(TEXT, "x".repeat(11)), [error(1009, "message over 10 bytes")], options);
});

test("stream mode: empty frames, interleaved pings, and the final flag", () => {
  const options = { binary: "stream" as const };
  assert.deepEqual(decode(frame(BINARY), options), [
    { type: "chunk", data: new Uint8Array(0), final: true },
  ]);
  const parts = concat(
    frame(BINARY, bytes(5), { fin: false }),
    frame(PING, "p"),
    frame(CONT, new Uint8Array(0), { fin: false }),
    frame(CONT, bytes(2)),
    frame(TEXT, "t"),
  );
  const events = decode(parts, options);
  assert.deepEqual(events, [
    { type: "chunk", data: bytes(5), final: false },
    { type: "ping", data: utf8("p") },
    { type: "chunk", data: new Uint8Array(0), final: false },
    { type: "chunk", data: bytes(2), final: true },
    { type: "text", text: "t" },
  ]);
  assertEverySplit(parts, mergeChunks(events), options);
});

test("the mask phase carries across chunks cut anywhere", () => {
  const data = bytes(37);
  const whole = frame(BINARY, data);
  assert.deepEqual(whole.subarray(2, 6), MASK);
  for (const size of [1, 2, 3, 5, 7]) {
    const events = decodeChunked(whole, size, { binary: "stream" });
    assert.deepEqual(mergeChunks(events), [{ type: "chunk", data, final: true }], `size ${size}`);
  }
});

test("bad options are refused", () => {
  assert.throws(() => new FrameDecoder({ maxMessageBytes: -1 }), RangeError);
  assert.throws(() => new FrameDecoder({ maxFragments: 0 }), RangeError);
});
