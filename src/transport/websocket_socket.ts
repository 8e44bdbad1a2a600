/**
 * A WebSocket connection as one more socket record of the layer, the same on every runtime:
 * frames in and out over the raw socket of a TCP connection whose handshake is done.
 * `open_websocket.ts` makes one for a connection and feeds it the raw socket's reads.
 *
 * @module
 */
import { CloseCode } from "../websocket/close_codes.ts";
import { FrameDecoder } from "../websocket/frame_decoder.ts";
import { encodeClose, encodePing, encodePong } from "../websocket/frame_encoder.ts";
import type { KeepAlivePeer } from "./keep_alive.ts";
import type { WebSocketOptions } from "./websocket_options.ts";
import type { Socket, SocketHandlers } from "./socket.ts";
import type { WebSocketPort } from "./open_websocket.ts";
import { concat } from "./concat_bytes.ts";
import { type FramingCache, StreamLimit, TextFramer } from "./zero_framing.ts";

/**
 * The socket record the layer writes to; `openWebSocket` feeds it the reads.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WebSocketPort } from "./open_websocket.ts";
 * import { WebSocketSocket } from "./websocket_socket.ts";
 * const wire: Uint8Array[] = [];
 * const raw = { write: (bytes: Uint8Array) => void wire.push(bytes), unsentBytes: 0,
 *   drained: () => Promise.resolve(), end() {}, abort() {} };
 * const socket = new WebSocketSocket(raw, {}, new WebSocketPort());
 * socket.write(new TextEncoder().encode('{"a":1}\0'));
 * assert.equal(socket.unsentBytes, 8); // held until the client's first frame picks the mode
 * socket.end(); // no frame came: what was held goes as text, then the close frame
 * assert.equal(wire.length, 2);
 * ```
 */
export class WebSocketSocket implements Socket, KeepAlivePeer {
  readonly #raw: Socket;
  readonly #decoder: FrameDecoder;
  #mode: "message" | "stream" | undefined;
  /** Writes made before the mode was known. */
  #held: Uint8Array[] | undefined;
  #heldBytes = 0;
  readonly #framing: FramingCache;
  readonly #framer: TextFramer;
  readonly #streamLimit: StreamLimit;
  /** Set once a close frame is sent (or the socket aborted): nothing more goes out. */
  #closed = false;
  /** The code of the peer's close frame, echoed in ours. */
  #peerCode: number | undefined;
  /**
   * Why the peer broke the protocol, once it has: our close frame carries it, after the
   * answers to the messages read before the fault, when the layer ends the connection.
   */
  #fault: { code: number; reason: string } | undefined;
  #layer: SocketHandlers | undefined;
  heard = false;
  pinged = false;

  constructor(raw: Socket, options: WebSocketOptions, port: WebSocketPort) {
    this.#raw = raw;
    this.#framing = port.framing;
    this.#framer = new TextFramer(port.framing);
    this.#decoder = new FrameDecoder({
      ...options,
      binary: "stream",
      text: "zero-terminated",
      allocator: port.slab,
    });
    this.#streamLimit = new StreamLimit(this.#decoder.maxMessageBytes);
  }

  get unsentBytes(): number {
    return this.#raw.unsentBytes + this.#heldBytes;
  }

  drained(): Promise<void> {
    return this.#raw.drained();
  }

  write(bytes: Uint8Array): void {
    if (this.#closed) return;
    if (this.#mode === undefined) {
      (this.#held ??= []).push(bytes);
      this.#heldBytes += bytes.length;
    } else if (this.#mode === "stream") {
      this.#raw.write(this.#framing.binary(bytes));
    } else {
      const frames = this.#framer.frames(bytes);
      if (frames) this.#raw.write(frames);
    }
  }

  end(): void {
    if (this.#closed) return;
    if (this.#mode === undefined) this.#pick("message"); // what was held goes as text
    if (this.#fault) return this.#close(this.#fault.code, this.#fault.reason);
    this.#close(this.#peerCode === CloseCode.NoStatus ? undefined : this.#peerCode ?? 1000);
  }

  abort(): void {
    this.#closed = true;
    this.#raw.abort();
  }

  /** The layer's side of this socket, which a silent peer is reported to. */
  attach(layer: SocketHandlers): SocketHandlers {
    return this.#layer = layer;
  }

  ping(): void {
    if (!this.#closed) this.#raw.write(encodePing());
  }

  silent(): void {
    this.abort();
    this.#layer?.error(new Error("WebSocket silent after a ping"));
  }

  /** Decodes a read; the messages in it reach the layer as one read before any end. */
  async read(bytes: Uint8Array, layer: SocketHandlers): Promise<void> {
    if (this.#fault) return; // nothing after a fault is read
    const parts: Uint8Array[] = [];
    let failure: Error | undefined;
    let ended = false;
    for (const event of this.#decoder.feed(bytes)) {
      if (event.type === "terminated") {
        if (!this.#pick("message")) {
          failure = this.#fail(CloseCode.UnsupportedData, "text frame in stream mode");
        } else if (event.data.indexOf(0) !== event.data.length - 1) {
          failure = this.#fail(CloseCode.InvalidPayload, "a zero byte inside a text message");
        } else {
          // The message with its zero byte, as the decoder held it: no decode, no copy.
          parts.push(event.data);
        }
      } else if (event.type === "chunk") {
        if (!this.#pick("stream")) {
          failure = this.#fail(CloseCode.UnsupportedData, "binary frame in message mode");
        } else if (!this.#streamLimit.accepts(event.data)) {
          const limit = this.#streamLimit.maxMessageBytes;
          failure = this.#fail(CloseCode.MessageTooBig, `message over ${limit} bytes`);
        } else {
          parts.push(event.data);
        }
      } else if (event.type === "ping") {
        if (!this.#closed) this.#raw.write(encodePong(event.data));
      } else if (event.type === "close") {
        this.#peerCode = event.code;
        ended = true;
      } else if (event.type === "error") {
        failure = this.#fail(event.code, event.reason);
      }
      if (failure) break;
    }
    if (parts.length > 0) await layer.data(parts.length === 1 ? parts[0] : concat(parts));
    // The peer's close is its end of stream: the server's answers still go out before ours.
    if (failure) layer.error(failure);
    else if (ended) layer.end();
  }

  /** Sets the mode, or checks it; once set, what was held goes out in it. */
  #pick(mode: "message" | "stream"): boolean {
    if (this.#mode !== undefined) return this.#mode === mode;
    this.#mode = mode;
    const held = this.#held ?? [];
    this.#held = undefined;
    this.#heldBytes = 0;
    for (const bytes of held) this.write(bytes);
    return true;
  }

  /** Records the fault; the layer, told of it, ends the connection, and `end` says why. */
  #fail(code: number, reason: string): Error {
    this.#fault ??= { code, reason };
    return new Error(`WebSocket closed with ${code}: ${reason}`);
  }

  #close(code?: number, reason = ""): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#raw.write(encodeClose(code, reason.slice(0, 100)));
    this.#raw.end();
  }
}
