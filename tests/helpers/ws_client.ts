/**
 * A WebSocket client over a real socket (node:net, so it runs on Node and on Deno) built on
 * the codec's client helpers, for the conformance tests: it sends any frames, valid or not,
 * split anywhere, and lets a test wait for the frames the server sends.
 */
import { connect, type Socket } from "node:net";
import type { Command } from "../../mod.ts";
import {
  handshakeKey,
  upgradeRequest,
  UpgradeResponseReader,
} from "../../src/websocket/client_handshake.ts";
import { FrameDecoder } from "../../src/websocket/frame_decoder.ts";
import type { FrameEvent } from "../../src/websocket/frame_events.ts";
import { DEFAULT_WAIT_MS } from "./tcp_client.ts";
import { within } from "./timeout.ts";
import { frame, TEXT } from "./websocket_frames.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One connection: raw bytes out, the server's frames decoded as they come. */
export class WsClient {
  /** Frames received and not yet taken. */
  readonly events: FrameEvent[] = [];
  /** Everything received before the handshake answer was complete, as text. */
  head = "";
  #ended = false;
  readonly #closed: Promise<void>;
  readonly #decoder = new FrameDecoder({ role: "client", maxMessageBytes: 1 << 24 });
  readonly #waiters = new Set<() => void>();

  private constructor(readonly socket: Socket) {
    this.#closed = new Promise((resolve) => socket.once("close", () => resolve()));
    socket.on("end", () => {
      this.#ended = true;
      this.#wake();
    });
    socket.on("error", () => {});
  }

  /** Opens a TCP connection to `port` on 127.0.0.1, without any handshake. */
  static open(port: number): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port, noDelay: true });
      socket.once("error", reject).once("connect", () => {
        socket.off("error", reject);
        resolve(new WsClient(socket));
      });
    });
  }

  /** Connects and completes the opening handshake on `path`. */
  static async connect(port: number, path = "/"): Promise<WsClient> {
    const client = await WsClient.open(port);
    await client.handshake(path);
    return client;
  }

  /** Sends the upgrade request; resolves once the 101 has come, or rejects with the answer. */
  handshake(path = "/"): Promise<void> {
    const key = handshakeKey();
    const reader = new UpgradeResponseReader(key);
    void this.write(upgradeRequest({ host: "127.0.0.1", path, key }));
    return new Promise((resolve, reject) => {
      const onData = (chunk: Uint8Array) => {
        const bytes = new Uint8Array(chunk);
        this.head += decoder.decode(bytes);
        const answer = reader.feed(bytes);
        if (answer.kind === "incomplete") return;
        this.socket.off("data", onData);
        if (answer.kind === "refused") return reject(new Error(`refused: ${this.head}`));
        this.socket.on("data", (more: Uint8Array) => this.#feed(new Uint8Array(more)));
        this.#feed(answer.rest.slice());
        resolve();
      };
      this.socket.on("data", onData);
    });
  }

  /** Reads the whole plain HTTP answer (the server closes after it). */
  async httpAnswer(): Promise<string> {
    let text = "";
    this.socket.on("data", (chunk: Uint8Array) => (text += decoder.decode(new Uint8Array(chunk))));
    await this.closed();
    return text;
  }

  /** Writes raw bytes. */
  write(data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    return new Promise((resolve, reject) => {
      this.socket.write(bytes, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Writes `bytes` in pieces of `size`, a turn apart, so the server reads them split. */
  async writeSplit(bytes: Uint8Array, size: number): Promise<void> {
    for (let i = 0; i < bytes.length; i += size) {
      await this.write(bytes.subarray(i, i + size));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /** Sends one protocol message as a text frame. */
  sendText(message: Command | Command[]): Promise<void> {
    return this.write(frame(TEXT, JSON.stringify(message)));
  }

  /** Waits for the next frame and takes it. */
  async next(timeoutMs = DEFAULT_WAIT_MS): Promise<FrameEvent> {
    await this.until(() => this.events.length > 0, "a frame", timeoutMs);
    return this.events.shift()!;
  }

  /** Takes the next frame, which must be a text frame, as commands. */
  async nextText(timeoutMs = DEFAULT_WAIT_MS): Promise<Command[]> {
    const event = await this.next(timeoutMs);
    if (event.type !== "text") throw new Error(`expected text, got ${JSON.stringify(event)}`);
    return JSON.parse(event.text);
  }

  /** Skips frames up to the close frame and returns its code (1006 if the stream ended). */
  async closeCode(timeoutMs = DEFAULT_WAIT_MS): Promise<number> {
    const found = () =>
      this.events.find((event) => event.type === "close" || event.type === "error");
    await this.until(() => found() !== undefined || this.#ended, "a close frame", timeoutMs);
    const event = found();
    return event?.type === "close" ? event.code : 1006;
  }

  /** Waits until the server closed the connection. */
  closed(timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    return within(this.#closed, timeoutMs, "the connection to close");
  }

  /** Drops the connection. */
  close(): Promise<void> {
    this.socket.destroy();
    return this.closed();
  }

  /** Whether the server ended its side. */
  get ended(): boolean {
    return this.#ended;
  }

  async until(condition: () => boolean, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    let waiter = () => {};
    const met = new Promise<void>((resolve) => (waiter = () => condition() && resolve()));
    this.#waiters.add(waiter);
    waiter();
    try {
      await within(met, timeoutMs, `${what} (have ${JSON.stringify(this.events).slice(0, 300)})`);
    } finally {
      this.#waiters.delete(waiter);
    }
  }

  #feed(bytes: Uint8Array): void {
    this.events.push(...this.#decoder.feed(bytes));
    this.#wake();
  }

  #wake(): void {
    for (const waiter of this.#waiters) waiter();
  }
}
