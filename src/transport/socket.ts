/**
 * The one thing a transport supplies for each connection: a {@linkcode Socket} record that
 * moves bytes, and the {@linkcode SocketHandlers} it reports to. Everything else between the
 * bytes and the server core (batching, accounting, drain waits, the close path) is the
 * connection layer's, the same for TCP on Node, TCP on Deno and the simulator.
 *
 * @module
 */

/**
 * One socket as the runtime has it: the minimum the connection layer needs. A record never
 * throws from `write`, `end` or `abort`: a socket that has failed says so through
 * {@linkcode SocketHandlers.error}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Socket } from "./socket.ts";
 * const wire: Uint8Array[] = [];
 * const inMemory: Socket = {
 *   write: (bytes) => void wire.push(bytes),
 *   unsentBytes: 0,
 *   drained: () => Promise.resolve(),
 *   end: () => {},
 *   abort: () => {},
 * };
 * inMemory.write(new Uint8Array([0]));
 * assert.equal(wire.length, 1);
 * ```
 */
export interface Socket {
  /** Hands bytes to the runtime, which owns them from now on. */
  write(bytes: Uint8Array): void;
  /** Bytes handed over and not yet taken by the operating system (or the simulated peer). */
  readonly unsentBytes: number;
  /**
   * Resolves once the runtime wants more bytes (its own buffer is below its own mark);
   * rejects, or resolves, once the socket is closed: it never hangs on a closed socket.
   */
  drained(): Promise<void>;
  /** Graceful close: send what is queued, then end the stream; report `closed` when done. */
  end(): void;
  /** Abortive close: drop what is queued and reset the connection where the runtime can. */
  abort(): void;
}

/**
 * What a transport reports about its socket, as the connection layer's `open` returns it.
 * Each may be called at any time, in any order and more than once; the layer makes the
 * server core hear of the end of a connection once.
 */
export interface SocketHandlers {
  /** Bytes arrived. Read no more until the returned promise settles (input backpressure). */
  data(bytes: Uint8Array): Promise<void>;
  /** The peer ended its side; what it sent before still counts. */
  end(): void;
  /** The socket failed (reset, write error): the connection is gone. */
  error(error: unknown): void;
  /** The socket is closed for good, whoever closed it. */
  closed(): void;
}

/** Makes a socket a connection of the layer, as `Transport.open` does: its events go to the result. */
export type OpenSocket = (socket: Socket) => SocketHandlers;
