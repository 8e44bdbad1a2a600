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
import type { OpenSocket } from "../../transport/socket.ts";
import type { Listener, ServeOptions } from "../../transport/serve_options.ts";
import { acceptLoop, runtimeTransport } from "../runtime_transport.ts";
import { Iterations } from "../iterations.ts";
import { PromiseSocket } from "../promise_socket.ts";
import { systemClock } from "../system_clock.ts";
export type { Listener, ServeOptions } from "../../transport/serve_options.ts";

/** Listens and serves every connection with `server`; rejects when it cannot bind. */
// deno-lint-ignore require-await -- async so that a throwing Deno.listen rejects
export async function serve(server: Server, options: ServeOptions = {}): Promise<Listener> {
  const { open, close, hostname, port, logger } = runtimeTransport(server, options);
  const listener = Deno.listen({ hostname, port, transport: "tcp" });
  const isClosed = (error: unknown) => error instanceof Deno.errors.BadResource;
  const iterations = new Iterations(setImmediate, systemClock); // one for all the port's sockets
  const stop = acceptLoop(listener, isClosed, (conn) => serveConn(open, conn, iterations), logger);
  const { addr } = listener;
  return { hostname: addr.hostname, port: addr.port, close: () => close(stop) };
}

/** A `Deno.TcpConn` is a promise connection: the shared record serves it. */
function serveConn(open: OpenSocket, conn: Deno.TcpConn, iterations: Iterations): void {
  try {
    conn.setNoDelay(true);
  } catch { /* closed already: the first read says so */ }
  const socket = new PromiseSocket(conn, iterations);
  void socket.pump(open(socket));
}
