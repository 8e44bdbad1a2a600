/**
 * The opening handshake: the request head read in any split, what is refused and with which
 * status, the responses, and telling HTTP from the raw protocol on a shared port.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { HandshakeReader, type HandshakeResult } from "../src/websocket/handshake.ts";
import { MAX_HEAD_BYTES } from "../src/websocket/head_buffer.ts";
import {
  errorResponse,
  httpResponse,
  upgradeRequiredResponse,
} from "../src/websocket/http_response.ts";
import { ProtocolSniffer, sniffProtocol } from "../src/websocket/sniff.ts";
import { concat, utf8 } from "./helpers/websocket_frames.ts";

const KEY = "dGhlIHNhbXBsZSBub25jZQ==";
const FIELDS: Record<string, string> = {
  Host: "example.com:5554",
  Upgrade: "websocket",
  Connection: "Upgrade",
  "Sec-WebSocket-Key": KEY,
  "Sec-WebSocket-Version": "13",
};

/** A request head; a field set to `undefined` in `changes` is left out. */
function head(changes: Record<string, string | undefined> = {}, line = "GET /play HTTP/1.1") {
  const fields = Object.entries({ ...FIELDS, ...changes }).filter(([, v]) => v !== undefined);
  return line + "\r\n" + fields.map(([k, v]) => `${k}: ${v}\r\n`).join("") + "\r\n";
}

function read(text: string | Uint8Array): HandshakeResult {
  return new HandshakeReader().feed(typeof text === "string" ? utf8(text) : text);
}

function status(result: HandshakeResult): number | string {
  return result.kind === "error" ? result.status : result.kind;
}

test("a valid upgrade, whole, byte by byte and cut anywhere, keeps the bytes after it", () => {
  const frames = new Uint8Array([0x81, 0x80, 1, 2, 3, 4]);
  const bytes = concat(utf8(head()), frames);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const reader = new HandshakeReader();
    const first = reader.feed(bytes.subarray(0, cut));
    const result = first.kind === "incomplete" ? reader.feed(bytes.subarray(cut)) : first;
    assert.ok(result.kind === "upgrade", `cut at ${cut}`);
    assert.equal(result.key, KEY);
    assert.equal(result.request.path, "/play");
    assert.equal(result.request.headers.get("host"), "example.com:5554");
    // What follows the head: the rest of the chunk that completed it, then the unfed bytes.
    const after = first.kind === "incomplete"
      ? result.rest
      : concat(result.rest, bytes.subarray(cut));
    assert.deepEqual(after, frames, `cut at ${cut}`);
  }
  const reader = new HandshakeReader();
  const text = utf8(head());
  for (let i = 0; i < text.length - 1; i++) {
    assert.equal(reader.feed(text.subarray(i, i + 1)).kind, "incomplete");
    assert.ok(reader.bufferedBytes === i + 1);
  }
  assert.equal(reader.feed(text.subarray(text.length - 1)).kind, "upgrade");
  assert.throws(() => reader.feed(utf8("more")));
});

test("header names and tokens are case-insensitive; Connection may list several tokens", () => {
  const text = "GET /?room=1 HTTP/1.1\r\nhost: h\r\nUPGRADE: WebSocket\r\n" +
    "connection: keep-alive, Upgrade\r\nsec-websocket-key: " + KEY +
    "\r\nSEC-WEBSOCKET-VERSION: 13\r\nOrigin: http://h\r\n\r\n";
  const result = read(text);
  assert.ok(result.kind === "upgrade");
  assert.equal(result.request.path, "/");
  assert.equal(result.request.query, "room=1");
  assert.equal(result.request.headers.get("origin"), "http://h");
});

test("a plain GET is a request to serve; another Upgrade token is not WebSocket", () => {
  const plain = read("GET /index.html HTTP/1.1\r\nHost: h\r\nAccept: text/html\r\n\r\n");
  assert.ok(plain.kind === "request");
  assert.equal(plain.request.path, "/index.html");
  assert.equal(plain.request.headers.get("accept"), "text/html");
  assert.equal(read(head({ Upgrade: "h2c" })).kind, "request");
  assert.equal(read(head({ Upgrade: undefined })).kind, "request");
  assert.equal(read("GET / HTTP/1.0\r\n\r\n").kind, "request");
});

test("bad keys, versions and upgrade fields are 400; version errors name version 13", () => {
  const badKeys = [
    undefined,
    "",
    "dGhlIHNhbXBsZSBub25jZQ",
    "dGhlIHNhbXBsZSBub25jZQ=",
    "a".repeat(24),
  ];
  for (const key of [...badKeys, "dGhlIHNhbXBsZSBub25j!Q==", `${KEY}, ${KEY}`]) {
    assert.equal(status(read(head({ "Sec-WebSocket-Key": key }))), 400, `key ${key}`);
  }
  for (const version of [undefined, "8", "12", "14", "13, 8"]) {
    const result = read(head({ "Sec-WebSocket-Version": version }));
    assert.ok(result.kind === "error" && result.status === 400, `version ${version}`);
    assert.deepEqual(result.headers, { "Sec-WebSocket-Version": "13" });
  }
  assert.equal(status(read(head({ Connection: "keep-alive" }))), 400);
  assert.equal(status(read(head({ Connection: undefined }))), 400);
  assert.equal(status(read(head({ Host: undefined }))), 400);
  assert.equal(status(read(head({}, "GET /play HTTP/1.0"))), 400);
});

