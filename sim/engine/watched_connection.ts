/**
 * The core's connection as the connection layer built it, watched by the simulator: taps
 * that change nothing the layer does.
 *
 * @module
 */
import type { CloseMode, Connection } from "../../mod.ts";

/** What a watched connection tells its link. */
export interface WatchHost {
  /** The core is about to write (the n-th time, returned): write-time faults strike here. */
  coreWriting(): number;
  /** The core's n-th write was taken: the client must read these bytes. */
  coreWrote(bytes: Uint8Array, n: number): void;
  /** The core's write threw. */
  coreWriteFailed(): void;
  /** A drain or a close: either may send held bytes before the iteration ends. */
  flushForced(): void;
}

/**
 * Delegates every call to the layer's connection and tells `host` about it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WatchedConnection } from "./watched_connection.ts";
 * const written: number[] = [];
 * const inner = {
 *   bufferedBytes: 0,
 *   write: () => {},
 *   drain: () => Promise.resolve(),
 *   close: () => Promise.resolve(),
 * };
 * let writes = 0;
 * const watched = new WatchedConnection(inner, {
 *   coreWriting: () => ++writes,
 *   coreWrote: (bytes, n) => written.push(n),
 *   coreWriteFailed: () => {},
 *   flushForced: () => {},
 * });
 * watched.write(new Uint8Array([0]));
 * assert.deepEqual(written, [1]);
 * ```
 */
export class WatchedConnection implements Connection {
  readonly #inner: Connection;
  readonly #host: WatchHost;

  constructor(inner: Connection, host: WatchHost) {
    this.#inner = inner;
    this.#host = host;
  }

  get bufferedBytes(): number {
    return this.#inner.bufferedBytes;
  }

  write(bytes: Uint8Array): void {
    const n = this.#host.coreWriting();
    try {
      this.#inner.write(bytes);
    } catch (error) {
      this.#host.coreWriteFailed();
      throw error;
    }
    this.#host.coreWrote(bytes, n);
  }

  drain(): Promise<void> {
    this.#host.flushForced();
    return this.#inner.drain();
  }

  close(mode?: CloseMode): Promise<void> {
    this.#host.flushForced();
    return this.#inner.close(mode);
  }
}
