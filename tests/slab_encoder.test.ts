/** Outgoing frames encoded into slices of a shared slab: right bytes, and never overwritten. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SlabEncoder } from "../src/parser/slab_encoder.ts";

const expected = (text: string) => new TextEncoder().encode(text + "\0");

test("each frame is the text's UTF-8 followed by one zero byte", () => {
  const encoder = new SlabEncoder();
  for (const text of ["", "{}", '{"a":"Zoë"}', "部屋", "🎨 Amélie", "\u0000"]) {
    assert.deepEqual(encoder.encodeFrame(text), expected(text));
  }
});

test("earlier frames keep their bytes while later ones fill and replace the slab", () => {
  const encoder = new SlabEncoder();
  const texts = Array.from(
    { length: 5000 },
    (_, i) => `{"seq":${i},"name":"Łucja ${"ż".repeat(i % 40)}"}`,
  );
  const frames = texts.map((text) => encoder.encodeFrame(text));
  // 5,000 frames of up to ~120 bytes span several 64 KiB slabs.
  assert.ok(new Set(frames.map((frame) => frame.buffer)).size > 1, "more than one slab was used");
  texts.forEach((text, i) => assert.deepEqual(frames[i], expected(text)));
});

test("a text too large for a slice gets an array of its own", () => {
  const encoder = new SlabEncoder();
  const small = encoder.encodeFrame("{}");
  const large = JSON.stringify({ state: "x".repeat(100_000) });
  const frame = encoder.encodeFrame(large);
  assert.deepEqual(frame, expected(large));
  assert.notEqual(frame.buffer, small.buffer);
  assert.deepEqual(encoder.encodeFrame("[]"), expected("[]"));
  assert.deepEqual(small, expected("{}"));
});
