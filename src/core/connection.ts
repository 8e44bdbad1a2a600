/**
 * All the server core knows of IO: a {@linkcode Connection} it writes to, and the
 * {@linkcode ConnectionEvents} the transport reports back. The Node and Deno adapters and
 * the simulator implement these.
 *
 * @module
 */
import type { Index } from "./types.ts";

/**
 * The writing side of one client connection, as a transport provides it.
 *
 * @example
 * ```ts
 * import type { Connection } from "../../mod.ts";
 * const sent: Uint8Array[] = [];
 * const inMemory: Connection = {
 *   bufferedBytes: 0,
 *   write: (bytes) => void sent.push(bytes),
 *   drain: () => Promise.resolve(),
 *   close: () => Promise.resolve(),
 * };
 * ```
 */
export interface Connection {
  /**
   * Bytes written and not yet taken by the transport (the kernel, or the simulated peer):
   * what the slow-consumer limits measure.
   */
  readonly bufferedBytes: number;
  /**
   * Queues bytes for sending. Throws if the connection can no longer be written (closed,
   * reset); never blocks. Adds at most `bytes.length` to `bufferedBytes`.
   */
  write(bytes: Uint8Array): void;
  /**
   * Resolves once the queued bytes no longer exceed the transport's buffer (at once when they
   * don't); rejects if the connection fails first. Never hangs on a closed connection.
   */
  drain(): Promise<void>;
  /**
   * Flushes what is queued if the peer takes it within the transport's bound, then closes.
   * Idempotent; resolves when the connection is closed; never rejects.
   */
  close(): Promise<void>;
}

/**
 * What a transport reports about one connection, as returned by `Server.accept`. A refused
 * connection (server full or shutting down) has been answered and closed already: its
 * `index` is 0 and its events are ignored. Each
 * returned promise resolves when the server is done with the event; a transport that
 * awaits `data` before reading on gets backpressure on input for free.
 */
export interface ConnectionEvents {
  /** The index the server gave this connection; 0 when it was refused. */
  readonly index: Index;
  /** Bytes arrived (any split: half a message, several messages, half a character). */
  data(bytes: Uint8Array): Promise<void>;
  /** The peer ended its side; data reported before still counts. */
  end(): Promise<void>;
  /** The transport failed; the connection is gone. */
  error(error: unknown): Promise<void>;
}
