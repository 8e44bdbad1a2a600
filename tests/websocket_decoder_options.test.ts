import { test } from "node:test";
import assert from "node:assert/strict";
import { FrameDecoder } from "../src/websocket/frame_decoder.ts";
import { encodeClientFrame } from "../src/websocket/frame_encoder.ts";
import { ByteSlab } from "../src/websocket/byte_slab.ts";

const MASK = new Uint8Array([9, 8, 7, 6]);
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (payload: Uint8Array, fin = true, opcode = 0x1) =>
  encodeClientFrame(opcode, payload, MASK, fin);

test("zero-terminated text: the message's bytes and a zero byte, whole or fragmented", () => {
  const decoder = new FrameDecoder({ text: "zero-terminated" });
  const [whole] = decoder.feed(text(bytes('{"é":1}')));
  assert.deepEqual(whole, { type: "terminated", data: bytes('{"é":1}\0') });
  const parts = [text(bytes("ab"), false), text(bytes("cd"), false, 0), text(bytes("e"), true, 0)];
  const events = parts.flatMap((part) => [...decoder.feed(part)]);
  assert.deepEqual(events, [{ type: "terminated", data: bytes("abcde\0") }]);
  assert.deepEqual(decoder.feed(text(new Uint8Array(0))), [{
    type: "terminated",
    data: new Uint8Array([0]),
  }]);
});

test("zero-terminated text: invalid UTF-8 fails, across fragments too", () => {
  const invalid = { type: "error", code: 1007, reason: "invalid UTF-8 text" };
  const decoder = new FrameDecoder({ text: "zero-terminated" });
  assert.deepEqual(decoder.feed(text(new Uint8Array([0x61, 0xc3]))), [invalid]);
  // A code point cut between fragments is valid; one left unfinished at the end is not.
  const split = new FrameDecoder({ text: "zero-terminated" });
  split.feed(text(new Uint8Array([0xc3]), false));
  assert.deepEqual(split.feed(text(new Uint8Array([0xa9]), true, 0)), [{
    type: "terminated",
    data: new Uint8Array([0xc3, 0xa9, 0]),
  }]);
  const unfinished = new FrameDecoder({ text: "zero-terminated" });
  unfinished.feed(text(new Uint8Array([0x61]), false));
  assert.deepEqual(unfinished.feed(text(new Uint8Array([0xe2, 0x82]), true, 0)), [invalid]);
});

test("the allocator serves only messages whole in one feed", () => {
  const slab = new ByteSlab();
  let served = 0;
  const allocator = { allocate: (size: number) => (served++, slab.allocate(size)) };
  const decoder = new FrameDecoder({ text: "zero-terminated", allocator });
  const frame = text(bytes("x".repeat(100)));
  const [first] = decoder.feed(new Uint8Array([...frame, ...frame]).subarray(0, frame.length));
  assert.equal(served, 1);
  assert.equal(first.type === "terminated" && first.data.length, 101);
  // Cut mid-payload: the held message is the decoder's own array, not a slab's.
  decoder.feed(frame.subarray(0, 20));
  assert.equal(served, 1);
  const [second] = decoder.feed(frame.subarray(20));
  assert.equal(served, 1);
  assert.deepEqual(second, first);
  // Cut right after the header's length: the payload is not in the feed either.
  decoder.feed(frame.subarray(0, 2));
  decoder.feed(frame.subarray(2));
  assert.equal(served, 1);
});
