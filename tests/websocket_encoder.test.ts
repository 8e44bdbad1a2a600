/**
 * Frame encoding (RFC 6455 section 5.7 examples, length forms, round trips through the
 * decoder) and the handshake's SHA-1 and base64 against published vectors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import {
  closePayload,
  encodeBinary,
  encodeClientFrame,
  encodeClose,
  encodeFrame,
  encodePing,
  encodePong,
  encodeText,
  frameHeader,
} from "../src/websocket/frame_encoder.ts";
import { FrameDecoder } from "../src/websocket/frame_decoder.ts";
import { sha1 } from "../src/websocket/sha1.ts";
import { base64Encode } from "../src/websocket/base64.ts";
import { acceptKey } from "../src/websocket/handshake.ts";
import { hex, utf8 } from "./helpers/websocket_frames.ts";

const toHex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

test("RFC 6455 5.7: the example frames byte for byte", () => {
  const mask = hex("37fa213d");
  assert.deepEqual(encodeText("Hello"), hex("810548656c6c6f"));
  assert.deepEqual(encodeClientFrame(0x1, utf8("Hello"), mask), hex("818537fa213d7f9f4d5158"));
  assert.deepEqual(encodeFrame(0x1, utf8("Hel"), { fin: false }), hex("010348656c"));
  assert.deepEqual(encodeFrame(0x0, utf8("lo")), hex("80026c6f"));
  assert.deepEqual(encodePing(utf8("Hello")), hex("890548656c6c6f"));
  assert.deepEqual(
    encodeFrame(0xa, utf8("Hello"), { mask }),
    hex("8a8537fa213d7f9f4d5158"),
  );
  assert.deepEqual(encodeBinary(new Uint8Array(256)).subarray(0, 4), hex("827e0100"));
  assert.deepEqual(
    encodeBinary(new Uint8Array(65536)).subarray(0, 10),
    hex("827f0000000000010000"),
  );
});

test("length forms switch at 126 and 65536; the 64-bit form holds lengths past 2^32", () => {
  assert.equal(frameHeader(0x2, 125).length, 2);
  assert.equal(frameHeader(0x2, 126).length, 4);
  assert.equal(frameHeader(0x2, 65535).length, 4);
  assert.equal(frameHeader(0x2, 65536).length, 10);
  assert.deepEqual(frameHeader(0x2, 2 ** 40 + 3), hex("827f0000010000000003"));
  assert.deepEqual(frameHeader(0x1, 1, { fin: false, rsv: 5 }), hex("5101"));
  assert.throws(() => frameHeader(0x2, -1), RangeError);
  assert.throws(() => frameHeader(0x2, 1, { mask: new Uint8Array(3) }), RangeError);
});

test("close frames: no code, a code, a code and a UTF-8 reason; control payloads <= 125", () => {
  assert.deepEqual(encodeClose(), hex("8800"));
  assert.deepEqual(encodeClose(1000), hex("880203e8"));
  assert.deepEqual(encodeClose(1001, "é"), hex("880403e9c3a9"));
  assert.equal(closePayload(1000, "x".repeat(123)).length, 125);
  assert.throws(() => closePayload(1000, "x".repeat(124)), RangeError);
  assert.throws(() => encodePing(new Uint8Array(126)), RangeError);
  assert.deepEqual(encodePong(new Uint8Array(125)).subarray(0, 2), hex("8a7d"));
});

test("masking leaves the payload untouched; without a key a random one is drawn", () => {
  const payload = utf8("unchanged");
  const frame = encodeClientFrame(0x1, payload);
  assert.deepEqual(payload, utf8("unchanged"));
  assert.equal(frame[1], 0x80 | payload.length);
  assert.deepEqual(new FrameDecoder().feed(frame), [{ type: "text", text: "unchanged" }]);
});

test("round trips: client frames into the server decoder, server frames into a client one", () => {
  const server = new FrameDecoder({ maxMessageBytes: 1 << 17 });
  const client = new FrameDecoder({ role: "client", maxMessageBytes: 1 << 17 });
  for (const length of [0, 1, 125, 126, 65535, 65536, 100_000]) {
    const data = new Uint8Array(length).map((_, i) => i % 251);
    const key = new Uint8Array([length & 0xff, 1, 2, 3]);
    assert.deepEqual(server.feed(encodeClientFrame(0x2, data, key)), [{ type: "binary", data }]);
    assert.deepEqual(client.feed(encodeBinary(data)), [{ type: "binary", data }]);
  }
  const text = "zerobyte 🎨 ".repeat(50);
  assert.deepEqual(client.feed(encodeText(text)), [{ type: "text", text }]);
  assert.deepEqual(client.feed(encodePing(utf8("p"))), [{ type: "ping", data: utf8("p") }]);
  assert.deepEqual(client.feed(encodeClose(1009, "too big")), [
    { type: "close", code: 1009, reason: "too big" },
  ]);
});

test("SHA-1: the FIPS 180 vectors", () => {
  const ascii = (text: string) => toHex(sha1(utf8(text)));
  assert.equal(ascii("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  assert.equal(ascii(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  assert.equal(
    ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
    "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
  );
  assert.equal(ascii("a".repeat(1_000_000)), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
});

test("SHA-1 agrees with node:crypto on every length across block boundaries", () => {
  for (let length = 0; length <= 200; length++) {
    const data = new Uint8Array(length).map((_, i) => (i * 37 + length) & 0xff);
    assert.equal(toHex(sha1(data)), createHash("sha1").update(data).digest("hex"), `${length}`);
  }
});

test("base64: the RFC 4648 vectors and every padding case", () => {
  const vectors = ["", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"];
  vectors.forEach((expected, n) =>
    assert.equal(base64Encode(utf8("foobar".slice(0, n))), expected)
  );
  const all = new Uint8Array(256).map((_, i) => i);
  assert.equal(base64Encode(all), Buffer.from(all).toString("base64"));
});

test("Sec-WebSocket-Accept: the RFC 6455 example key and another published one", () => {
  // RFC 6455 section 1.3 (also section 4.2.2 step 5.4).
  assert.equal(acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  assert.equal(acceptKey("x3JJHMbDL1EzLkh9GBhXDw=="), "HSmrc0sMlYUkAGmm5OPpG2HaGWk=");
});
