/**
 * A `node:net` socket as the connection layer's record, and the Buffer its port's sockets
 * share for one broadcast.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { Socket as NetSocket } from "node:net";
import type { Socket, SocketHandlers } from "../../transport/socket.ts";

/** Where a served socket keeps the layer's handlers, for the listeners all sockets share. */
export const HANDLERS: unique symbol = Symbol("handlers");
/** A `node:net` socket being served: the layer's handlers on it. */
export type Served = NetSocket & { [HANDLERS]: SocketHandlers };

/**
 * One `node:net` socket as the layer's record.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Socket as NetSocket } from "node:net";
 * import { LastBuffer, NodeSocket } from "./node_socket.ts";
 * const socket = new NodeSocket(new NetSocket(), new LastBuffer());
 * assert.equal(socket.unsentBytes, 0);
 * await socket.drained(); // nothing waits to be written
 * ```
 */
export class NodeSocket implements Socket {
  readonly #socket: NetSocket;
  readonly #buffers: LastBuffer;

  constructor(socket: NetSocket, buffers: LastBuffer) {
    this.#socket = socket;
    this.#buffers = buffers;
  }

  write(bytes: Uint8Array): void {
    if (this.#socket.writable) this.#socket.write(this.#buffers.of(bytes));
  }

  get unsentBytes(): number {
    return this.#socket.writableLength;
  }

  drained(): Promise<void> {
    const socket = this.#socket;
    if (!socket.writableNeedDrain) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      // Methods, not named arrows: tsx's keepNames would name two closures on every wait.
      const on = {
        settle(error?: unknown) {
          socket.off("drain", on.settle).off("close", on.lost).off("error", on.settle);
          if (error === undefined) resolve();
          else reject(error);
        },
        lost() {
          on.settle(new Error("socket closed before it drained"));
        },
      };
      socket.on("drain", on.settle).on("close", on.lost).on("error", on.settle);
    });
  }

  end(): void {
    const socket = this.#socket;
    // The peer has ended (the usual close) and the kernel holds all we wrote: closing sends our
    // FIN after it as a shutdown would, in one system call, with no stream events to wait for.
    if (socket.readableEnded && socket.writableLength === 0) {
      socket.destroy();
      // Its descriptor is closed now: the layer need not wait for the event (nor arm a timer).
      (socket as Served)[HANDLERS].closed();
      return;
    }
    // Half-open sockets stay open after our FIN: once it is sent, nothing is left to wait for.
    socket.once("finish", () => socket.destroy()).end();
  }

  abort(): void {
    this.#socket.resetAndDestroy();
  }
}

/**
 * The last write as a Buffer, for the sockets of a port to share. A socket given a plain
 * Uint8Array wraps it in a new Buffer on every write, and room members are handed the very
 * same array in the same iteration (their writes are joined once): wrapped once, it is the
 * same Buffer for all of them. Bytes are never changed once handed over, so the array's
 * identity is its key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LastBuffer } from "./node_socket.ts";
 * const buffers = new LastBuffer();
 * const bytes = new Uint8Array([1, 2, 3]);
 * assert.equal(buffers.of(bytes), buffers.of(bytes)); // wrapped once
 * assert.notEqual(buffers.of(new Uint8Array([1])), buffers.of(bytes));
 * ```
 */
export class LastBuffer {
  #bytes: Uint8Array | undefined;
  #buffer: Buffer | undefined;

  /** `bytes` as a Buffer on the same memory: the one of the last call when it is the same array. */
  of(bytes: Uint8Array): Buffer {
    if (bytes === this.#bytes) return this.#buffer!;
    this.#bytes = bytes;
    return this.#buffer = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}
