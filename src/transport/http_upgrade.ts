/**
 * The HTTP side of a port that speaks WebSocket: one request head read, then a WebSocket
 * connection of the layer, a page, or an error answer.
 *
 * @module
 */
import type { Clock } from "../core/clock.ts";
import { HandshakeReader, switchingProtocolsResponse } from "../websocket/handshake.ts";
import { headError, type HttpRequestHead } from "../websocket/http_head.ts";
import { errorResponse, upgradeRequiredResponse } from "../websocket/http_response.ts";
import type { OpenSocket, Socket, SocketHandlers } from "./socket.ts";
import type { WebSocketOptions } from "./websocket_options.ts";
import { openWebSocket } from "./websocket_socket.ts";

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
 * complete within `handshakeTimeoutMs` (with `408`).
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
): SocketHandlers {
  const reader = new HandshakeReader();
  let layer: SocketHandlers | undefined;
  let answered = false;
  const answer = (bytes: Uint8Array) => {
    cancel();
    answered = true;
    raw.write(bytes);
    raw.end();
  };
  const { clock } = options;
  const cancel = clock.schedule(clock.now() + options.handshakeTimeoutMs, () => {
    if (!answered && !layer) answer(errorResponse(headError(408, "request head too slow")));
  });
  return {
    data(bytes) {
      if (layer) return layer.data(bytes);
      if (answered) return DONE;
      const result = reader.feed(bytes);
      if (result.kind === "incomplete") return DONE;
      if (result.kind !== "upgrade") {
        const page = result.kind === "request" ? options.page?.(result.request) : undefined;
        answer(result.kind === "error" ? errorResponse(result) : page ?? upgradeRequiredResponse());
        return DONE;
      }
      cancel();
      raw.write(switchingProtocolsResponse(result.key));
      layer = openWebSocket(raw, open, options.websocket, options.clock);
      // Frames sent right behind the head.
      return result.rest.length > 0 ? layer.data(result.rest) : DONE;
    },
    end() {
      cancel();
      if (layer) layer.end();
      else raw.end();
    },
    error(error) {
      cancel();
      layer?.error(error);
    },
    closed() {
      cancel();
      layer?.closed();
    },
  };
}
