/**
 * The Node adapter: serves a core {@linkcode Server} over TCP with `node:net`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application, Server } from "../../../mod.ts";
 * import { systemClock } from "../system_clock.ts";
 * import { serve } from "./mod.ts";
 * const server = new Server({ application: new Application({ storage: null }), clock: systemClock });
 * const listener = await serve(server, { port: 0 });
 * assert.ok(listener.port > 0); // the port the system picked
 * await listener.close();
 * ```
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { type AddressInfo, createServer, type Socket as NetSocket } from "node:net";
import type { Server } from "../../core/server.ts";
import type { Socket, SocketHandlers } from "../../transport/socket.ts";
import type { Listener, ServeOptions } from "../../transport/serve_options.ts";
import { runtimeTransport } from "../runtime_transport.ts";

export type { Listener, ServeOptions } from "../../transport/serve_options.ts";

/** Where a served socket keeps the layer's handlers, for the listeners all sockets share. */
const HANDLERS = Symbol("handlers");
type Served = NetSocket & { [HANDLERS]: SocketHandlers };

/**
 * Listens on `options.hostname:options.port` and serves every socket with `server`.
 * Rejects when the address cannot be bound.
 */
export async function serve(server: Server, options: ServeOptions = {}): Promise<Listener> {
  const { open, close: closeWith, hostname, port, logger } = runtimeTransport(server, options);
  const buffers = new LastBuffer();
  // Half-open: a client may send its last message and end at once; the reply still goes out.
  // No delay set as the socket is accepted: no Socket#setNoDelay call on each.
  const net = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    // An idle connection costs what its objects weigh: one record, no closure of its own.
    (socket as Served)[HANDLERS] = open(new NodeSocket(socket, buffers));
    socket.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
  await new Promise<void>((resolve, reject) => {
    net.once("error", reject).listen({ host: hostname, port }, () => {
      net.off("error", reject).on("error", (error) => {
        logger.error("listener failed", { reason: String(error) });
      });
      resolve();
    });
  });
  const address = net.address() as AddressInfo;
  const close = () => closeWith(() => void net.close());
  return { hostname: address.address, port: address.port, close };
}

function onData(this: Served, chunk: Uint8Array): void {
  this.pause(); // no more reads until the core is done with this chunk
  // A plain view: Buffer#slice would share memory where the parser expects a copy.
  const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  void this[HANDLERS].data(bytes).finally(() => this.resume());
}

function onEnd(this: Served): void {
  this[HANDLERS].end();
}

function onError(this: Served, error: Error): void {
  this[HANDLERS].error(error);
}

function onClose(this: Served): void {
  this[HANDLERS].closed();
}

/** One `node:net` socket as the layer's record. */
class NodeSocket implements Socket {
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
 */
class LastBuffer {
  #bytes: Uint8Array | undefined;
  #buffer: Buffer | undefined;

  of(bytes: Uint8Array): Buffer {
    if (bytes === this.#bytes) return this.#buffer!;
    this.#bytes = bytes;
    return this.#buffer = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}
