/**
 * A WebSocket connection as one more socket record of the layer, the same on every runtime:
 * frames in and out over the raw socket of a TCP connection whose handshake is done.
 *
 * @module
 */
import { CloseCode } from "../websocket/close_codes.ts";
import { ByteSlab } from "../websocket/byte_slab.ts";
import { FrameDecoder } from "../websocket/frame_decoder.ts";
import { encodeClose, encodePing, encodePong } from "../websocket/frame_encoder.ts";
import type { Clock } from "../core/clock.ts";
import { KeepAlive, type KeepAlivePeer } from "./keep_alive.ts";
import { DEFAULT_PING_INTERVAL_MS, type WebSocketOptions } from "./websocket_options.ts";
import type { OpenSocket, Socket, SocketHandlers } from "./socket.ts";
import { concat } from "./concat_bytes.ts";
import { FramingCache, StreamLimit, TextFramer } from "./zero_framing.ts";

/**
 * Speaks WebSocket on `raw` for the layer's connection that `open` makes of it: returns what
 * the raw socket's events go to. The client's first data frame picks the mode for good: text
 * frames are one protocol message each (message mode), binary frames carry the zero-byte
 * stream as it is (stream mode); the server answers in kind, and a frame of the other kind is
 * closed with 1003. What the server writes before the mode is known waits for it. With a
 * `clock`, idle connections are pinged. The connections of a port share one `port`: a write
 * handed to every member of a room is framed once, and one timer pings them all. The result's
 * methods are to be called on it (as `events.data(bytes)`), not detached.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeClientFrame } from "../websocket/frame_encoder.ts";
 * import { openWebSocket } from "./websocket_socket.ts";
 * const wire: Uint8Array[] = [];
 * const raw = { write: (bytes: Uint8Array) => void wire.push(bytes), unsentBytes: 0,
 *   drained: () => Promise.resolve(), end() {}, abort() {} };
 * const heard: string[] = [];
 * const events = openWebSocket(raw, (socket) => ({
 *   data: (bytes) => {
 *     heard.push(new TextDecoder().decode(bytes));
 *     socket.write(new TextEncoder().encode('{"a":1}\0{"b":2}\0'));
 *     return Promise.resolve();
 *   },
 *   end() {}, error() {}, closed() {},
 * }));
 * await events.data(encodeClientFrame(0x1, new TextEncoder().encode('{"code":"x"}')));
 * assert.deepEqual(heard, ['{"code":"x"}\0']);
 * const text = (frame: string) => new Uint8Array([0x81, frame.length, ...new TextEncoder().encode(frame)]);
 * assert.deepEqual(wire, [new Uint8Array([...text('{"a":1}'), ...text('{"b":2}')])]);
 * ```
 */
export function openWebSocket(
  raw: Socket,
  open: OpenSocket,
  options: WebSocketOptions = {},
  clock?: Clock,
  port: WebSocketPort = new WebSocketPort(options, clock),
): SocketHandlers {
  const socket = new WebSocketSocket(raw, options, port);
  const layer = socket.attach(open(socket));
  port.keepAlive?.watch(socket);
  return new WebSocketEvents(socket, layer, port.keepAlive);
}

/**
 * Where a WebSocket's raw socket events go. Its methods are called on it, never detached: an
 * object per connection rather than a closure per event, as idle connections are many.
 */
class WebSocketEvents implements SocketHandlers {
  readonly #socket: WebSocketSocket;
  readonly #layer: SocketHandlers;
  readonly #alive: KeepAlive | undefined;

  constructor(socket: WebSocketSocket, layer: SocketHandlers, alive: KeepAlive | undefined) {
    this.#socket = socket;
    this.#layer = layer;
    this.#alive = alive;
  }

  data(bytes: Uint8Array): Promise<void> {
    this.#socket.heard = true;
    return this.#socket.read(bytes, this.#layer);
  }

  end(): void {
    this.#layer.end();
  }

  error(error: unknown): void {
    this.#alive?.unwatch(this.#socket);
    this.#layer.error(error);
  }

  closed(): void {
    this.#alive?.unwatch(this.#socket);
    this.#layer.closed();
  }
}

/**
 * What the WebSocket connections of a port share: the last write framed, the slab their
 * reads are gathered in, and the timer that pings them (with a clock and a ping interval).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ManualClock } from "../../mod.ts";
 * import { WebSocketPort } from "./websocket_socket.ts";
 * assert.equal(new WebSocketPort({}, new ManualClock()).keepAlive?.size, 0);
 * assert.equal(new WebSocketPort({ pingIntervalMs: 0 }, new ManualClock()).keepAlive, undefined);
 * ```
 */
export class WebSocketPort {
  readonly framing: FramingCache = new FramingCache();
  /** Where the connections' decoders gather the messages they read. */
  readonly slab: ByteSlab = new ByteSlab();
  readonly keepAlive: KeepAlive | undefined;

  constructor(options: WebSocketOptions = {}, clock?: Clock) {
    const interval = options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS;
    this.keepAlive = clock && interval > 0 ? new KeepAlive(clock, interval) : undefined;
  }
}

/** The socket record the layer writes to; {@linkcode openWebSocket} feeds it the reads. */
class WebSocketSocket implements Socket, KeepAlivePeer {
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
