/**
 * WebSocket over a real socket on both adapters, in the manner of the Autobahn cases: raw
 * frames sent split anywhere, masking, fragmentation, pings, close codes, limits, the two
 * modes, and the HTTP answers; on the TCP port that sniffs and on an HTTP-only port.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Application, type Command, deliver, type Index, JsonParser, Server } from "../mod.ts";
import { systemClock } from "../src/adapter/system_clock.ts";
import { httpResponse } from "../src/websocket/http_response.ts";
import type { ServeOptions } from "../src/transport/serve_options.ts";
import { PATIENT_LIMITS } from "./helpers/patient_limits.ts";
import { type Adapter, ADAPTERS, withServed } from "./helpers/served.ts";
import {
  BINARY,
  CLOSE,
  concat,
  CONT,
  frame,
  PING,
  PONG,
  TEXT,
  utf8,
} from "./helpers/websocket_frames.ts";
import { WsClient } from "./helpers/ws_client.ts";

const MAX_MESSAGE_BYTES = 1000;

/** An echo server (each command back with `success: true`) that records disconnects. */
function echoServer(options: { greet?: boolean } = {}) {
  const disconnects: Index[] = [];
  const application = new Application({
    storage: null,
    defaultController: {
      handleCommand: (command: Command, { index }: { index: Index }) =>
        deliver([index], { ...command, success: true }),
      onConnect: ({ index }) => options.greet ? deliver([index], { code: "hello", index }) : [],
      onDisconnect: ({ index }) => (disconnects.push(index), []),
    },
  });
  const parser = new JsonParser({ maxMessageBytes: MAX_MESSAGE_BYTES });
  const server = new Server({ application, parser, limits: PATIENT_LIMITS, clock: systemClock });
  return { server, disconnects };
}

