/**
 * What can be set about the WebSocket connections of a port.
 *
 * @module
 */

/** Limits of the WebSocket connections of a port. */
export interface WebSocketOptions {
  /** Largest text message in bytes (the zero byte not counted); larger is closed with 1009. */
  readonly maxMessageBytes?: number;
  /** Most frames in one message; more is closed with 1008. Default 1024. */
  readonly maxFragments?: number;
  /**
   * How often the connections of a port are checked (with a clock only): one that sent
   * nothing since the last check is pinged, and reset if it is still silent at the next.
   * 0 turns it off. Default 30 s.
   */
  readonly pingIntervalMs?: number;
}

/**
 * The default of {@linkcode WebSocketOptions.pingIntervalMs}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_PING_INTERVAL_MS } from "./websocket_options.ts";
 * assert.equal(DEFAULT_PING_INTERVAL_MS, 30_000);
 * ```
 */
export const DEFAULT_PING_INTERVAL_MS = 30_000;
