/**
 * The parser's newer limits: numbers JSON cannot carry exactly, and the memory and age of
 * the unfinished message a decoder holds.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type Decoded, type Decoder, JsonParser } from "../mod.ts";

const encode = (text: string) => new TextEncoder().encode(text);

/** Feeds the chunks to one decoder and returns everything it produced. */
function decodeAll(chunks: Uint8Array[], parser = new JsonParser()): Decoded[] {
  const decoder = parser.createDecoder();
  return chunks.flatMap((chunk) => decoder.decode(chunk));
}

const commands = (...messages: object[]): Decoded[] =>
  messages.map((message) => ({ kind: "commands", commands: [message] } as Decoded));

const underflow: Decoded = {
  kind: "error",
  message: "a number is out of range (too close to zero)",
  fatal: false,
};
const inexact: Decoded = {
  kind: "error",
  message: "an integer is beyond 2^53 and cannot be kept exactly",
  fatal: false,
};

test("nonzero numbers JSON.parse turns into 0 are refused like those it turns into Infinity", () => {
  const tiny = `0.${"0".repeat(330)}1`;
  for (const text of ['{"v":1e-400}', '{"v":-2.5E-999}', `[{"v":[0,${tiny}]}]`, '{"v":1e-324}']) {
    assert.deepEqual(decodeAll([encode(text + "\0")]), [underflow], text);
  }
  // Zeros written as zeros, and the smallest numbers a double holds, are data.
  const zeros = `{"v":[0,-0,0.0,0e-400,0.000E+5,5e-324,1e-300,0.${"0".repeat(300)}]}`;
  assert.deepEqual(decodeAll([encode(zeros + "\0")]), commands(JSON.parse(zeros)));
});

test("integer literals past 2^53 are refused; within it, or with a fraction or exponent, pass", () => {
  for (
    const text of [
      '{"v":9007199254740992}',
      '{"v":[1,-9007199254740993]}',
      '{"v":1' + "0".repeat(30) + "}",
    ]
  ) {
    assert.deepEqual(decodeAll([encode(text + "\0")]), [inexact], text);
  }
  const fine = '{"v":[9007199254740991,-9007199254740991,1e20,12345678901234567890.5,1e300]}';
  assert.deepEqual(decodeAll([encode(fine + "\0")]), commands(JSON.parse(fine)));
});

test("digits inside strings and keys are never read as numbers", () => {
  const text = '{"12345678901234567890":"1e-400 and 99999999999999999999","k\\"1e-999":0}';
  assert.deepEqual(decodeAll([encode(text + "\0")]), commands(JSON.parse(text)));
  const next = '{"s":"\\\\","v":1e-400}'; // a string that ends in an escaped backslash
  assert.deepEqual(decodeAll([encode(next + "\0")]), [underflow]);
});

/** Feeds `bytes` one byte per read, calling `check` after each. */
function trickle(decoder: Decoder, bytes: Uint8Array, check: (read: number) => void): Decoded[] {
  const out: Decoded[] = [];
  for (let read = 0; read < bytes.length; read++) {
    out.push(...decoder.decode(bytes.subarray(read, read + 1), read));
    check(read);
  }
  return out;
}

test("a 60 KB message sent one byte per read holds memory within twice the bytes held", () => {
  const decoder = new JsonParser().createDecoder();
  const message = `{"code":"save","key":"k","state":"${"s".repeat(60_000)}"}`;
  let most = 0;
  const out = trickle(decoder, encode(message + "\0"), (read) => {
    const held = decoder.bufferedBytes;
    const retained = decoder.retainedBytes ?? Infinity;
    assert.ok(retained <= Math.max(256, 2 * held), `${retained} B for ${held} B at read ${read}`);
    assert.ok(retained <= 64 * 1024, `${retained} B at read ${read}`);
    most = Math.max(most, retained);
  });
  assert.equal(out.length, 1);
  assert.equal(out[0].kind, "commands");
  assert.ok(most >= 60_000, "the whole message was held at once");
  assert.equal(decoder.retainedBytes, 0, "a completed message leaves no buffer behind");
  assert.equal(decoder.bufferedBytes, 0);
});

test("pendingSince is the time of the read that began the unfinished message", () => {
  const decoder = new JsonParser().createDecoder();
  assert.equal(decoder.pendingSince, undefined);
  decoder.decode(encode('{"code":'), 100);
  assert.equal(decoder.pendingSince, 100);
  decoder.decode(encode('"get",'), 200);
  assert.equal(decoder.pendingSince, 100, "later bytes of the same message do not renew it");
  assert.deepEqual(
    decoder.decode(encode('"key":"a"}\0{"co'), 300),
    commands({ code: "get", key: "a" }),
  );
  assert.equal(decoder.pendingSince, 300, "the next message began in the read at 300");
  assert.deepEqual(decoder.decode(encode('de":"x"}\0'), 400), commands({ code: "x" }));
  assert.equal(decoder.pendingSince, undefined, "nothing held");
  decoder.decode(encode('{"a":1}\0'), 500);
  assert.equal(decoder.pendingSince, undefined, "whole messages leave nothing pending");
  decoder.decode(encode("{"));
  assert.equal(decoder.pendingSince, undefined, "a read without a time gives none");
  decoder.decode(encode('"a"'), 600);
  assert.equal(decoder.pendingSince, 600, "the first read that gives a time");
});

test("a fatal error forgets the pending message and its buffer", () => {
  const decoder = new JsonParser({ maxMessageBytes: 1000 }).createDecoder();
  trickle(decoder, encode("x".repeat(900)), () => {});
  assert.equal(decoder.pendingSince, 0);
  assert.ok((decoder.retainedBytes ?? 0) >= 900);
  const [error] = decoder.decode(encode("y".repeat(200)), 5000);
  assert.deepEqual(error, {
    kind: "error",
    message: "message is larger than 1000 bytes",
    fatal: true,
  });
  assert.equal(decoder.retainedBytes, 0);
  assert.equal(decoder.pendingSince, undefined);
});
