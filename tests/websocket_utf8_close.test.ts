/**
 * The frame decoder against the Autobahn cases 6 (UTF-8 handling) and 7 (close handling).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { FrameEvent } from "../src/websocket/frame_events.ts";
import { FrameDecoder } from "../src/websocket/frame_decoder.ts";
import { checkUtf8 } from "../src/websocket/utf8.ts";
import {
  assertEverySplit,
  BINARY,
  CLOSE,
  concat,
  CONT,
  decode,
  error,
  frame,
  hex,
  PING,
  TEXT,
  utf8,
} from "./helpers/websocket_frames.ts";

/** The message in one frame, in one frame per byte, and in frames of 3 bytes. */
function asFragments(payload: Uint8Array): Uint8Array[] {
  const framed = (size: number) => {
    const frames: Uint8Array[] = [];
    for (let i = 0; i < Math.max(1, payload.length); i += size) {
      const last = i + size >= payload.length;
      frames.push(frame(i === 0 ? TEXT : CONT, payload.subarray(i, i + size), { fin: last }));
    }
    return concat(...frames);
  };
  return [frame(TEXT, payload), framed(1), framed(3)];
}

function assertText(payload: Uint8Array, text: string | undefined): void {
  const expected: FrameEvent = text === undefined
    ? error(1007, "invalid UTF-8 text")
    : { type: "text", text };
  for (const bytes of asFragments(payload)) assertEverySplit(bytes, [expected], {}, 60);
}

test("6.1: empty text frames, whole and fragmented", () => {
  assertText(new Uint8Array(0), "");
});

test("6.2/6.5: valid UTF-8 in every fragmentation, code points split across frames", () => {
  for (const text of ["Hello-µ@ßöäüàá-UTF-8!!", "κόσμε", "🎨 部屋 Łucja", "\ufeffbom kept"]) {
    assertText(utf8(text), text);
  }
});

test("6.3: invalid UTF-8 inside otherwise valid text fails with 1007", () => {
  assertText(hex("cebae1bdb9cf83cebcceb5 eda080 656469746564"), undefined);
});

test("6.6: every prefix of κόσμε is valid exactly when it ends on a code point", () => {
  const whole = hex("cebae1bdb9cf83cebcceb5");
  assert.equal(new TextDecoder().decode(whole), "\u03ba\u1f79\u03c3\u03bc\u03b5"); // κόσμε
  const boundaries = new Set([0, 2, 5, 7, 9, 11]);
  for (let n = 0; n <= whole.length; n++) {
    const prefix = whole.subarray(0, n);
    assertText(prefix, boundaries.has(n) ? new TextDecoder().decode(prefix) : undefined);
  }
});

