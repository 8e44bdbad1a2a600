import { test } from "node:test";
import assert from "node:assert/strict";
import { type Decoded, JsonParser } from "../mod.ts";

const encode = (text: string) => new TextEncoder().encode(text);

/** Feeds the chunks to one decoder and returns everything it produced. */
function decodeAll(chunks: Uint8Array[], parser = new JsonParser()): Decoded[] {
  const decoder = parser.createDecoder();
  return chunks.flatMap((chunk) => decoder.decode(chunk));
}

function commands(...messages: unknown[]): Decoded[] {
  return messages.map((message) => ({
    kind: "commands",
    commands: Array.isArray(message) ? message : [message],
  } as Decoded));
}

const notJson: Decoded = { kind: "error", message: "message is not valid JSON", fatal: false };

// Several messages, arrays, and characters of 2, 3 and 4 bytes in UTF-8.
const stream = encode(
  '{"code":"get","key":"é"}\0' +
    '[{"code":"save","key":"日本","state":[1,2]},{"code":"load","key":"b"}]\0' +
    '{"code":"set","key":"🎲","state":{"x":"ü"}}\0',
);
const expected = commands(
  { code: "get", key: "é" },
  [{ code: "save", key: "日本", state: [1, 2] }, { code: "load", key: "b" }],
  { code: "set", key: "🎲", state: { x: "ü" } },
);

test("a stream split at any one byte decodes to the same messages", () => {
  for (let at = 0; at <= stream.length; at++) {
    const result = decodeAll([stream.subarray(0, at), stream.subarray(at)]);
    assert.deepEqual(result, expected, `split at byte ${at}`);
  }
});

test("a stream split at any two bytes decodes to the same messages", () => {
  for (let first = 0; first <= stream.length; first++) {
    for (let second = first; second <= stream.length; second++) {
      const chunks = [
        stream.subarray(0, first),
        stream.subarray(first, second),
        stream.subarray(second),
      ];
      assert.deepEqual(decodeAll(chunks), expected, `split at ${first} and ${second}`);
    }
  }
});

test("a stream fed one byte at a time decodes to the same messages", () => {
  const bytes = [...stream].map((byte) => Uint8Array.of(byte));
  assert.deepEqual(decodeAll(bytes), expected);
});

test("the unfinished tail survives the caller reusing its read buffer", () => {
  const decoder = new JsonParser().createDecoder();
  const buffer = encode('{"code":"get"');
  assert.deepEqual(decoder.decode(buffer), []);
  assert.equal(decoder.bufferedBytes, buffer.length);
  buffer.fill(0x20);
  assert.deepEqual(decoder.decode(encode(',"key":"a"}\0')), commands({ code: "get", key: "a" }));
  assert.equal(decoder.bufferedBytes, 0);
});

test("a bad message yields one error and the messages around it still decode", () => {
  const result = decodeAll([encode('{"code":"a"}\0{"code":\0[{"code":"b"}]\0')]);
  assert.deepEqual(result, [...commands({ code: "a" }), notJson, ...commands([{ code: "b" }])]);
});

test("messages that are not objects or arrays of objects are errors", () => {
  const shape = {
    kind: "error",
    message: "a message must be a command object or an array of command objects",
    fatal: false,
  };
  for (const text of ["42", '"get"', "null", "true", "[1]", '[{"a":1},2]', "[null]", "[[]]"]) {
    assert.deepEqual(decodeAll([encode(text + "\0")]), [shape], text);
  }
});

test("an empty array is a bad message, answered like any other; the next one decodes", () => {
  assert.deepEqual(decodeAll([encode('[]\0 [ ]\0{"a":1}\0')]), [
    {
      kind: "error",
      message: "empty batch: a message must hold at least one command",
      fatal: false,
    },
    {
      kind: "error",
      message: "empty batch: a message must hold at least one command",
      fatal: false,
    },
    ...commands({ a: 1 }),
  ]);
});

test("empty and blank frames are errors, not crashes", () => {
  assert.deepEqual(decodeAll([encode("\0 \0")]), [notJson, notJson]);
});

test("invalid UTF-8 is an error for that message alone", () => {
  const bad = Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d, 0);
  const result = decodeAll([bad, encode('{"ok":1}\0')]);
  assert.deepEqual(result, [
    { kind: "error", message: "message is not valid UTF-8", fatal: false },
    ...commands({ ok: 1 }),
  ]);
});

test("a message of exactly the size limit decodes; one byte more is fatal", () => {
  const parser = new JsonParser({ maxMessageBytes: 32 });
  const fits = `{"pad":"${"x".repeat(32 - 10)}"}`;
  assert.equal(encode(fits).length, 32);
  assert.deepEqual(decodeAll([encode(fits + "\0")], parser), commands({ pad: "x".repeat(22) }));

  const over = `{"pad":"${"x".repeat(23)}"}`;
  const result = decodeAll([encode('{"a":1}\0' + over + '\0{"b":2}\0')], parser);
  assert.deepEqual(result, [
    ...commands({ a: 1 }),
    { kind: "error", message: "message is larger than 32 bytes", fatal: true },
  ], "nothing after the fatal error");
});

