/**
 * All the server core knows of IO: a {@linkcode Connection} it writes to, and the
 * {@linkcode ConnectionEvents} the transport reports back. The connection layer
 * (`src/transport/`) implements them for every transport.
 *
 * @module
 */
import type { Index } from "./types.ts";

/**
 * The writing side of one client connection, as a transport provides it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Connection } from "../../mod.ts";
 * const sent: Uint8Array[] = [];
 * const inMemory: Connection = {
 *   bufferedBytes: 0,
 *   write: (bytes) => void sent.push(bytes),
 *   drain: () => Promise.resolve(),
 *   close: () => Promise.resolve(),
 * };
 * inMemory.write(new Uint8Array([0]));
 * assert.equal(sent.length, 1);
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
   * `"graceful"` (the default): flushes what is queued if the peer takes it within the
   * transport's bound, then closes. `"abort"`, for a peer that has lost the right to its
   * bytes (a slow consumer, a flooder): drops what is queued and resets the connection
   * where the transport can. Idempotent; resolves when the connection is closed; never
   * rejects.
   */
  close(mode?: CloseMode): Promise<void>;
}

/** How a connection is closed: see {@linkcode Connection.close}. */
export type CloseMode = "graceful" | "abort";

/**
 * What a transport reports about one accepted connection. Each returned promise resolves
 * when the server is done with the event; a transport that awaits `data` before reading on
 * gets backpressure on input for free.
 */
export interface ConnectionEvents {
  /** The index the server gave this connection (1, 2, 3, ...). */
  readonly index: Index;
  /** Bytes arrived (any split: half a message, several messages, half a character). */
  data(bytes: Uint8Array): Promise<void>;
  /** The peer ended its side; data reported before still counts. */
  end(): Promise<void>;
  /** The transport failed; the connection is gone. */
  error(error: unknown): Promise<void>;
}

/**
 * What `Server.accept` makes of a new connection: its events, or a refusal (server full,
 * or shutting down) that has been answered and closed already.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Admission } from "../../mod.ts";
 * const describe = (admission: Admission) =>
 *   admission.accepted ? `index ${admission.events.index}` : `refused: ${admission.reason}`;
 * assert.equal(describe({ accepted: false, reason: "server is full" }), "refused: server is full");
 * ```
 */
export type Admission =
  | { readonly accepted: true; readonly events: ConnectionEvents }
  | { readonly accepted: false; readonly reason: string };
