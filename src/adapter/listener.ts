/**
 * What the Node and Deno adapters share: their options, the {@linkcode Listener} they return,
 * and the steps around a socket that do not depend on the runtime. Each adapter only maps its
 * runtime's sockets onto the core's {@linkcode Connection}.
 *
 * @module
 */
import type { Connection, ConnectionEvents } from "../core/connection.ts";
import { type Logger, silentLogger } from "../core/logger.ts";
import type { Server } from "../core/server.ts";

/** Options of the adapters' `serve`. */
export interface ServeOptions {
  /** The address to listen on. Default {@linkcode DEFAULT_HOSTNAME}: this machine only. */
  hostname?: string;
  /** The port to listen on; 0 picks a free one. Default {@linkcode DEFAULT_PORT}. */
  port?: number;
  /** Where the adapter logs what the core does not see (refused sockets, accept errors). */
  logger?: Logger;
  /**
   * How long closing a connection waits for the peer to take what is still queued before
   * the socket is dropped. Default {@linkcode DEFAULT_CLOSE_TIMEOUT_MS}.
   */
  closeTimeoutMs?: number;
}

/** A server listening on a TCP port, as the adapters' `serve` returns it. */
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
/** How long a closing connection may take to flush by default, in milliseconds. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 2000;

/** The options of `serve` with every default filled in. */
export function serveDefaults(options: ServeOptions): Required<ServeOptions> {
  return {
    hostname: options.hostname ?? DEFAULT_HOSTNAME,
    port: options.port ?? DEFAULT_PORT,
    logger: options.logger ?? silentLogger,
    closeTimeoutMs: options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS,
  };
}

/** What an adapter gives {@linkcode createListener} about its listening socket. */
export interface BoundSocket {
  readonly hostname: string;
  readonly port: number;
  /** Stops taking new connections (those already accepted stay). */
  stopAccepting(): void;
  /** Resolves once every connection the adapter accepted is closed. */
  settled(): Promise<void>;
}

/** Builds the {@linkcode Listener} of an adapter: stop accepting, shut down, wait for sockets. */
export function createListener<S>(server: Server<S>, bound: BoundSocket): Listener {
  let closing: Promise<void> | undefined;
  return {
    hostname: bound.hostname,
    port: bound.port,
    close: () =>
      closing ??= (async () => {
        bound.stopAccepting();
        await server.shutdown();
        await bound.settled();
      })(),
  };
}

/**
 * The events a socket reports, guarded so that the core hears of the socket's end at most
 * once (a socket may report an error, then its close) and so that no rejection goes unhandled.
 */
export interface SocketEvents {
  readonly index: number;
  data(bytes: Uint8Array): Promise<void>;
  /** The peer ended or the socket closed: queued after the data already reported. */
  end(): Promise<void>;
  /** The socket failed: the connection is dropped at once. */
  error(error: unknown): Promise<void>;
}

/**
 * Hands a new socket to the server. Returns its guarded events, or undefined when the server
 * is shutting down, in which case `refuse` has been called to drop the socket.
 */
export function acceptSocket<S>(
  server: Server<S>,
  connection: Connection,
  refuse: () => void,
  logger: Logger,
): SocketEvents | undefined {
  let events: ConnectionEvents;
  try {
    events = server.accept(connection);
  } catch (error) {
    logger.debug("connection refused", { reason: String(error) });
    refuse();
    return undefined;
  }
  let ended = false;
  const guard = (promise: Promise<void>) =>
    promise.catch((error) => {
      logger.error("connection event failed", { index: events.index, reason: String(error) });
    });
  const once = (report: () => Promise<void>) => {
    if (ended) return Promise.resolve();
    ended = true;
    return guard(report());
  };
  return {
    index: events.index,
    data: (bytes) => guard(events.data(bytes)),
    end: () => once(() => events.end()),
    error: (error) => once(() => events.error(error)),
  };
}

/**
 * Waits for `promise` (its rejection counts as settling) at most `ms` milliseconds, and calls
 * `onTimeout` if the time runs out first.
 */
export async function settleWithin(
  promise: Promise<unknown>,
  ms: number,
  onTimeout: () => void,
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, ms, true)));
  const settled = promise.then(() => false, () => false);
  try {
    if (await Promise.race([settled, timeout])) onTimeout();
  } finally {
    clearTimeout(timer);
  }
}