test("malformed heads: request line, fields, folding, control bytes, other methods", () => {
  assert.equal(status(read(head({}, "GET /play"))), 400);
  assert.equal(status(read(head({}, "GET  /play HTTP/1.1"))), 400);
  assert.equal(status(read(head({}, "GET /play HTTP/2.0"))), 505);
  assert.equal(status(read("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n")), 400);
  assert.equal(status(read("GET / HTTP/1.1\r\nHost : h\r\n\r\n")), 400);
  assert.equal(status(read("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n  b\r\n\r\n")), 400);
  assert.equal(status(read("GET / HTTP/1.1\r\nHost: h\nX: b\r\n\r\n")), 400);
  assert.equal(status(read("GET / HTTP/1.1\r\nHost: h\0\r\n\r\n")), 400);
  const post = read(head({}, "POST /play HTTP/1.1"));
  assert.ok(post.kind === "error" && post.status === 405);
  assert.deepEqual(post.headers, { Allow: "GET" });
});

test("a head of exactly 8 KiB passes; one byte more is 431, whole or byte by byte", () => {
  const base = head();
  const exact = head({ "X-Pad": "p".repeat(MAX_HEAD_BYTES - base.length - 9) });
  assert.equal(exact.length, MAX_HEAD_BYTES);
  assert.equal(read(exact).kind, "upgrade");
  const over = head({ "X-Pad": "p".repeat(MAX_HEAD_BYTES - base.length - 8) });
  assert.equal(status(read(over)), 431);
  const reader = new HandshakeReader();
  const bytes = utf8(over);
  let result: HandshakeResult = { kind: "incomplete" };
  let fed = 0;
  while (result.kind === "incomplete" && fed < bytes.length) {
    result = reader.feed(bytes.subarray(fed, ++fed));
  }
  assert.equal(status(result), 431);
  assert.equal(fed, MAX_HEAD_BYTES, "refused as soon as 8 KiB are in without an end");
  assert.equal(status(read(new Uint8Array(100_000).fill(0x41))), 431);
});

test("the responses: errors with their headers, 426, pages with binary bodies", () => {
  const refused = read(head({ "Sec-WebSocket-Version": "8" }));
  assert.ok(refused.kind === "error");
  const text = new TextDecoder().decode(errorResponse(refused));
  assert.match(text, /^HTTP\/1\.1 400 Bad Request\r\n/);
  assert.match(text, /\r\nSec-WebSocket-Version: 13\r\n/);
  assert.match(text, /\r\nConnection: close\r\n\r\nunsupported WebSocket version\n$/);
  const upgrade = new TextDecoder().decode(upgradeRequiredResponse());
  assert.match(upgrade, /^HTTP\/1\.1 426 Upgrade Required\r\n(.+\r\n)*Upgrade: websocket\r\n/);
  const page = httpResponse(
    200,
    { "Content-Type": "image/png", Connection: "keep-alive" },
    new Uint8Array([0, 255]),
  );
  const pageText = new TextDecoder("latin1").decode(page);
  assert.match(pageText, /Content-Length: 2\r\n/);
  assert.doesNotMatch(pageText, /Connection: close/);
  assert.deepEqual(page.subarray(page.length - 2), new Uint8Array([0, 255]));
  assert.throws(() => httpResponse(200, { "X-Bad": "a\r\nSet-Cookie: x" }), TypeError);
  assert.throws(() => httpResponse(42), RangeError);
});

test("sniffing: only prefixes of 'GET ' wait; anything else is raw from its first byte", () => {
  const bytes = (text: string) => utf8(text);
  for (const prefix of ["", "G", "GE", "GET"]) {
    assert.equal(sniffProtocol(bytes(prefix)), "undecided");
  }
  assert.equal(sniffProtocol(bytes("GET ")), "http");
  assert.equal(sniffProtocol(bytes("GET /play HTTP/1.1\r\n")), "http");
  for (
    const raw of [
      "{",
      "[",
      "<",
      "<policy-file-request/>\0",
      " ",
      "\0",
      "GX",
      "GETX",
      "get ",
      "POST /",
    ]
  ) {
    assert.equal(sniffProtocol(bytes(raw)), "raw", JSON.stringify(raw));
  }
});

test("the sniffer holds undecided bytes and hands every byte back once decided", () => {
  const http = new ProtocolSniffer();
  const request = bytes("GET / HTTP/1.1\r\n");
  for (let i = 0; i < 3; i++) assert.equal(http.feed(request.subarray(i, i + 1)), undefined);
  assert.deepEqual(http.feed(request.subarray(3)), { protocol: "http", bytes: request });
  const policy = new ProtocolSniffer();
  const first = bytes("<policy-file-request/>\0");
  const decided = policy.feed(first);
  assert.deepEqual(decided, { protocol: "raw", bytes: first });
  assert.equal(decided?.bytes, first, "a first chunk that decides is handed back as is");
  const json = new ProtocolSniffer();
  assert.equal(json.feed(bytes("G")), undefined);
  assert.deepEqual(json.feed(bytes("{}\0")), { protocol: "raw", bytes: bytes("G{}\0") });
});

function bytes(text: string): Uint8Array {
  return utf8(text);
}
