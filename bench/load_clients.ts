/**
 * The clients of the load process: zero-byte framed JSON over TCP (the framework and the raw
 * baseline), Socket.IO, and WebSocket (bench/ws_load_client.ts). Each counts the messages it receives as cheaply as it can, and
 * decodes them only when asked to (`onMessage` set), so that the load process is not what
 * limits the throughput measured.
 *
 * @module
 */
import { connect, type Socket } from "node:net";
import { io, type Socket as IoSocket } from "socket.io-client";
import { openWebSocket, type WebSocketClientKind } from "./ws_load_client.ts";
import { StreamCounted } from "./zero_stream.ts";

/** One message received, as decoded: a command object or an array of them. */
export type Received = unknown;

/** A client of the load process. */
export interface LoadClient {
  /** Messages received so far. */
  readonly received: number;
  /** Called after each read that completed messages (each message, for Socket.IO). */
  onData: (() => void) | undefined;
  /** When set, every message is decoded and handed to it; otherwise only counted. */
  onMessage: ((message: Received) => void) | undefined;
  /**
   * When true, the client stops reading after each read until {@linkcode LoadClient.resume}:
   * reads then take whatever piled up, as a remote client's would, instead of waking the
   * load process once per message. Only zero-byte clients pace; Socket.IO ignores it.
   */
  paced: boolean;
  /** Reads again after a paced read. */
  resume(): void;
  /** Whether the connection is still open (the server has not closed it). */
  readonly open: boolean;
  /** Sends one command. */
  send(command: Record<string, unknown>): void;
  /** Closes the connection. */
  close(): void;
}

/**
 * How the load process speaks to a server under test: zero-byte framed JSON over TCP,
 * Socket.IO, or WebSocket with one text frame per message (`websocket`) or the zero-byte
 * stream in binary frames (`websocket-stream`).
 */
export type Wire = "zerobyte" | "socketio" | "websocket" | "websocket-stream";

/** The address every benchmark uses: loopback only. */
export const HOST = "127.0.0.1";

/**
 * Opens one client and resolves once it is connected (for Socket.IO, once it joined `/`);
 * `ws` picks the WebSocket client.
 */
export function connectClient(
  wire: Wire,
  port: number,
  ws: WebSocketClientKind = "net",
): Promise<LoadClient> {
  if (wire === "zerobyte") return TcpLoadClient.open(port);
  if (wire === "socketio") return SocketIoLoadClient.open(port);
  return openWebSocket(ws, HOST, port, wire === "websocket" ? "text" : "stream");
}

/** Opens `count` clients, at most `concurrency` connecting at a time, in a stable order. */
export async function connectClients(
  wire: Wire,
  port: number,
  count: number,
  concurrency = 100,
  ws: WebSocketClientKind = "net",
): Promise<LoadClient[]> {
  const clients: LoadClient[] = [];
  for (let first = 0; first < count; first += concurrency) {
    const batch = Math.min(concurrency, count - first);
    const opened = Array.from({ length: batch }, () => connectClient(wire, port, ws));
    clients.push(...await Promise.all(opened));
  }
  return clients;
}

/**
 * One read buffer for every TCP client of the process: a read is consumed before the next
 * one starts, and skipping the stream machinery keeps the load process cheap.
 */
const readBuffer = Buffer.alloc(256 * 1024);

/** A zero-byte framed JSON client over `node:net`. */
class TcpLoadClient extends StreamCounted implements LoadClient {
  onData: (() => void) | undefined;
  paced = false;

  private constructor(readonly socket: Socket) {
    super();
  }

  static open(port: number): Promise<LoadClient> {
    return new Promise((resolve, reject) => {
      let client: TcpLoadClient | undefined;
      const socket = connect({
        host: HOST,
        port,
        noDelay: true,
        onread: {
          buffer: readBuffer,
          callback: (size, buffer) => client?.read(buffer, size) !== false,
        },
      });
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject).on("error", () => socket.destroy());
        resolve(client = new TcpLoadClient(socket));
      });
    });
  }

  send(command: Record<string, unknown>): void {
    this.socket.write(JSON.stringify(command) + "\0");
  }

  close(): void {
    this.socket.destroy();
  }

  resume(): void {
    this.socket.resume();
  }

  get open(): boolean {
    return this.socket.readyState === "open";
  }

  /** Takes one read; returns false to stop reading (Node's `onread` contract). */
  read(buffer: Uint8Array, size: number): boolean {
    const before = this.stream.received;
    this.stream.take(buffer.subarray(0, size) as Buffer);
    if (this.stream.received !== before) this.onData?.();
    return !this.paced;
  }
}

/** A Socket.IO client over WebSocket: commands go out as `command`, replies come as `message`. */
class SocketIoLoadClient implements LoadClient {
  received = 0;
  onData: (() => void) | undefined;
  onMessage: ((message: Received) => void) | undefined;
  paced = false;

  private constructor(readonly socket: IoSocket) {
    socket.on("message", (message: Received) => {
      this.received++;
      this.onMessage?.(message);
      this.onData?.();
    });
  }

  static open(port: number): Promise<LoadClient> {
    return new Promise((resolve, reject) => {
      const socket = io(`http://${HOST}:${port}`, {
        transports: ["websocket"],
        forceNew: true,
        reconnection: false,
      });
      socket.once("connect_error", reject);
      socket.once("connect", () => {
        socket.off("connect_error", reject);
        resolve(new SocketIoLoadClient(socket));
      });
    });
  }

  resume(): void {}

  get open(): boolean {
    return this.socket.connected;
  }

  send(command: Record<string, unknown>): void {
    this.socket.emit("command", command);
  }

  close(): void {
    this.socket.disconnect();
  }
}
