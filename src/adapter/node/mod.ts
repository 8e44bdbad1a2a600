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
import { type AddressInfo, createServer } from "node:net";
import type { Server } from "../../core/server.ts";
import type { Listener, ServeOptions } from "../../transport/serve_options.ts";
import { runtimeTransport } from "../runtime_transport.ts";
import { HANDLERS, LastBuffer, NodeSocket, type Served } from "./node_socket.ts";

export type { Listener, ServeOptions } from "../../transport/serve_options.ts";

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
