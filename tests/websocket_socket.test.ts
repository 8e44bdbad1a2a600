/**
 * The WebSocket socket record and the entrance of a port, on in-memory sockets and a manual
 * clock: how writes become frames, what waits for the mode, the close paths, and how a port
 * tells what a socket speaks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../mod.ts";
import { Entrance } from "../src/transport/entrance.ts";
import type { Socket, SocketHandlers } from "../src/transport/socket.ts";
import { openWebSocket } from "../src/transport/open_websocket.ts";
import { FrameDecoder } from "../src/websocket/frame_decoder.ts";
import type { FrameEvent } from "../src/websocket/frame_events.ts";
import { BINARY, CLOSE, concat, frame, PONG, TEXT, utf8 } from "./helpers/websocket_frames.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A raw socket in memory: what was written, and whether it was ended or aborted. */
function rawSocket() {
  const wire: Uint8Array[] = [];
  const state = { ended: false, aborted: false, unsent: 0 };
  const socket: Socket = {
    write: (bytes) => void wire.push(bytes),
    get unsentBytes() {
      return state.unsent;
    },
    drained: () => Promise.resolve(),
    end: () => void (state.ended = true),
    abort: () => void (state.aborted = true),
  };
  /** The server's frames written so far, decoded as a client would. */
  const frames = (): FrameEvent[] =>
    new FrameDecoder({ role: "client", binary: "message" }).feed(concat(...wire)) as FrameEvent[];
  return { socket, wire, state, frames };
}

/** The layer's side: the socket it was given, and what it heard. */
function layerSide() {
  const heard: string[] = [];
  const events: string[] = [];
  let socket!: Socket;
  const open = (given: Socket): SocketHandlers => {
    socket = given;
    return {
      data: (bytes) => (heard.push(text(bytes)), Promise.resolve()),
      end: () => void events.push("end"),
      // As the layer and the core do: a failed socket is closed, what it was sent first.
      error: (error) => (events.push(`error ${(error as Error).message}`), socket.end()),
      closed: () => void events.push("closed"),
    };
  };
  return { open, heard, events, socket: () => socket };
}

test("message mode: a write is split at zero bytes, a message cut across writes waits", async () => {
  const raw = rawSocket();
  const layer = layerSide();
  const events = openWebSocket(raw.socket, layer.open);
  await events.data(frame(TEXT, '{"code":"a"}'));
  assert.deepEqual(layer.heard, ['{"code":"a"}\0']);
  layer.socket().write(utf8('[{"a":1}]\0[{"b"'));
  layer.socket().write(utf8(":2}]\0"));
  assert.equal(raw.wire.length, 2, "one raw write per write");
  assert.deepEqual(raw.frames(), [
    { type: "text", text: '[{"a":1}]' },
    { type: "text", text: '[{"b":2}]' },
  ]);
});

test("before the first data frame, writes wait and count as unsent; then go in kind", async () => {
  const raw = rawSocket();
  const layer = layerSide();
  const events = openWebSocket(raw.socket, layer.open);
  raw.state.unsent = 5;
  layer.socket().write(utf8('[{"hi":1}]\0'));
  assert.equal(raw.wire.length, 0);
  assert.equal(layer.socket().unsentBytes, 5 + 11);
  await events.data(frame(BINARY, utf8('{"code":"x"}\0')));
  assert.equal(layer.socket().unsentBytes, 5);
  assert.deepEqual(raw.frames(), [{ type: "binary", data: utf8('[{"hi":1}]\0') }]);
  assert.deepEqual(layer.heard, ['{"code":"x"}\0']);
});

test("the peer's close is an end of stream; the server's close echoes its code", async () => {
  const raw = rawSocket();
  const layer = layerSide();
  const events = openWebSocket(raw.socket, layer.open);
  await events.data(
    concat(frame(TEXT, '{"code":"last"}'), frame(CLOSE, new Uint8Array([15, 160]))),
  );
  assert.deepEqual(layer.heard, ['{"code":"last"}\0']);
  assert.deepEqual(layer.events, ["end"]);
  layer.socket().write(utf8('[{"code":"last","success":true}]\0')); // the answer still goes out
  layer.socket().end();
  assert.deepEqual(raw.frames(), [
    { type: "text", text: '[{"code":"last","success":true}]' },
    { type: "close", code: 4000, reason: "" },
  ]);
  assert.equal(raw.state.ended, true);
  layer.socket().write(utf8("[]\0"));
  assert.equal(raw.frames().length, 2, "nothing after the close frame");
});

