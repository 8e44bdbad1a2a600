/**
 * The WebSocket clients of the load process: by default the light one over `node:net`
 * (bench/ws_net_client.ts, on the project's own codec), or, with `ws`, one on the `ws`
 * package (an independent implementation, so the server is measured against a client it does
 * not share code with, at about twice the load process's CPU per delivery). In text mode every protocol message is a text frame; in stream mode the zero-byte stream
 * travels in binary frames, as the server then answers.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import WebSocket from "ws";
import type { LoadClient } from "./load_clients.ts";
import { openNetWebSocketClient } from "./ws_net_client.ts";
import { StreamCounted } from "./zero_stream.ts";

/** What the client sends and expects: a text frame per message, or the stream in binary. */
export type WebSocketMode = "text" | "stream";

/** Which WebSocket client the load process uses. */
export type WebSocketClientKind = "ws" | "net";

/** Opens one client of the `kind` asked for to `host`:`port`, resolving once upgraded. */
export function openWebSocket(
  kind: WebSocketClientKind,
  host: string,
  port: number,
  mode: WebSocketMode,
): Promise<LoadClient> {
  return kind === "net"
    ? openNetWebSocketClient(host, port, mode)
    : openWebSocketClient(`ws://${host}:${port}/`, mode);
}

/**
 * Opens one `ws` client to `url` and resolves once the handshake is done. Without
 * permessage-deflate (the server offers none) and without UTF-8 checks on what arrives: the
 * load process counts, the conformance tests check.
 */
export function openWebSocketClient(url: string, mode: WebSocketMode): Promise<LoadClient> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
    socket.once("error", reject);
    socket.once("open", () => {
      socket.off("error", reject).on("error", () => socket.terminate());
      resolve(new WebSocketLoadClient(socket, mode));
    });
  });
}

class WebSocketLoadClient extends StreamCounted implements LoadClient {
  onData: (() => void) | undefined;
  paced = false;
  /** Text mode counts frames; stream mode the messages of the stream. */
  readonly #socket: WebSocket;
  readonly #mode: WebSocketMode;

  constructor(socket: WebSocket, mode: WebSocketMode) {
    super();
    this.#socket = socket;
    this.#mode = mode;
    socket.on("message", (data: Buffer) => {
      const before = this.stream.received;
      if (mode === "stream") this.stream.take(data);
      else {
        this.stream.received++;
        this.stream.onMessage?.(JSON.parse(data.toString()));
      }
      if (this.paced && !socket.isPaused) socket.pause();
      if (this.stream.received !== before) this.onData?.();
    });
  }

  get open(): boolean {
    return this.#socket.readyState === WebSocket.OPEN;
  }

  /** Reads again after a paced read: what piled up meanwhile arrives in few reads. */
  resume(): void {
    if (this.#socket.isPaused) this.#socket.resume();
  }

  send(command: Record<string, unknown>): void {
    const text = JSON.stringify(command);
    if (this.#mode === "text") this.#socket.send(text);
    else this.#socket.send(Buffer.from(text + "\0"), { binary: true });
  }

  close(): void {
    this.#socket.terminate();
  }
}
