/**
 * What a link is to the rest of the simulator: its states, the faults that strike at a moment
 * of the core, and what it reports to its client.
 *
 * @module
 */
import type { Socket, SocketHandlers } from "../../mod.ts";

/** The server side's state: `closing` takes no writes but still flushes. */
export type LinkState = "connecting" | "open" | "closing" | "closed" | "broken";

/** Faults that strike at a moment of the core rather than at a time. */
export interface LinkTriggers {
  /** Vanish right after onConnect returns, before its result is sent. */
  abortAfterConnect: boolean;
  /** Reset just before the server's n-th write (1-based), which then throws; 0: never. */
  resetBeforeWrite: number;
  /** Vanish as soon as a drain has to wait. */
  abortWhileDraining: boolean;
  /**
   * Vanish right after the server's n-th write (1-based) is queued, while the core is still
   * in its send: the bytes never arrive, and the core hears of it from the failed drain or,
   * a microsecond later, from the reset. 0: never.
   */
  abortAfterWrite: number;
}

/** What a link reports to its client. */
export interface LinkPeer {
  /** The client read these bytes. */
  read(bytes: Uint8Array): void;
  /** The server closed (or refused) the connection and the client has read everything. */
  ended(): void;
  /** Opens the server side: hands the socket to the connection layer, returns its handlers. */
  accept(socket: Socket): SocketHandlers;
  /** The core wrote these bytes to its connection (they are on their way). */
  written(bytes: Uint8Array): void;
}
