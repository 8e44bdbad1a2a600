/**
 * The core's {@linkcode Connection} built on a transport's {@linkcode Socket}: writes held
 * per event-loop iteration, buffered bytes counted, drains and the bounded close, once for
 * every transport.
 *
 * @module
 */
import type { Cancel, Clock } from "../core/clock.ts";
import type { CloseMode, Connection } from "../core/connection.ts";
import type { Socket } from "./socket.ts";
import { HeldWrites, type WriteBatcher } from "./write_batcher.ts";

/**
 * One connection of the layer. Writes are held until the event-loop iteration ends, then
 * leave as one socket write. Closing sends what is queued and ends the stream; a peer that
 * has not taken it all within `closeTimeoutMs` is reset.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ManualClock } from "../../mod.ts";
 * import { SocketConnection } from "./socket_connection.ts";
 * import { WriteBatcher } from "./write_batcher.ts";
 * const later: (() => void)[] = [];
 * const wire: Uint8Array[] = [];
 * const socket = {
 *   write: (bytes: Uint8Array) => void wire.push(bytes),
 *   unsentBytes: 0,
 *   drained: () => Promise.resolve(),
 *   end() {},
 *   abort() {},
 * };
 * const connection = new SocketConnection(socket, {
 *   batcher: new WriteBatcher((run) => later.push(run)),
 *   clock: new ManualClock(),
 *   closeTimeoutMs: 1000,
 * });
 * connection.write(new Uint8Array([1, 0]));
 * connection.write(new Uint8Array([2, 0]));
 * later.forEach((run) => run());
 * assert.deepEqual(wire, [new Uint8Array([1, 0, 2, 0])]);
 * ```
 */
export class SocketConnection implements LayerConnection {
  readonly #socket: Socket;
  readonly #held: HeldWrites;
  readonly #clock: Clock;
  readonly #closeTimeoutMs: number;
  /**
   * Why writing is over: a close (`"closed"`: its error is made only if a write comes, since
   * an error's stack trace costs more than the rest of a churned connection's close), or the
   * socket's failure.
   */
  #stopped: Error | "closed" | undefined;
  #closing: Promise<void> | undefined;
  #isClosed = false;
  #aborted = false;
  #onClosed: (() => void) | undefined;
  #cancelTimeout: Cancel | undefined;

  constructor(socket: Socket, options: SocketConnectionOptions) {
    this.#socket = socket;
    this.#clock = options.clock;
    this.#closeTimeoutMs = options.closeTimeoutMs;
    this.#held = new HeldWrites(options.batcher, (bytes) => {
      // Closed or failed since the bytes were taken: the core hears of it from the socket.
      if (!this.#isClosed) socket.write(bytes);
    });
  }

  /**
   * What is held for the end of the iteration is no backlog while the peer keeps up:
   * counted, every recipient of every turn would be one to wait for. Once the socket has
   * bytes unsent, it is.
   */
  get bufferedBytes(): number {
    const unsent = this.#socket.unsentBytes;
    return unsent === 0 ? 0 : unsent + this.#held.bytes;
  }

  write(bytes: Uint8Array): void {
    if (this.#stopped) {
      throw this.#stopped === "closed" ? new Error("connection is closed") : this.#stopped;
    }
    this.#held.add(bytes);
  }

  drain(): Promise<void> {
    this.#held.flush();
    return this.#socket.drained();
  }

  close(mode?: CloseMode): Promise<void> {
    if (mode === "abort") this.#abort();
    return this.#closing ??= this.#close();
  }

  /** The socket failed: nothing more can be written. */
  failed(error: unknown): void {
    this.#stopped ??= error instanceof Error ? error : new Error(String(error));
  }

  /** The socket is closed: a close in progress is over, and what is held is dropped. */
  closed(): void {
    this.#stopped ??= "closed";
    this.#isClosed = true;
    this.#held.drop();
    this.#cancelTimeout?.();
    this.#onClosed?.();
  }

  /** What is held goes to the socket (it may still leave first), and the socket is reset. */
  #abort(): void {
    if (this.#isClosed) return;
    this.#stopped ??= "closed";
    this.#held.flush();
    this.#aborted = true;
    this.#socket.abort();
  }

  #close(): Promise<void> {
    this.#stopped ??= "closed";
    this.#held.flush();
    if (this.#isClosed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#onClosed = resolve;
      if (!this.#aborted) this.#socket.end();
      // Closed at once (a socket with nothing left to send may be): no timeout to arm.
      if (this.#isClosed) return;
      this.#cancelTimeout = this.#clock.schedule(this.#clock.now() + this.#closeTimeoutMs, () => {
        // The peer did not take what was left in time: it loses it.
        this.#socket.abort();
        resolve();
      });
    });
  }
}

/** A connection of the layer: what the core writes to, and what the socket reports to it. */
export interface LayerConnection extends Connection {
  /** The socket failed: nothing more can be written. */
  failed(error: unknown): void;
  /** The socket is closed: a close in progress is over. */
  closed(): void;
}

/** What every connection of one transport shares. */
export interface SocketConnectionOptions {
  /** Flushes held writes when the event-loop iteration ends. */
  readonly batcher: WriteBatcher;
  /** Runs the close timeout. */
  readonly clock: Clock;
  /** How long closing waits for the peer to take what is queued before it resets. */
  readonly closeTimeoutMs: number;
}
