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
import { type AddressInfo, createServer, type Socket as NetSocket } from "node:net";
import type { Server } from "../../core/server.ts";
import type { Socket } from "../../transport/socket.ts";
import type { Listener, ServeOptions } from "../../transport/serve_options.ts";
import { runtimeTransport } from "../runtime_transport.ts";

export type { Listener, ServeOptions } from "../../transport/serve_options.ts";

/**
 * Listens on `options.hostname:options.port` and serves every socket with `server`.
 * Rejects when the address cannot be bound.
 */
export async function serve(server: Server, options: ServeOptions = {}): Promise<Listener> {
  const { open, close: closeWith, hostname, port, logger } = runtimeTransport(server, options);
  // Half-open: a client may send its last message and end at once; the reply still goes out.
  const net = createServer({ allowHalfOpen: true }, (socket) => {
    socket.setNoDelay(true);
    const handlers = open(socketRecord(socket));
    socket.on("data", (chunk: Uint8Array) => {
      socket.pause(); // no more reads until the core is done with this chunk
      // A plain view: Buffer#slice would share memory where the parser expects a copy.
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      void handlers.data(bytes).finally(() => socket.resume());
    });
    socket.on("end", handlers.end).on("error", handlers.error).on("close", handlers.closed);
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

function socketRecord(socket: NetSocket): Socket {
  return {
    write: (bytes) => void (socket.writable && socket.write(bytes)),
    get unsentBytes() {
      return socket.writableLength;
    },
    drained: () =>
      !socket.writableNeedDrain ? Promise.resolve() : new Promise<void>((resolve, reject) => {
        const settle = (error?: unknown) => {
          socket.off("drain", settle).off("close", lost).off("error", settle);
          if (error === undefined) resolve();
          else reject(error);
        };
        const lost = () => settle(new Error("socket closed before it drained"));
        socket.on("drain", settle).on("close", lost).on("error", settle);
      }),
    end: () => {
      // Half-open sockets stay open after our FIN: once it is sent, nothing is left to wait for.
      socket.once("finish", () => socket.destroy()).end();
    },
    abort: () => void socket.resetAndDestroy(),
  };
}
