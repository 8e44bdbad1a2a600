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
import type { OpenSocket, SocketHandlers } from "../../transport/socket.ts";
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
  const writer = conn.writable.getWriter();
  let unsent = 0;
  let fresh = 0; // bytes handed over in this event-loop iteration
  const close = () => {
    try {
      conn.close();
    } catch { /* closed already: by the writer, or by an earlier call */ }
    handlers.closed();
  };
  const handlers: SocketHandlers = open({
    write(bytes) {
      if (fresh === 0) setImmediate(() => void (fresh = 0));
      fresh += bytes.length;
      unsent += bytes.length;
      const done = () => void (unsent -= bytes.length);
      writer.write(bytes).finally(done).catch((error) => handlers.error(error));
    },
    get unsentBytes() {
      // No write finishes in the iteration that made it; the kernel would take this much.
      return Math.max(0, unsent - Math.min(fresh, KERNEL_TAKES_BYTES));
    },
    drained: () => writer.ready,
    // The writer sends what is queued, then ends our side; closing frees the rest.
    end: () => void writer.close().then(close, close),
    abort: close, // Deno offers no reset: closing drops what is queued.
  });
  void pump(conn, handlers);
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
