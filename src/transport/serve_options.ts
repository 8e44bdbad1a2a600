/**
 * What every runtime adapter's `serve` takes and returns.
 *
 * @module
 */
import { type Logger, silentLogger } from "../core/logger.ts";
import type { PortProtocol } from "./entrance.ts";
import { DEFAULT_HANDSHAKE_TIMEOUT_MS, type PageHandler } from "./http_upgrade.ts";
import { DEFAULT_CLOSE_TIMEOUT_MS } from "./transport.ts";
import type { WebSocketOptions } from "./websocket_options.ts";

/** Options of the adapters' `serve`. */
export interface ServeOptions {
  /** The address to listen on. Default {@linkcode DEFAULT_HOSTNAME}: this machine only. */
  hostname?: string;
  /** The port to listen on; 0 picks a free one. Default {@linkcode DEFAULT_PORT}. */
  port?: number;
  /** Where the connection layer logs what the core does not see (refusals, accept errors). */
  logger?: Logger;
  /**
   * How long closing a connection waits for the peer to take what is still queued before
   * the connection is reset. Default 2000 ms.
   */
  closeTimeoutMs?: number;
  /**
   * What the port speaks: `"raw"` (default) the zero-byte protocol only; `"sniff"` HTTP and
   * WebSocket too, for a socket whose first bytes are `GET ` (what the server sends before a
   * client's first byte then waits for it, up to a second); `"http"` HTTP and WebSocket only.
   */
  protocol?: PortProtocol;
  /** Answers plain `GET` requests; by default they get `426 Upgrade Required`. */
  page?: PageHandler;
  /**
   * Limits of WebSocket connections. `maxMessageBytes` defaults to the server's parser's
   * (a text message is one protocol message), or 64 KiB.
   */
  websocket?: WebSocketOptions;
  /** How long an HTTP request head may take to arrive. Default 5000 ms. */
  handshakeTimeoutMs?: number;
}

/** A server listening on a port, as the adapters' `serve` returns it. */
export interface Listener {
  /** The address it is bound to. */
  readonly hostname: string;
  /** The port it is bound to (the real one when 0 was asked for). */
  readonly port: number;
  /**
   * Stops accepting, then shuts the server down: every connection's onDisconnect runs and
   * what it was sent is flushed. Resolves once every socket is closed. Idempotent.
   */
  close(): Promise<void>;
}

/** The address the adapters listen on by default. */
export const DEFAULT_HOSTNAME = "127.0.0.1";
/** The port the adapters listen on by default. */
export const DEFAULT_PORT = 5554;

/**
 * The options of `serve` with every default filled in.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serveDefaults } from "./serve_options.ts";
 * const options = serveDefaults({ port: 0 });
 * assert.equal(options.hostname, "127.0.0.1");
 * assert.equal(options.closeTimeoutMs, 2000);
 * ```
 */
export function serveDefaults(
  options: ServeOptions,
): Required<Omit<ServeOptions, "page">> & ServeOptions {
  return {
    ...options,
    protocol: options.protocol ?? "raw",
    websocket: options.websocket ?? {},
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
    hostname: options.hostname ?? DEFAULT_HOSTNAME,
    port: options.port ?? DEFAULT_PORT,
    logger: options.logger ?? silentLogger,
    closeTimeoutMs: options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS,
  };
}
