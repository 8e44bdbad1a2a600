/**
 * A light WebSocket client of the load process, over plain `node:net`: the handshake and the
 * masked client frames come from the project's codec (src/websocket), the server's frames are
 * read by {@linkcode ServerFrameReader}. It reads into one buffer shared by every client, as
 * the TCP clients do, so that a delivery costs the load process about what a TCP one does.
 * In text mode every protocol message is a text frame; in stream mode the zero-byte stream
 * travels in binary frames.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { connect, type Socket } from "node:net";
import { handshakeKey, upgradeRequest, UpgradeResponseReader } from "../src/websocket/mod.ts";
import { encodeClientFrame } from "../src/websocket/frame_encoder.ts";
import { Opcode } from "../src/websocket/opcode.ts";
import type { LoadClient } from "./load_clients.ts";
import { type FrameSink, ServerFrameReader } from "./ws_frame_reader.ts";
import type { WebSocketMode } from "./ws_load_client.ts";
import { StreamCounted } from "./zero_stream.ts";

/** One read buffer for every client: a read is consumed before the next one starts. */
const readBuffer = Buffer.alloc(256 * 1024);
const decoder = new TextDecoder();
/** A whole text frame's first byte: FIN and the text opcode. */
const FINAL_TEXT = 0x80 | Opcode.Text;

/**
 * Opens one client to `host`:`port` over `node:net` and resolves once the server accepted
 * the upgrade; rejects if it refused it.
 */
export function openNetWebSocketClient(
  host: string,
  port: number,
  mode: WebSocketMode,
): Promise<LoadClient> {
  return new Promise((resolve, reject) => {
    const key = handshakeKey();
    const handshake = new UpgradeResponseReader(key);
    let client: NetWebSocketClient | undefined;
    const socket: Socket = connect({
      host,
      port,
      noDelay: true,
      onread: {
        buffer: readBuffer,
        callback: (size, buffer) => {
          const bytes = buffer.subarray(0, size);
          if (client) return client.read(bytes);
          const answer = handshake.feed(bytes);
          if (answer.kind === "incomplete") return true;
          if (answer.kind === "refused") {
            socket.destroy();
            reject(new Error(`upgrade refused: ${answer.status} ${answer.reason}`));
            return false;
          }
          socket.off("error", reject).on("error", () => socket.destroy());
          client = new NetWebSocketClient(socket, mode);
          resolve(client);
          return client.read(answer.rest);
        },
      },
    });
    socket.once("error", reject);
    socket.once("connect", () => socket.write(upgradeRequest({ host: `${host}:${port}`, key })));
  });
}

class NetWebSocketClient extends StreamCounted implements LoadClient, FrameSink {
  onData: (() => void) | undefined;
  paced = false;
  /** Text mode counts frames; stream mode the messages of the stream. */
  readonly #reader = new ServerFrameReader(this);
  readonly #socket: Socket;
  readonly #mode: WebSocketMode;
  /** A fixed masking key per connection: the benchmark needs masked frames, not secret ones. */
  readonly #mask = crypto.getRandomValues(new Uint8Array(4));
  /** The pieces of a text frame or a ping cut across reads, while decoding. */
  #pieces: Uint8Array[] = [];

  constructor(socket: Socket, mode: WebSocketMode) {
    super();
    this.#socket = socket;
    this.#mode = mode;
  }

  get open(): boolean {
    return this.#socket.readyState === "open";
  }

  /** Takes one read; returns false to stop reading (Node's `onread` contract). */
  read(bytes: Uint8Array): boolean {
    const before = this.stream.received;
    this.#reader.take(bytes);
    if (this.stream.received !== before) this.onData?.();
    return !this.paced;
  }

  payload(first: number, bytes: Uint8Array, start: number, end: number, last: boolean): void {
    const opcode = first & 0xf;
    if (opcode === Opcode.Binary || (opcode === Opcode.Continuation && this.#mode === "stream")) {
      this.stream.take(bytes.subarray(start, end) as Buffer);
      return;
    }
    if (first === FINAL_TEXT && last && this.#pieces.length === 0 && !this.stream.onMessage) {
      // Counted without a view of the payload: what a TCP client's count costs, about.
      this.stream.received++;
      return;
    }
    const whole = this.#gather(bytes.subarray(start, end), last);
    if (whole === undefined) return;
    if (opcode === Opcode.Text || opcode === Opcode.Continuation) {
      // The server sends every message as one text frame: a fragment is not a message.
      if ((first & 0x80) === 0) throw new Error("a fragmented text message from the server");
      this.stream.received++;
      this.stream.onMessage?.(JSON.parse(decoder.decode(whole)));
    } else if (opcode === Opcode.Ping) {
      this.#write(Opcode.Pong, whole);
    } else if (opcode === Opcode.Close) {
      this.#socket.destroy();
    }
  }

  /** The whole payload once its last piece came, copying only the pieces of a cut one. */
  #gather(piece: Uint8Array, last: boolean): Uint8Array | undefined {
    if (!last) return void this.#pieces.push(Uint8Array.from(piece));
    if (this.#pieces.length === 0) return piece;
    const whole = Buffer.concat([...this.#pieces, piece]);
    this.#pieces = [];
    return whole;
  }

  resume(): void {
    this.#socket.resume();
  }

  send(command: Record<string, unknown>): void {
    const text = JSON.stringify(command);
    if (this.#mode === "text") this.#write(Opcode.Text, Buffer.from(text));
    else this.#write(Opcode.Binary, Buffer.from(text + "\0"));
  }

  #write(opcode: number, payload: Uint8Array): void {
    this.#socket.write(encodeClientFrame(opcode, payload, this.#mask));
  }

  close(): void {
    this.#socket.destroy();
  }
}