/** Serves an echo server on `protocol` and hands the test a way to open WebSocket clients. */
async function withWs(
  adapter: Adapter,
  body: (open: (path?: string) => Promise<WsClient>, port: number) => Promise<void>,
  options: ServeOptions & { greet?: boolean } = {},
): Promise<{ disconnects: Index[] }> {
  const { server, disconnects } = echoServer(options);
  const clients: WsClient[] = [];
  await withServed(adapter, server, async ({ listener }) => {
    const open = async (path?: string) => {
      const client = await WsClient.connect(listener.port, path);
      clients.push(client);
      return client;
    };
    try {
      await body(open, listener.port);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  }, { protocol: "sniff", ...options });
  return { disconnects };
}

const bytes = (text: string) => new TextEncoder().encode(text);

const cases: Record<string, (adapter: Adapter) => Promise<void>> = {
  async "message mode: a text frame is a message; each answer is one text frame"(adapter) {
    await withWs(adapter, async (open) => {
      const client = await open();
      await client.sendText({ code: "a" });
      await client.sendText([{ code: "b" }, { code: "c" }]);
      assert.deepEqual(await client.nextText(), [{ code: "a", success: true }]);
      // The server answers each command of the array on its own.
      assert.deepEqual(await client.nextText(), [{ code: "b", success: true }]);
      assert.deepEqual(await client.nextText(), [{ code: "c", success: true }]);
    });
  },

  async "frames split at every byte, masked, with a ping inside a fragmented message"(adapter) {
    await withWs(adapter, async (open) => {
      const client = await open();
      const text = '{"code":"héllo","n":[1,2,3]}';
      const wire = concat(
        frame(TEXT, text.slice(0, 5), { fin: false }),
        frame(PING, "p1"),
        frame(CONT, text.slice(5, 15), { fin: false }),
        frame(CONT, text.slice(15)),
      );
      await client.writeSplit(wire, 1);
      assert.deepEqual(await client.next(), { type: "pong", data: utf8("p1") });
      assert.deepEqual(await client.nextText(), [{ code: "héllo", n: [1, 2, 3], success: true }]);
    });
  },

  async "stream mode: binary payloads are the zero-byte stream, cut anywhere, both ways"(adapter) {
    await withWs(adapter, async (open) => {
      const client = await open();
      const stream = bytes('{"code":"a"}\0[{"code":"b"},{"code":"c"}]\0{"code":"d"}\0');
      // Three binary messages cutting through the protocol's messages.
      await client.write(concat(
        frame(BINARY, stream.subarray(0, 7)),
        frame(BINARY, stream.subarray(7, 30), { fin: false }),
        frame(CONT, stream.subarray(30, 31)),
        frame(BINARY, stream.subarray(31)),
      ));
      let received = "";
      while ((received.match(/\0/g) ?? []).length < 4) {
        const event = await client.next();
        assert.equal(event.type, "binary", JSON.stringify(event));
        if (event.type === "binary") received += new TextDecoder().decode(event.data);
      }
      assert.equal(
        received,
        '[{"code":"a","success":true}]\0' +
          '[{"code":"b","success":true}]\0[{"code":"c","success":true}]\0' +
          '[{"code":"d","success":true}]\0',
      );
    });
  },

  async "ping with a payload is answered by a pong with it; the close handshake"(adapter) {
    const { disconnects } = await withWs(adapter, async (open) => {
      const client = await open();
      await client.write(frame(PING, new Uint8Array([1, 2, 3])));
      assert.deepEqual(await client.next(), { type: "pong", data: new Uint8Array([1, 2, 3]) });
      await client.write(frame(CLOSE, new Uint8Array([0x03, 0xe8])));
      assert.equal(await client.closeCode(), 1000);
      await client.closed();
    });
    assert.equal(disconnects.length, 1);
  },

  async "protocol errors are closed with 1002"(adapter) {
    const bad = {
      unmasked: frame(TEXT, '{"code":"a"}', { masked: false }),
      "reserved bits": frame(TEXT, '{"code":"a"}', { rsv: 4 }),
      "unknown opcode": frame(0x3, "x"),
      "continuation without a start": frame(CONT, "x"),
      "fragmented ping": frame(PING, "x", { fin: false }),
    };
    await withWs(adapter, async (open) => {
      for (const [name, wire] of Object.entries(bad)) {
        const client = await open();
        await client.write(wire);
        assert.equal(await client.closeCode(), 1002, name);
        await client.closed();
      }
    });
  },

  async "invalid UTF-8 is 1007; over maxMessageBytes is 1009, from the header in message mode"(
    adapter,
  ) {
    await withWs(adapter, async (open) => {
      const utf8Client = await open();
      await utf8Client.write(frame(TEXT, new Uint8Array([0x7b, 0xc3, 0x28, 0x7d])));
      assert.equal(await utf8Client.closeCode(), 1007);
      const big = await open();
      // Only the header of a frame one byte over the limit: the answer does not wait for more.
      await big.write(frame(TEXT, new Uint8Array(MAX_MESSAGE_BYTES + 1)).subarray(0, 8));
      assert.equal(await big.closeCode(), 1009);
      const stream = await open();
      // Stream mode: a message of the stream over the limit, wherever its frames cut it.
      await stream.write(frame(BINARY, bytes('{"code":"ok"}\0{"pad":"')));
      assert.equal((await stream.next()).type, "binary", "the message before it is answered");
      await stream.write(frame(BINARY, new Uint8Array(MAX_MESSAGE_BYTES).fill(0x61)));
      assert.equal(await stream.closeCode(), 1009);
      const exact = await open();
      const text = JSON.stringify({ code: "x", pad: "" });
      await exact.sendText({ code: "x", pad: "p".repeat(MAX_MESSAGE_BYTES - text.length) });
      assert.equal((await exact.nextText())[0].success, true, "a message at the limit is taken");
    });
  },

  async "a frame of the other mode is 1003, either way; too many fragments is 1008"(adapter) {
    await withWs(adapter, async (open) => {
      const text = await open();
      await text.sendText({ code: "a" });
      await text.nextText();
      await text.write(frame(BINARY, bytes('{"code":"b"}\0')));
      assert.equal(await text.closeCode(), 1003);
      const binary = await open();
      await binary.write(frame(BINARY, bytes('{"code":"b"}\0')));
      assert.equal((await binary.next()).type, "binary");
      await binary.sendText({ code: "a" });
      assert.equal(await binary.closeCode(), 1003);
      const fragments = await open();
      const pieces = [frame(TEXT, "{", { fin: false })];
      for (let i = 0; i < 4; i++) pieces.push(frame(CONT, " ", { fin: false }));
      await fragments.write(concat(...pieces));
      assert.equal(await fragments.closeCode(), 1008);
    }, { websocket: { maxFragments: 4 } });
  },

  async "what the server says before the first data frame waits for it, then comes in kind"(
    adapter,
  ) {
    await withWs(adapter, async (open) => {
      const text = await open();
      const binary = await open();
      await text.write(frame(PING, "x"));
      assert.equal((await text.next()).type, "pong", "a ping does not pick the mode");
      await text.sendText({ code: "a" });
      assert.deepEqual((await text.nextText())[0].code, "hello");
      assert.deepEqual((await text.nextText())[0].code, "a");
      await binary.write(frame(BINARY, bytes('{"code":"b"}\0')));
      let received = "";
      while ((received.match(/\0/g) ?? []).length < 2) {
        const event = await binary.next();
        if (event.type === "binary") received += new TextDecoder().decode(event.data);
      }
      assert.match(received, /^\[\{"code":"hello","index":\d+\}\]\0\[\{"code":"b"/);
    }, { greet: true });
  },

  async "idle connections are pinged; one that answers stays, a silent one is cut"(adapter) {
    const { disconnects } = await withWs(adapter, async (open) => {
      const answering = await open();
      const silent = await open();
      const started = performance.now();
      for (let pongs = 0; pongs < 3; pongs++) {
        assert.equal((await answering.next()).type, "ping");
        await answering.write(frame(PONG));
      }
      assert.equal((await silent.next()).type, "ping");
      await silent.closed();
      assert.ok(performance.now() - started >= 150, "not before two intervals");
      await answering.sendText({ code: "still here" });
      assert.equal((await answering.nextText())[0].success, true);
    }, { websocket: { pingIntervalMs: 100 } });
    assert.equal(disconnects.length, 2);
  },

  async "plain requests: 426, or the page hook; bad key or version 400; head over 8 KiB 431"(
    adapter,
  ) {
    const page = (request: { path: string }) =>
      request.path === "/hello" ? httpResponse(200, {}, "hi") : undefined;
    await withWs(adapter, async (_open, port) => {
      const plain = await WsClient.open(port);
      void plain.write("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
      assert.match(await plain.httpAnswer(), /^HTTP\/1\.1 426 /);
      const hello = await WsClient.open(port);
      void hello.write("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n");
      assert.match(await hello.httpAnswer(), /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nhi$/);
      const badKey = await WsClient.open(port);
      void badKey.write(
        "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          "Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n",
      );
      assert.match(await badKey.httpAnswer(), /^HTTP\/1\.1 400 /);
      const badVersion = await WsClient.open(port);
      void badVersion.write(
        "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n",
      );
      assert.match(await badVersion.httpAnswer(), /^HTTP\/1\.1 400 [^]*Sec-WebSocket-Version: 13/);
      const huge = await WsClient.open(port);
      void huge.write(`GET / HTTP/1.1\r\nHost: h\r\nX-Pad: ${"p".repeat(9000)}\r\n\r\n`);
      assert.match(await huge.httpAnswer(), /^HTTP\/1\.1 431 /);
    }, { page });
  },

  async "a request head not complete within handshakeTimeoutMs is closed with 408"(adapter) {
    await withWs(adapter, async (_open, port) => {
      const slow = await WsClient.open(port);
      const started = performance.now();
      void slow.write("GET / HTTP/1.1\r\nHost: h\r\n");
      assert.match(await slow.httpAnswer(), /^HTTP\/1\.1 408 /);
      assert.ok(performance.now() - started >= 150, "not before the timeout");
    }, { handshakeTimeoutMs: 200 });
  },

  async "the sniffing port serves raw clients, the Flash policy request, and WebSocket"(adapter) {
    const { server } = echoServer();
    await withServed(adapter, server, async ({ listener, connect }) => {
      const [raw] = await connect(1);
      await raw.send({ code: "raw" });
      assert.deepEqual(await raw.next(), [{ code: "raw", success: true }]);
      const ws = await WsClient.connect(listener.port);
      await ws.sendText({ code: "ws" });
      assert.deepEqual(await ws.nextText(), [{ code: "ws", success: true }]);
      const [flash] = await connect(1);
      await flash.write("<policy-file-request/>\0");
      await flash.until(() => flash.received.includes(0), "the policy file");
      assert.match(new TextDecoder().decode(flash.received), /cross-domain-policy/);
      await ws.close();
    }, { protocol: "sniff" });
  },

  async "an HTTP-only port answers raw bytes with 400; closing the listener sends 1000"(adapter) {
    const { server } = echoServer();
    await withServed(adapter, server, async ({ listener, connect }) => {
      const [raw] = await connect(1);
      await raw.send({ code: "raw" });
      await raw.closed();
      assert.match(new TextDecoder().decode(raw.received), /^HTTP\/1\.1 400 /);
      const ws = await WsClient.connect(listener.port, "/any/path");
      await ws.sendText({ code: "ws" });
      await ws.nextText();
      await listener.close();
      assert.equal(await ws.closeCode(), 1000);
      await ws.closed();
    }, { protocol: "http" });
  },
};

for (const adapter of ADAPTERS) {
  for (const [name, check] of Object.entries(cases)) {
    test(
      `${adapter.name} adapter, WebSocket: ${name}`,
      { skip: adapter.skip },
      () => check(adapter),
    );
  }
}
