/**
 * The Deno adapter: serves a core {@linkcode Server} over TCP with `Deno.listen`.
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
import type { Server } from "../../core/server.ts";
import type { OpenSocket, Socket, SocketHandlers } from "../../transport/socket.ts";
import type { Listener, ServeOptions } from "../../transport/serve_options.ts";
import { acceptLoop, KERNEL_TAKES_BYTES, runtimeTransport } from "../runtime_transport.ts";
import { nextReadBuffer, READ_MIN_BYTES } from "../read_buffer.ts";
export type { Listener, ServeOptions } from "../../transport/serve_options.ts";

/** Listens and serves every connection with `server`; rejects when it cannot bind. */
// deno-lint-ignore require-await -- async so that a throwing Deno.listen rejects
export async function serve(server: Server, options: ServeOptions = {}): Promise<Listener> {
  const { open, close, hostname, port, logger } = runtimeTransport(server, options);
  const listener = Deno.listen({ hostname, port, transport: "tcp" });
  const isClosed = (error: unknown) => error instanceof Deno.errors.BadResource;
  const stop = acceptLoop(listener, isClosed, (conn) => serveConn(open, conn), logger);
  const { addr } = listener;
  return { hostname: addr.hostname, port: addr.port, close: () => close(stop) };
}

function serveConn(open: OpenSocket, conn: Deno.TcpConn): void {
  const socket = new DenoSocket(conn);
  const handlers = open(socket);
  socket.handlers = handlers;
  void pump(conn, handlers);
}

/**
 * A Deno connection as the layer's socket record. A class, not closures, and no stream
 * writer: every idle connection holds one, and a `WritableStream` with its writer weighed
 * some 4 KiB on each. Writes go to `conn.write` one after another, the first at once (it
 * reaches the kernel before a close that follows it in the same turn).
 */
class DenoSocket implements Socket {
  handlers: SocketHandlers | undefined;
  #queue: Uint8Array[] | undefined; // what waits for the write in progress
  #writing = false;
  #ending = false;
  #drained: { promise: Promise<void>; resolve: () => void } | undefined;
  #unsent = 0;
  #fresh = 0; // bytes handed over in this event-loop iteration

  constructor(readonly conn: Deno.TcpConn) {}

  write(bytes: Uint8Array): void {
    if (this.#fresh === 0) setImmediate(() => void (this.#fresh = 0));
    this.#fresh += bytes.length;
    this.#unsent += bytes.length;
    if (this.#writing) (this.#queue ??= []).push(bytes);
    else void this.#send(bytes);
  }

  /** Writes `first`, then what was queued meanwhile, each whole, in order. */
  async #send(first: Uint8Array): Promise<void> {
    this.#writing = true;
    try {
      for (let bytes: Uint8Array | undefined = first; bytes; bytes = this.#queue?.shift()) {
        for (let sent = 0; sent < bytes.length;) {
          sent += await this.conn.write(sent === 0 ? bytes : bytes.subarray(sent));
        }
        this.#unsent -= bytes.length;
      }
    } catch (error) {
      this.#queue = undefined;
      this.#unsent = 0; // dropped with the connection
      this.handlers?.error(error);
    }
    this.#queue = undefined;
    this.#writing = false;
    this.#drained?.resolve();
    this.#drained = undefined;
    if (this.#ending) this.abort();
  }

  get unsentBytes(): number {
    // No write finishes in the iteration that made it; the kernel would take this much.
    return Math.max(0, this.#unsent - Math.min(this.#fresh, KERNEL_TAKES_BYTES));
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
    // Deno offers no reset: closing drops what is queued.
    try {
      this.conn.close();
    } catch { /* closed already, by an earlier call */ }
    this.#drained?.resolve();
    this.#drained = undefined;
    this.handlers?.closed();
  }
}

/** Reads until end of stream, handing each read to the layer before reading on. */
async function pump(conn: Deno.TcpConn, handlers: SocketHandlers): Promise<void> {
  let buffer = new Uint8Array(READ_MIN_BYTES); // a waiting read holds it: small when idle
  try {
    conn.setNoDelay(true);
    for (let read = await conn.read(buffer); read !== null; read = await conn.read(buffer)) {
      await handlers.data(buffer.subarray(0, read));
      buffer = nextReadBuffer(buffer, read);
    }
    handlers.end();
  } catch (error) {
    handlers.error(error);
  }
}
