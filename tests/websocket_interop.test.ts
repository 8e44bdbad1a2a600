/**
 * Interoperability with an independent client, the `ws` package, on both adapters: message
 * mode as a browser speaks it, stream mode as an OpenFL html5 build sends it (binary frames
 * cut anywhere), and TCP and WebSocket clients in the same room of the rooms game, on the
 * sniffing TCP port and on the HTTP-only port.
 *
 * `ws` is not imported by name: it comes with socket.io (a devDependency), and a Deno run
 * without node_modules (`deno task test`) skips these tests.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type Command, JsonParser } from "../mod.ts";
import { type Adapter, ADAPTERS, withServed } from "./helpers/served.ts";
import { limitedServer } from "./helpers/limited_server.ts";
import { DEFAULT_WAIT_MS, type TcpClient } from "./helpers/tcp_client.ts";
import { within } from "./helpers/timeout.ts";

/** What these tests use of a `ws` WebSocket. */
interface WsSocket {
  binaryType: string;
  send(data: string | Uint8Array): void;
  close(code?: number): void;
  terminate(): void;
  on(event: string, listener: (...args: any[]) => void): WsSocket;
  once(event: string, listener: (...args: any[]) => void): WsSocket;
  readonly extensions: string;
}
type WsConstructor = new (url: string) => WsSocket;

const WS_PACKAGE = "ws"; // a variable: type-checking without node_modules must not resolve it
const WebSocketClass: WsConstructor | undefined = await import(WS_PACKAGE).then(
  (module) => module.WebSocket ?? module.default,
  () => undefined,
);
const skipWs = WebSocketClass === undefined && "the ws package is not installed";

/** A `ws` client that gathers the protocol messages it receives, in either mode. */
class WsPeer {
  readonly inbox: Command[][] = [];
  /** The kinds of frames received: "text" or "binary". */
  readonly kinds = new Set<string>();
  readonly #decoder = new JsonParser({ maxMessageBytes: 1 << 24 }).createDecoder();
  #wake = () => {};
  closeCode: number | undefined;

  private constructor(readonly socket: WsSocket) {
    socket.on("message", (data: Uint8Array, isBinary: boolean) => {
      this.kinds.add(isBinary ? "binary" : "text");
      const bytes = new Uint8Array(data);
      if (isBinary) {
        for (const message of this.#decoder.decode(bytes)) {
          if (message.kind === "commands") this.inbox.push(message.commands);
        }
      } else {
        this.inbox.push(JSON.parse(new TextDecoder().decode(bytes)));
      }
      this.#wake();
    });
    socket.on("close", (code: number) => {
      this.closeCode = code;
      this.#wake();
    });
  }

  static connect(port: number, path = "/"): Promise<WsPeer> {
    const socket = new WebSocketClass!(`ws://127.0.0.1:${port}${path}`);
    socket.binaryType = "arraybuffer";
    return within(
      new Promise((resolve, reject) => {
        socket.once("open", () => resolve(new WsPeer(socket))).once("error", reject);
      }),
      DEFAULT_WAIT_MS,
      "the WebSocket to open",
    );
  }

  /** Message mode: one text frame per message. */
  sendText(message: Command): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Stream mode: the zero-byte stream of `messages`, in binary frames cut at `cuts`. */
  sendStream(messages: Command[], cuts: number[]): void {
    const stream = new TextEncoder().encode(messages.map((m) => JSON.stringify(m) + "\0").join(""));
    let start = 0;
    for (const cut of [...cuts.filter((at) => at < stream.length), stream.length]) {
      this.socket.send(stream.slice(start, cut));
      start = cut;
    }
  }

  async next(): Promise<Command[]> {
    const arrived = new Promise<void>((resolve) => {
      this.#wake = () => (this.inbox.length > 0 || this.closeCode !== undefined) && resolve();
      this.#wake();
    });
    await within(arrived, DEFAULT_WAIT_MS, `a message (have ${JSON.stringify(this.inbox)})`);
    const message = this.inbox.shift();
    if (!message) throw new Error(`closed with ${this.closeCode}`);
    return message;
  }