test("a close without a code is answered without one", async () => {
  const raw = rawSocket();
  const layer = layerSide();
  const events = openWebSocket(raw.socket, layer.open);
  await events.data(frame(CLOSE));
  layer.socket().end();
  assert.deepEqual(raw.frames(), [{ type: "close", code: 1005, reason: "" }]);
});

test("messages before a protocol error reach the layer; then the close code, then nothing", async () => {
  const raw = rawSocket();
  const layer = layerSide();
  const events = openWebSocket(raw.socket, layer.open);
  await events.data(concat(frame(TEXT, '{"code":"a"}'), frame(TEXT, "x", { masked: false })));
  assert.deepEqual(layer.heard, ['{"code":"a"}\0']);
  assert.deepEqual(layer.events, ["error WebSocket closed with 1002: unmasked frame"]);
  assert.deepEqual(raw.frames(), [{ type: "close", code: 1002, reason: "unmasked frame" }]);
  assert.equal(raw.state.ended, true);
  await events.data(frame(TEXT, '{"code":"b"}'));
  assert.equal(layer.heard.length, 1, "nothing is read after the error");
});

test("the answers to the messages read before a fault go out before the close frame", async () => {
  const raw = rawSocket();
  let socket!: Socket;
  const events = openWebSocket(raw.socket, (given) => {
    socket = given;
    return {
      // The core answers each message of the read, then hears of the fault and closes.
      data: (bytes) => (socket.write(utf8(`[{"heard":${bytes.length}}]\0`)), Promise.resolve()),
      end() {},
      error: () => socket.end(),
      closed() {},
    };
  });
  await events.data(concat(frame(TEXT, '{"code":"a"}'), frame(TEXT, "x", { masked: false })));
  assert.deepEqual(raw.frames(), [
    { type: "text", text: '[{"heard":13}]' },
    { type: "close", code: 1002, reason: "unmasked frame" },
  ]);
});

test("a zero byte inside a text message is 1007: it would be two messages", async () => {
  const raw = rawSocket();
  const layer = layerSide();
  const events = openWebSocket(raw.socket, layer.open);
  await events.data(frame(TEXT, '{"a":1}\0{"b":2}'));
  assert.deepEqual(layer.heard, []);
  assert.equal((raw.frames()[0] as { code: number }).code, 1007);
});

test("a server close before any data frame sends what waited as text, then 1000", () => {
  const raw = rawSocket();
  const layer = layerSide();
  openWebSocket(raw.socket, layer.open);
  layer.socket().write(utf8('[{"error":"server is full"}]\0'));
  layer.socket().end();
  assert.deepEqual(raw.frames(), [
    { type: "text", text: '[{"error":"server is full"}]' },
    { type: "close", code: 1000, reason: "" },
  ]);
});

/** An entrance on a manual clock whose layer records the sockets it was given. */
function entrance(protocol: "sniff" | "http") {
  const clock = new ManualClock();
  const layer = layerSide();
  const opened: Socket[] = [];
  const door = new Entrance((socket) => (opened.push(socket), layer.open(socket)), {
    protocol,
    clock,
    handshakeTimeoutMs: 5000,
    sniffTimeoutMs: 1000,
  });
  return { clock, door, opened, layer };
}

test("sniffing: a silent socket is taken as raw after sniffTimeoutMs", () => {
  const { clock, door, opened } = entrance("sniff");
  const raw = rawSocket();
  door.open(raw.socket);
  clock.advance(999);
  assert.equal(opened.length, 0);
  clock.advance(1);
  assert.deepEqual(opened, [raw.socket]);
  assert.equal(door.pendingSockets, 0);
});

test("sniffing: a prefix of GET and silence is closed; bytes split inside GET are kept", async () => {
  const { clock, door, opened } = entrance("sniff");
  const silent = rawSocket();
  await door.open(silent.socket).data(utf8("GE"));
  clock.advance(1000);
  assert.equal(silent.state.ended, true);
  assert.equal(opened.length, 0);
  const raw = rawSocket();
  const events = door.open(raw.socket);
  await events.data(utf8("G"));
  await events.data(utf8("ET / HTTP/1.1\r\nHost: h\r\n\r\n"));
  assert.match(text(raw.wire[0]), /^HTTP\/1\.1 426 /);
});

