/**
 * The HTTP side of a port that speaks WebSocket: one request head read, then a WebSocket
 * connection of the layer, a page, or an error answer.
 *
 * @module
 */
import type { Cancel, Clock } from "../core/clock.ts";
import { HandshakeReader, switchingProtocolsResponse } from "../websocket/handshake.ts";
import { headError, type HttpRequestHead } from "../websocket/http_head.ts";
import { errorResponse, upgradeRequiredResponse } from "../websocket/http_response.ts";
import type { OpenSocket, Socket, SocketHandlers } from "./socket.ts";
import type { WebSocketOptions } from "./websocket_options.ts";
import { openWebSocket, WebSocketPort } from "./open_websocket.ts";

/**
 * Answers a plain `GET` (one without upgrade) with the bytes of a whole response (see
 * `httpResponse`), or `undefined` for the default: `426 Upgrade Required`, as every path
 * takes WebSocket upgrades.
 */
export type PageHandler = (request: HttpRequestHead) => Uint8Array | undefined;

/** What {@linkcode openHttp} needs. */
export interface HttpOptions {
  /** Runs the handshake timeout. */
  readonly clock: Clock;
  /** How long the request head may take to arrive whole before the socket is closed. */
  readonly handshakeTimeoutMs: number;
  readonly page?: PageHandler;
  readonly websocket?: WebSocketOptions;
}

/** How long a request head may take by default, in milliseconds. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5000;

const DONE = Promise.resolve();

/**
 * Reads one request head from `raw` and answers it: a valid upgrade gets `101` and becomes a
 * WebSocket connection of the layer (`open` makes it); a plain `GET` gets its page; anything
 * else its error status. Every answer but `101` closes the socket, and so does a head not
 * complete within `handshakeTimeoutMs` (with `408`). The sockets of a port share one
 * `port` (see `openWebSocket`). The result's methods are to be called on it, not detached.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ManualClock } from "../../mod.ts";
 * import { openHttp } from "./http_upgrade.ts";
 * const wire: string[] = [];
 * let ended = false;
 * const raw = {
 *   write: (bytes: Uint8Array) => void wire.push(new TextDecoder().decode(bytes)),
 *   unsentBytes: 0,
 *   drained: () => Promise.resolve(),
 *   end: () => void (ended = true),
 *   abort() {},
 * };
 * const clock = new ManualClock();
 * const events = openHttp(raw, () => assert.fail("not an upgrade"), {
 *   clock,
 *   handshakeTimeoutMs: 5000,
 * });
 * await events.data(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
 * assert.ok(wire[0].startsWith("HTTP/1.1 426 Upgrade Required\r\n"));
 * assert.equal(ended, true);
 * ```
 */
export function openHttp(
  raw: Socket,
  open: OpenSocket,
  options: HttpOptions,
  port: WebSocketPort = new WebSocketPort(options.websocket, options.clock),
): SocketHandlers {
  return new HttpSocket(raw, open, options, port);
}

/**
 * One socket of {@linkcode openHttp}. What only the handshake needs (the head reader, the
 * timer) is let go once it is done: a WebSocket connection keeps nothing of it. Its methods
 * are called on it, never detached: an object per socket rather than a closure per event.
 */
class HttpSocket implements SocketHandlers {
  readonly #raw: Socket;
  readonly #open: OpenSocket;
  readonly #options: HttpOptions;
  readonly #port: WebSocketPort;
  #reader: HandshakeReader | undefined = new HandshakeReader();
  #cancel: Cancel | undefined;
  #layer: SocketHandlers | undefined;

  constructor(raw: Socket, open: OpenSocket, options: HttpOptions, port: WebSocketPort) {
    this.#raw = raw;
    this.#open = open;
    this.#options = options;
    this.#port = port;
    const { clock } = options;
    this.#cancel = clock.schedule(clock.now() + options.handshakeTimeoutMs, () => {
      if (this.#reader) this.#answer(errorResponse(headError(408, "request head too slow")));
    });
  }

  data(bytes: Uint8Array): Promise<void> {
    if (this.#layer) return this.#layer.data(bytes);
    const result = this.#reader?.feed(bytes);
    if (result === undefined || result.kind === "incomplete") return DONE;
    if (result.kind !== "upgrade") {
      const page = result.kind === "request" ? this.#options.page?.(result.request) : undefined;
      this.#answer(
        result.kind === "error" ? errorResponse(result) : page ?? upgradeRequiredResponse(),
      );
      return DONE;
    }
    this.#done();
    this.#raw.write(switchingProtocolsResponse(result.key));
    const { websocket, clock } = this.#options;
    this.#layer = openWebSocket(this.#raw, this.#open, websocket, clock, this.#port);
    // Frames sent right behind the head.
    return result.rest.length > 0 ? this.#layer.data(result.rest) : DONE;
  }

  end(): void {
    this.#done();
    if (this.#layer) this.#layer.end();
    else this.#raw.end();
  }

  error(error: unknown): void {
    this.#done();
    this.#layer?.error(error);
  }

  closed(): void {
    this.#done();
    this.#layer?.closed();
  }

  /** Every answer but 101 closes the socket. */
  #answer(bytes: Uint8Array): void {
    this.#done();
    this.#raw.write(bytes);
    this.#raw.end();
  }

  /** The head is read (or never will be): no more timeout, no more reader. */
  #done(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    this.#reader = undefined;
  }
}