  close(): void {
    this.socket.terminate();
  }
}

/** Takes messages until one holds a command with `code`, and returns that command. */
async function nextWith(
  peer: { next(): Promise<Command[]> },
  code: string,
): Promise<Command> {
  for (;;) {
    const found = (await peer.next()).find((command) => command.code === code);
    if (found) return found;
  }
}

const cases: Record<string, (adapter: Adapter) => Promise<void>> = {
  async "ws in message mode and in stream mode, without permessage-deflate"(adapter) {
    const { server } = limitedServer({});
    await withServed(adapter, server, async ({ listener }) => {
      const text = await WsPeer.connect(listener.port);
      const stream = await WsPeer.connect(listener.port, "/openfl");
      try {
        assert.equal(text.socket.extensions, "", "no extension was agreed");
        text.sendText({ code: "goto", key: "r" });
        assert.equal((await nextWith(text, "goto")).success, true);
        // Four messages in binary frames cut through them, as OpenFL's flush sends them.
        stream.sendStream([
          { code: "goto", key: "r" },
          { code: "save", key: "r", state: { n: 1 } },
          { code: "get", key: "r" },
          { code: "update", key: "grid", index: 2, value: "é" },
        ], [1, 2, 20, 21, 22, 60, 61]);
        assert.deepEqual((await nextWith(stream, "get")).state, { n: 1 });
        assert.deepEqual((await nextWith(text, "save")).state, { n: 1 });
        assert.equal((await nextWith(text, "update")).value, "é");
        assert.deepEqual([...text.kinds], ["text"]);
        assert.deepEqual([...stream.kinds], ["binary"]);
      } finally {
        text.close();
        stream.close();
      }
    }, { protocol: "sniff" });
  },

  async "a TCP client and WebSocket clients on both ports see each other's saves"(adapter) {
    const { server } = limitedServer({});
    const wsListener = await adapter.serve(server, { port: 0, protocol: "http" });
    try {
      await withServed(adapter, server, async ({ listener, connect }) => {
        const [tcp] = await connect(1);
        const text = await WsPeer.connect(wsListener.port, "/game");
        const stream = await WsPeer.connect(listener.port);
        try {
          await tcp.send({ code: "goto", key: "room" });
          await nextWith(tcp, "goto");
          text.sendText({ code: "goto", key: "room" });
          await nextWith(text, "goto");
          stream.sendStream([{ code: "goto", key: "room" }], [5]);
          await nextWith(stream, "goto");
          const saves: [string, () => unknown][] = [
            ["tcp", () => tcp.send({ code: "save", key: "room", state: { by: "tcp" } })],
            ["text", () => text.sendText({ code: "save", key: "room", state: { by: "text" } })],
            [
              "stream",
              () =>
                stream.sendStream([{ code: "save", key: "room", state: { by: "stream" } }], [9]),
            ],
          ];
          const everyone: [string, { next(): Promise<Command[]> }][] = [
            ["tcp", tcp as TcpClient],
            ["text", text],
            ["stream", stream],
          ];
          for (const [by, save] of saves) {
            await save();
            for (const [who, peer] of everyone) {
              assert.deepEqual((await nextWith(peer, "save")).state, { by }, `${who} sees ${by}`);
            }
          }
        } finally {
          text.close();
          stream.close();
        }
      }, { protocol: "sniff" });
    } finally {
      await wsListener.close();
    }
  },

  async "a message over the parser's limit closes a ws client with 1009"(adapter) {
    const { server } = limitedServer({});
    await withServed(adapter, server, async ({ listener }) => {
      const peer = await WsPeer.connect(listener.port);
      peer.sendText({ code: "save", key: "k", state: "x".repeat(2 * 1024 * 1024) });
      await assert.rejects(peer.next(), /closed with 1009/);
    }, { protocol: "http" });
  },
};

for (const adapter of ADAPTERS) {
  for (const [name, check] of Object.entries(cases)) {
    test(
      `${adapter.name} adapter, ws package: ${name}`,
      { skip: adapter.skip || skipWs },
      () => check(adapter),
    );
  }
}
