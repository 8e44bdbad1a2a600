/**
 * Opening a WebSocket connection of the layer on a raw socket whose handshake is done, and
 * what the WebSocket connections of a port share.
 *
 * @module
 */
import type { Clock } from "../core/clock.ts";
import { ByteSlab } from "../websocket/byte_slab.ts";
import { KeepAlive } from "./keep_alive.ts";
import type { OpenSocket, Socket, SocketHandlers } from "./socket.ts";
import { DEFAULT_PING_INTERVAL_MS, type WebSocketOptions } from "./websocket_options.ts";
import { WebSocketSocket } from "./websocket_socket.ts";
import { FramingCache } from "./zero_framing.ts";

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
 * import { openWebSocket } from "./open_websocket.ts";
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
 * import { WebSocketPort } from "./open_websocket.ts";
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
