/**
 * The frame decoder against the Autobahn cases 1-5 (framing, pings and pongs, reserved bits,
 * opcodes, fragmentation), at the codec level: every frame in every split.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FrameDecoder } from "../src/websocket/frame_decoder.ts";
import type { FrameEvent } from "../src/websocket/frame_events.ts";
import {
  assertEverySplit,
  BINARY,
  CLOSE,
  concat,
  CONT,
  decode,
  decodeChunked,
  error,
  frame,
  PING,
  PONG,
  TEXT,
  utf8,
} from "./helpers/websocket_frames.ts";

const big = { maxMessageBytes: 1 << 20 };
const bytes = (n: number) => new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff);

test("1.1/1.2: text and binary of lengths around the 7-, 16- and 64-bit length forms", () => {
  for (const n of [0, 1, 125, 126, 127, 128, 65535, 65536]) {
    const text = "*".repeat(n);
    const data = bytes(n);
    const textFrame = frame(TEXT, text);
    const headerLength = n < 126 ? 6 : n < 65536 ? 8 : 14;
    assert.equal(textFrame.length, headerLength + n, `header of ${n}`);
    const splits = n > 1000 ? 20 : 300;
    assertEverySplit(textFrame, [{ type: "text", text }], big, splits);
    assertEverySplit(frame(BINARY, data), [{ type: "binary", data }], big, splits);
  }
});

test("1.1.8/1.2.8: a 65536-byte message sent in pieces of 997 bytes", () => {
  const data = bytes(65536);
  assert.deepEqual(decodeChunked(frame(BINARY, data), 997, big), [{ type: "binary", data }]);
  const text = "x".repeat(65536);
  assert.deepEqual(decodeChunked(frame(TEXT, text), 997, big), [{ type: "text", text }]);
});

test("several frames in one chunk come out in order", () => {
  const all = concat(frame(TEXT, "a"), frame(BINARY, bytes(3)), frame(TEXT, ""), frame(PING));
  assertEverySplit(all, [
    { type: "text", text: "a" },
    { type: "binary", data: bytes(3) },
    { type: "text", text: "" },
    { type: "ping", data: new Uint8Array(0) },
  ]);
});

test("2.1-2.4, 2.6: pings with no, text, binary and 125-byte payloads, in every split", () => {
  for (const payload of [new Uint8Array(0), utf8("Hello, world!"), bytes(8), bytes(125)]) {
    assertEverySplit(frame(PING, payload), [{ type: "ping", data: payload }]);
  }
});

test("2.5: a ping with a 126-byte payload fails as soon as its length byte arrives", () => {
  const bad = frame(PING, bytes(126));
  assert.deepEqual(decode(bad.subarray(0, 2)), [error(1002, "control frame over 125 bytes")]);
  assertEverySplit(bad, [error(1002, "control frame over 125 bytes")]);
});

test("2.7-2.9: unsolicited pongs are reported, then a ping after them", () => {
  assertEverySplit(concat(frame(PONG), frame(PONG, "unsolicited"), frame(PING, "p")), [
    { type: "pong", data: new Uint8Array(0) },
    { type: "pong", data: utf8("unsolicited") },
    { type: "ping", data: utf8("p") },
  ]);
});

test("2.10/2.11: ten pings in a row, each its own event", () => {
  const pings = Array.from({ length: 10 }, (_, i) => frame(PING, `payload-${i}`));
  const expected = pings.map((_, i): FrameEvent => ({ type: "ping", data: utf8(`payload-${i}`) }));
  assertEverySplit(concat(...pings), expected);
});

test("3.1-3.7: any reserved bit fails, after the valid frames before it", () => {
  const cases: Array<[number, number]> = [
    [TEXT, 1],
    [TEXT, 2],
    [TEXT, 3],
    [TEXT, 4],
    [BINARY, 5],
    [PING, 6],
    [CLOSE, 7],
  ];
  for (const [opcode, rsv] of cases) {
    const bad = frame(opcode, "x", { rsv });
    assert.deepEqual(decode(bad.subarray(0, 1)), [error(1002, "reserved bits set")], `rsv ${rsv}`);
    assertEverySplit(concat(frame(TEXT, "ok"), bad, frame(PING)), [
      { type: "text", text: "ok" },
      error(1002, "reserved bits set"),
    ]);
  }
});

test("4.1/4.2: reserved data (3-7) and control (11-15) opcodes fail, even with a payload", () => {
  for (const opcode of [3, 4, 5, 6, 7, 11, 12, 13, 14, 15]) {
    assert.deepEqual(decode(frame(opcode).subarray(0, 1)), [error(1002, "unknown opcode")]);
    assertEverySplit(concat(frame(TEXT, "ok"), frame(opcode, "payload"), frame(PING)), [
      { type: "text", text: "ok" },
      error(1002, "unknown opcode"),
    ]);
  }
});

test("5.1/5.2: a fragmented ping or pong fails", () => {
  for (const opcode of [PING, PONG, CLOSE]) {
    const first = frame(opcode, "frag", { fin: false });
    assertEverySplit(concat(first, frame(CONT, "ment")), [error(1002, "fragmented control")]);
  }
});

test("5.3-5.5: a text message in two fragments, in every split", () => {
  assertEverySplit(concat(frame(TEXT, "frag", { fin: false }), frame(CONT, "ment")), [
    { type: "text", text: "fragment" },
  ]);
});

test("5.6-5.8: a ping between fragments is answered before the message completes", () => {
  const parts = [frame(TEXT, "frag", { fin: false }), frame(PING, "p"), frame(CONT, "ment")];
  assertEverySplit(concat(...parts), [
    { type: "ping", data: utf8("p") },
    { type: "text", text: "fragment" },
  ]);
});

test("5.9-5.14: a continuation without a start fails, final or not", () => {
  for (const fin of [true, false]) {
    const stray = concat(frame(CONT, "non-continuation", { fin }), frame(TEXT, "x"));
    assertEverySplit(stray, [error(1002, "continuation without a start")]);
  }
  const afterMessage = concat(frame(TEXT, "a"), frame(CONT, "b"));
  assertEverySplit(afterMessage, [
    { type: "text", text: "a" },
    error(1002, "continuation without a start"),
  ]);
});

test("5.15-5.18: a new data frame while a fragmented message is open fails", () => {
  for (const [opcode, fin] of [[TEXT, true], [TEXT, false], [BINARY, true]] as const) {
    const open = concat(frame(TEXT, "a", { fin: false }), frame(opcode, "b", { fin }));
    assertEverySplit(open, [error(1002, "new message inside a fragmented one")]);
  }
});

test("5.19/5.20: fragments interleaved with pings and pongs, binary too", () => {
  const parts = [
    frame(BINARY, bytes(2), { fin: false }),
    frame(CONT, bytes(3), { fin: false }),
    frame(PING, "1"),
    frame(CONT, new Uint8Array(0), { fin: false }),
    frame(PONG, "2"),
    frame(CONT, bytes(4)),
  ];
  assertEverySplit(concat(...parts), [
    { type: "ping", data: utf8("1") },
    { type: "pong", data: utf8("2") },
    { type: "binary", data: concat(bytes(2), bytes(3), bytes(4)) },
  ]);
});

test("a fragmented message of empty frames is one empty message", () => {
  const empty = [frame(TEXT, "", { fin: false }), frame(CONT, "", { fin: false }), frame(CONT)];
  assertEverySplit(concat(...empty), [{ type: "text", text: "" }]);
});

test("an unmasked client frame fails at its second byte; a client decoder wants unmasked", () => {
  const unmasked = frame(TEXT, "hi", { masked: false });
  assert.deepEqual(decode(unmasked.subarray(0, 2)), [error(1002, "unmasked frame")]);
  assertEverySplit(unmasked, [{ type: "text", text: "hi" }], { role: "client" });
  assertEverySplit(frame(TEXT, "hi"), [error(1002, "masked frame")], { role: "client" });
});

test("nothing is decoded after an error, and the decoder says it is done", () => {
  const decoder = new FrameDecoder();
  assert.deepEqual(decoder.feed(frame(7)), [error(1002, "unknown opcode")]);
  assert.equal(decoder.done, true);
  assert.deepEqual(decoder.feed(frame(TEXT, "late")), []);
  assert.equal(decoder.bufferedBytes, 0);
});