test("6.7-6.11: first, last and other boundary code points are valid", () => {
  const valid = [
    "00",
    "c280",
    "e0a080",
    "f0908080", // first of each length
    "7f",
    "dfbf",
    "efbfbf",
    "f48fbfbf", // last of each length
    "ed9fbf",
    "ee8080",
    "efbfbd", // around the surrogates, U+FFFD itself
    "efbfbe", // the noncharacter U+FFFE is still UTF-8
  ];
  for (const sequence of valid) {
    const bytes = hex(sequence);
    assertText(bytes, new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  }
});

test("6.8-6.21: beyond U+10FFFF, 5- and 6-byte forms, stray bytes, overlongs, surrogates fail", () => {
  const invalid = [
    "f4908080",
    "f7bfbfbf",
    "f888808080",
    "fc8480808080", // too large, too long
    "80",
    "bf",
    "80bf",
    "80bf80bf", // unexpected continuation bytes
    "c020",
    "e020",
    "f020",
    "c0",
    "e080",
    "f08080",
    "dfbf e0", // lone or truncated starts
    "fe",
    "ff",
    "fefeffff", // impossible bytes
    "c0af",
    "e080af",
    "f08080af",
    "c1bf",
    "e09fbf",
    "f08fbfbf", // overlong forms
    "eda080",
    "edadbf",
    "edae80",
    "edafbf",
    "edb080",
    "edbe80",
    "edbfbf", // lone surrogates
    "eda080edb080",
    "edafbfedbfbf", // surrogate pairs in UTF-8
  ];
  for (const sequence of invalid) assertText(hex(sequence), undefined);
});

test("6.4.1/6.4.2: a fragmented text fails at the fragment that breaks it, not at its end", () => {
  // U+110000 in the UTF-8 scheme (Autobahn's PART2), whole in the second fragment or cut
  // after its first byte.
  const cases = [["cebae1bdb9cf83cebcceb5", "f4908080"], ["cebae1bdb9cf83cebcceb5f4", "90"]];
  for (const [part1, part2] of cases) {
    const decoder = new FrameDecoder();
    assert.deepEqual(decoder.feed(frame(TEXT, hex(part1), { fin: false })), []);
    assert.deepEqual(decoder.feed(frame(CONT, hex(part2), { fin: false })), [
      error(1007, "invalid UTF-8 text"),
    ]);
  }
});

test("the incremental UTF-8 check agrees with a fatal TextDecoder, cut anywhere", () => {
  const fatal = new TextDecoder("utf-8", { fatal: true });
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
  // Bytes weighted toward the interesting ones: lead bytes, continuations, ASCII.
  const pool = [0x41, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef];
  pool.push(0xf0, 0xf4, 0xf5, 0xff);
  for (let round = 0; round < 3000; round++) {
    const bytes = new Uint8Array(1 + Math.floor(random() * 8));
    for (let i = 0; i < bytes.length; i++) bytes[i] = pool[Math.floor(random() * pool.length)];
    let valid = true;
    try {
      fatal.decode(bytes);
    } catch {
      valid = false;
    }
    assert.equal(checkUtf8(bytes, 0, bytes.length, 0) === 0, valid, `${Array.from(bytes)}`);
    for (let cut = 1; cut < bytes.length; cut++) {
      const first = checkUtf8(bytes, 0, cut, 0);
      const both = first < 0 ? -1 : checkUtf8(bytes, cut, bytes.length, first);
      assert.equal(both === 0, valid, `cut at ${cut} of ${Array.from(bytes)}`);
    }
  }
});

test("6.x: invalid UTF-8 in a binary message is not checked", () => {
  const data = hex("fe ff c0af");
  assertEverySplit(frame(BINARY, data), [{ type: "binary", data }]);
});

test("7.1.1-7.1.4: a close ends decoding: nothing after it is reported", () => {
  const after = [frame(CLOSE, hex("03e8")), frame(PING), frame(TEXT, "late"), frame(CLOSE)];
  assertEverySplit(concat(frame(TEXT, "Hello"), ...after), [
    { type: "text", text: "Hello" },
    { type: "close", code: 1000, reason: "" },
  ]);
});

test("7.1.5: a close in the middle of a fragmented message ends it unfinished", () => {
  const parts = [frame(TEXT, "frag", { fin: false }), frame(CLOSE, hex("03e8")), frame(CONT, "x")];
  assertEverySplit(concat(...parts), [{ type: "close", code: 1000, reason: "" }]);
});

test("7.3.1/7.3.2: a close with no payload is 1005; a 1-byte payload is a protocol error", () => {
  assertEverySplit(frame(CLOSE), [{ type: "close", code: 1005, reason: "" }]);
  assertEverySplit(frame(CLOSE, hex("03")), [error(1002, "close payload of 1 byte")]);
});

test("7.3.3-7.3.6: a close reason up to 123 bytes; a 124-byte one breaks the control limit", () => {
  assertEverySplit(frame(CLOSE, concat(hex("03e8"), utf8("Hello World!"))), [
    { type: "close", code: 1000, reason: "Hello World!" },
  ]);
  const longest = "*".repeat(123);
  assertEverySplit(frame(CLOSE, concat(hex("03e8"), utf8(longest))), [
    { type: "close", code: 1000, reason: longest },
  ]);
  const tooLong = frame(CLOSE, concat(hex("03e8"), utf8(longest + "*")));
  assertEverySplit(tooLong, [error(1002, "control frame over 125 bytes")]);
});

test("7.5.1: a close reason that is not UTF-8 is 1007", () => {
  const payload = concat(hex("03e8"), hex("cebae1bdb9cf83cebcceb5eda080656469746564"));
  assertEverySplit(frame(CLOSE, payload), [error(1007, "invalid UTF-8 reason")]);
});

test("7.7: the codes a peer may send are accepted", () => {
  const valid = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014];
  for (const code of [...valid, 3000, 3999, 4000, 4999]) {
    const payload = new Uint8Array([code >> 8, code & 0xff]);
    assert.deepEqual(decode(frame(CLOSE, payload)), [{ type: "close", code, reason: "" }]);
  }
});

test("7.9/7.13: reserved, unassigned and out-of-range codes are protocol errors", () => {
  const invalid = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535];
  for (const code of invalid) {
    const payload = new Uint8Array([code >> 8, code & 0xff]);
    assert.deepEqual(decode(frame(CLOSE, payload)), [error(1002, "invalid close code")], `${code}`);
  }
});