test("the unparsed tail never grows past the limit, however the bytes arrive", () => {
  const parser = new JsonParser({ maxMessageBytes: 100 });
  const decoder = parser.createDecoder();
  let errors = 0;
  for (let read = 0; read < 50; read++) {
    for (const message of decoder.decode(encode("x".repeat(7)))) {
      assert.equal(message.kind, "error");
      errors++;
    }
    assert.ok(decoder.bufferedBytes <= 100, `tail ${decoder.bufferedBytes} after read ${read}`);
  }
  assert.equal(errors, 1, "one fatal error, then silence");
  assert.equal(decoder.bufferedBytes, 0, "the tail is dropped at the fatal error");
  assert.deepEqual(decoder.decode(encode('{"a":1}\0')), [], "a failed decoder decodes nothing");
});

test("the default size limit is 64 KiB", () => {
  const parser = new JsonParser();
  assert.equal(parser.maxMessageBytes, 65536);
  const big = `{"s":"${"y".repeat(65536 - 8)}"}`;
  assert.equal(decodeAll([encode(big + "\0")], parser)[0].kind, "commands");
  const bigger = `{"s":"${"y".repeat(65536 - 7)}"}`;
  assert.equal(decodeAll([encode(bigger + "\0")], parser)[0].kind, "error");
});

test("the Flash policy request is recognised as such", () => {
  assert.deepEqual(decodeAll([encode("<policy-file-request/>\0")]), [{ kind: "policy-request" }]);
});

test("serialize writes one JSON array of commands and a zero byte, in UTF-8", () => {
  const bytes = new JsonParser().serialize([{ code: "get", key: "é", success: true }]);
  assert.deepEqual(bytes, encode('[{"code":"get","key":"é","success":true}]\0'));
  const decoded = decodeAll([bytes]);
  assert.deepEqual(decoded, commands([{ code: "get", key: "é", success: true }]));
});

test("a size limit that is not positive is refused", () => {
  assert.throws(() => new JsonParser({ maxMessageBytes: 0 }), RangeError);
});

test("nesting is bounded: a command at the depth limit decodes, one level more is an error", () => {
  const parser = new JsonParser({ maxDepth: 4 });
  const nested = (levels: number) => "[".repeat(levels) + "]".repeat(levels);
  // The command is level 1, so its state may hold 3 more levels.
  const fits = `{"code":"save","state":${nested(3)}}`;
  assert.equal(decodeAll([encode(fits + "\0")], parser)[0].kind, "commands");
  const deep = `{"code":"save","state":${nested(4)}}`;
  assert.deepEqual(decodeAll([encode(deep + '\0{"ok":1}\0')], parser), [
    { kind: "error", message: "a command is nested deeper than 4 levels", fatal: false },
    ...commands({ ok: 1 }),
  ]);
});

test("a deeply nested message within the size limit is an error, not a stack overflow", () => {
  const deep = `{"s":${"[".repeat(30_000)}${"]".repeat(30_000)}}`;
  const [result] = decodeAll([encode(deep + "\0")]);
  assert.equal(result.kind, "error");
});

test("numbers JSON.parse turns into Infinity are refused", () => {
  for (const text of ['{"v":1e400}', '{"v":-1e999}', '[{"v":[1,2,1e309]}]']) {
    assert.deepEqual(decodeAll([encode(text + "\0")]), [
      { kind: "error", message: "a number is out of range", fatal: false },
    ], text);
  }
  assert.deepEqual(decodeAll([encode('{"v":1e300}\0')]), commands({ v: 1e300 }));
});

test("a __proto__ key is refused at any depth; constructor and prototype are plain data", () => {
  for (const text of ['{"__proto__":{"polluted":1}}', '{"state":{"a":[{"__proto__":1}]}}']) {
    assert.deepEqual(decodeAll([encode(text + "\0")]), [
      { kind: "error", message: 'the key "__proto__" is not allowed', fatal: false },
    ], text);
  }
  const [result] = decodeAll([encode('{"constructor":{"prototype":{"polluted":1}}}\0')]);
  assert.equal(result.kind, "commands");
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, "polluted"), false);
});

test("invalid UTF-8 among whole messages of one read fails that message alone", () => {
  const good = encode('{"a":1}\0');
  const bad = Uint8Array.of(0x7b, 0xc3, 0x7d, 0); // a lead byte with no continuation
  const read = new Uint8Array([...good, ...bad, ...encode('{"b":"é"}\0')]);
  assert.deepEqual(decodeAll([read]), [
    ...commands({ a: 1 }),
    { kind: "error", message: "message is not valid UTF-8", fatal: false },
    ...commands({ b: "é" }),
  ]);
});

test("a byte order mark is refused as JSON wherever it stands, however the reads fall", () => {
  // The last one holds a U+FFFD, sent as such: its read is decoded again, strictly.
  const bom = encode(
    '\uFEFF{"code":"a"}\0{"code":"b"}\0\uFEFF{"code":"c"}\0\uFEFF{"code":"\uFFFD"}\0',
  );
  const expected = [notJson, ...commands({ code: "b" }), notJson, notJson];
  for (let at = 0; at <= bom.length; at++) {
    const result = decodeAll([bom.subarray(0, at), bom.subarray(at)]);
    assert.deepEqual(result, expected, `split at byte ${at}`);
  }
});