test("an upgrade with frames right behind the head: both are taken", async () => {
  const { door, layer } = entrance("http");
  const raw = rawSocket();
  const head = "GET /x HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  await door.open(raw.socket).data(concat(utf8(head), frame(TEXT, '{"code":"early"}')));
  assert.match(text(raw.wire[0]), /^HTTP\/1\.1 101 /);
  assert.deepEqual(layer.heard, ['{"code":"early"}\0']);
  assert.equal(door.pendingSockets, 0);
});

test("pending sockets are reset by closePending; an HTTP-only port refuses raw bytes", async () => {
  const { clock, door } = entrance("http");
  const slow = rawSocket();
  await door.open(slow.socket).data(utf8("GET / HTTP/1.1\r\n"));
  assert.equal(door.pendingSockets, 1);
  door.closePending();
  assert.equal(slow.state.aborted, true);
  const raw = rawSocket();
  await door.open(raw.socket).data(utf8('{"code":"x"}\0'));
  assert.match(text(raw.wire[0]), /^HTTP\/1\.1 400 /);
  assert.equal(raw.state.ended, true);
  const late = rawSocket();
  await door.open(late.socket).data(utf8("GET / HTTP/1.1\r\n"));
  clock.advance(5000);
  assert.match(text(late.wire[0]), /^HTTP\/1\.1 408 /);
});

test("an idle connection is pinged; one that stays silent after the ping is reset", async () => {
  const clock = new ManualClock();
  const raw = rawSocket();
  const layer = layerSide();
  const events = openWebSocket(raw.socket, layer.open, { pingIntervalMs: 1000 }, clock);
  clock.advance(1000);
  assert.deepEqual(raw.frames(), [{ type: "ping", data: new Uint8Array(0) }]);
  await events.data(frame(PONG));
  clock.advance(1000); // heard during that interval: no ping
  assert.equal(raw.frames().length, 1);
  clock.advance(1000);
  assert.equal(raw.frames().length, 2, "silent for an interval: pinged again");
  assert.equal(raw.state.aborted, false);
  clock.advance(1000);
  assert.equal(raw.state.aborted, true);
  assert.deepEqual(layer.events, ["error WebSocket silent after a ping"]);
  events.closed();
  assert.equal(clock.pending, 0, "no timer left");
});

/** Upgrades a fresh raw socket at `door` and sends one text frame, so its mode is message. */
async function upgraded(door: Entrance) {
  const raw = rawSocket();
  const head = "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  const events = door.open(raw.socket);
  await events.data(concat(utf8(head), frame(TEXT, '{"code":"hi"}')));
  raw.wire.length = 0; // the 101 response
  return { raw, events };
}

test("the sockets of a port frame a write they share once; a cut message stays their own", async () => {
  const { door, opened } = entrance("http");
  const [a, b] = [await upgraded(door), await upgraded(door)];
  const write = utf8('[{"a":1}]\0[{"b":2}]\0');
  opened[0].write(write);
  opened[1].write(write);
  assert.equal(a.raw.wire[0], b.raw.wire[0], "the very same frames");
  opened[0].write(utf8('[{"c"'));
  const end = utf8(":3}]\0");
  opened[0].write(end);
  opened[1].write(end); // the same array, a whole message for this socket
  assert.deepEqual(a.raw.frames().map((event) => (event as { text: string }).text), [
    '[{"a":1}]',
    '[{"b":2}]',
    '[{"c":3}]',
  ]);
  assert.deepEqual(b.raw.frames()[2], { type: "text", text: ":3}]" });
});

test("one timer pings every WebSocket of a port; none is left once they are closed", async () => {
  const { clock, door } = entrance("http");
  const [a, b] = [await upgraded(door), await upgraded(door)];
  assert.equal(clock.pending, 1, "no handshake timer left, one ping timer for both");
  clock.advance(30_000); // both were heard (their first frame): no ping yet
  assert.equal(a.raw.wire.length + b.raw.wire.length, 0);
  clock.advance(30_000);
  assert.deepEqual(a.raw.frames(), [{ type: "ping", data: new Uint8Array(0) }]);
  assert.deepEqual(b.raw.frames(), [{ type: "ping", data: new Uint8Array(0) }]);
  await a.events.data(frame(PONG));
  clock.advance(30_000);
  assert.equal(a.raw.state.aborted, false);
  assert.equal(b.raw.state.aborted, true, "silent a whole interval after its ping");
  a.events.closed();
  b.events.closed();
  assert.equal(clock.pending, 0);
});
