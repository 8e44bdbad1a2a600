/**
 * The socket record of a runtime whose connections read and write with promises (Deno's
 * `Deno.Conn`): writes one after another, the drain wait, what is owed, and the read loop.
 *
 * @module
 */
import type { Socket, SocketHandlers } from "../transport/socket.ts";
import type { Iterations } from "./iterations.ts";
import { nextReadBuffer, READ_MIN_BYTES } from "./read_buffer.ts";
import { concat } from "../transport/concat_bytes.ts";

/** What such a runtime's connection offers: `Deno.Conn` has it. */
export interface PromiseConn {
  /** Writes some of `bytes`, resolving with how many the kernel took. */
  write(bytes: Uint8Array): Promise<number>;
  /** Reads into `buffer`, resolving with how many bytes came, or null at end of stream. */
  read(buffer: Uint8Array): Promise<number | null>;
  /** Closes the connection; throws if it is closed already. */
  close(): void;
}

/**
 * About what a prompt reader's kernel socket buffer takes at once. A promise write finishes
 * only after the event-loop iteration that made it, where a Node socket hands its bytes to
 * the kernel inside the write: up to this much is not counted as owed, the write in progress
 * (which a Node socket would have handed over) and what this iteration queued behind it, so
 * both runtimes treat a prompt reader alike under `maxBufferedBytes` and in the drain wait.
 * What an earlier iteration queued behind a write still in progress is owed.
 */
export const KERNEL_TAKES_BYTES = 1024 * 1024;

/**
 * How long a write in progress counts as handed over: a prompt reader's finishes within a few
 * busy iterations; one still in progress after this is owed, as on Node, where a socket counts
 * what the kernel did not take.
 */
export const IN_FLIGHT_GRACE_MS = 100;

/**
 * A promise connection as the layer's socket record. A class, not closures, and no stream
 * writer: every idle connection holds one. Writes go to `conn.write` one after another, the
 * first at once (it reaches the kernel before a close that follows it in the same turn).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Iterations } from "./iterations.ts";
 * import { PromiseSocket } from "./promise_socket.ts";
 * const wire: number[] = [];
 * const conn = {
 *   write: (bytes: Uint8Array) => Promise.resolve(wire.push(...bytes) && bytes.length),
 *   read: () => Promise.resolve(null),
 *   close: () => {},
 * };
 * const socket = new PromiseSocket(conn, new Iterations(setImmediate, performance));
 * socket.write(new Uint8Array([1, 2]));
 * socket.write(new Uint8Array([3]));
 * assert.equal(socket.unsentBytes, 0); // the kernel would take this iteration's bytes
 * await socket.drained();
 * assert.deepEqual(wire, [1, 2, 3]);
 * ```
 */
export class PromiseSocket implements Socket {
  handlers: SocketHandlers | undefined;
  #queue: Uint8Array[] | undefined; // what waits for the write in progress
  #writing = false;
  #ending = false;
  #drained: { promise: Promise<void>; resolve: () => void } | undefined;
  #unsent = 0;
  #inFlight = 0; // bytes of the write in progress not yet reported sent
  #inFlightSince = 0; // when that write began, in the iterations' clock
  #fresh = 0; // bytes queued in the event-loop iteration numbered #freshIn
  #freshIn = -1;

  constructor(readonly conn: PromiseConn, readonly iterations: Iterations) {}

  write(bytes: Uint8Array): void {
    this.#unsent += bytes.length;
    if (!this.#writing) return void this.#send(bytes);
    const now = this.iterations.current();
    if (this.#freshIn !== now) {
      this.#freshIn = now;
      this.#fresh = 0;
    }
    this.#fresh += bytes.length;
    (this.#queue ??= []).push(bytes);
  }

  /**
   * Writes `first`, then what was queued meanwhile, in order: all of it joined into one write,
   * since a write costs the runtime an operation whatever its size, and a busy connection
   * queues one chunk per event-loop iteration while the write before is in progress.
   */
  async #send(first: Uint8Array): Promise<void> {
    this.#writing = true;
    try {
      for (let bytes: Uint8Array | undefined = first; bytes; bytes = this.#takeQueue()) {
        for (let sent = 0; sent < bytes.length;) {
          this.#inFlight = bytes.length - sent;
          this.iterations.current();
          this.#inFlightSince = this.iterations.startedAt;
          sent += await this.conn.write(sent === 0 ? bytes : bytes.subarray(sent));
        }
        this.#inFlight = 0;
        this.#unsent -= bytes.length;
      }
    } catch (error) {
      this.#queue = undefined;
      this.#unsent = this.#inFlight = 0; // dropped with the connection
      this.handlers?.error(error);
    }
    this.#queue = undefined;
    this.#writing = false;
    this.#drained?.resolve();
    this.#drained = undefined;
    if (this.#ending) this.abort();
  }

  /** What was queued while a write was in progress, as one chunk; undefined if nothing was. */
  #takeQueue(): Uint8Array | undefined {
    const queue = this.#queue;
    if (queue === undefined) return undefined;
    this.#queue = undefined;
    this.#fresh = 0; // in progress from now on
    return queue.length === 1 ? queue[0] : concat(queue);
  }

  get unsentBytes(): number {
    const now = this.iterations.current();
    const fresh = this.#freshIn === now ? this.#fresh : 0;
    const young = this.iterations.startedAt - this.#inFlightSince < IN_FLIGHT_GRACE_MS;
    const inFlight = young ? this.#inFlight : 0;
    return Math.max(0, this.#unsent - Math.min(inFlight + fresh, KERNEL_TAKES_BYTES));
  }

  drained(): Promise<void> {
    if (!this.#writing) return Promise.resolve();
    if (this.#drained === undefined) {
      let resolve = () => {};
      const promise = new Promise<void>((done) => (resolve = done));
      this.#drained = { promise, resolve };
    }
    return this.#drained.promise;
  }

  end(): void {
    // What is queued goes first; then closing ends our side.
    if (this.#writing) this.#ending = true;
    else this.abort();
  }

  abort(): void {
    // No reset on such a runtime: closing drops what is queued.
    try {
      this.conn.close();
    } catch { /* closed already, by an earlier call */ }
    this.#drained?.resolve();
    this.#drained = undefined;
    this.handlers?.closed();
  }

  /** Reads until end of stream, handing each read to `handlers` before reading on. */
  async pump(handlers: SocketHandlers): Promise<void> {
    this.handlers = handlers;
    let buffer = new Uint8Array(READ_MIN_BYTES); // a waiting read holds it: small when idle
    try {
      for (
        let read = await this.conn.read(buffer);
        read !== null;
        read = await this.conn.read(buffer)
      ) {
        await handlers.data(buffer.subarray(0, read));
        buffer = nextReadBuffer(buffer, read);
      }
      handlers.end();
    } catch (error) {
      handlers.error(error);
    }
  }
}
