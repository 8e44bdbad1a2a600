/**
 * The Node adapter: serves a core {@linkcode Server} over TCP with `node:net`.
 *
 * @example
 * ```ts
 * import { Application, deliver, Server } from "../../../mod.ts";
 * import { systemClock } from "../system_clock.ts";
 * import { serve } from "./mod.ts";
 * const server = new Server({
 *   application: new Application({
 *     storage: null,
 *     defaultController: { handleCommand: (c, { index }) => deliver([index], c) },
 *   }),
 *   clock: systemClock,
 * });
 * const listener = await serve(server, { port: 0 });
 * listener.port; // the port the system picked
 * await listener.close();
 * ```
 *
 * @module
 */
import { createServer, type Socket } from "node:net";
import type { Connection } from "../../core/connection.ts";
import type { Server } from "../../core/server.ts";
import { HeldWrites, TurnEnd } from "../held_writes.ts";
import {
  acceptSocket,
  createListener,
  type Listener,
  serveDefaults,
  type ServeOptions,
  settleWithin,
} from "../listener.ts";

export type { Listener, ServeOptions } from "../listener.ts";

/**
 * Listens on `options.hostname:options.port` and serves every socket with `server`.
 * Rejects when the address cannot be bound.
 */
export async function serve<S>(server: Server<S>, options: ServeOptions = {}): Promise<Listener> {
  const { hostname, port, logger, closeTimeoutMs } = serveDefaults(options);
  const sockets = new Set<Promise<void>>();
  const turnEnd = new TurnEnd();
  // Half-open: a client may send its last message and end at once; the reply still goes out.
  const net = createServer({ allowHalfOpen: true }, (socket) => {
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    sockets.add(closed);
    void closed.then(() => sockets.delete(closed));
    socket.setNoDelay(true);
    const connection = socketConnection(socket, closed, closeTimeoutMs, turnEnd);
    const events = acceptSocket(server, connection, () => socket.destroy(), logger);
    if (!events) return;
    socket.on("data", (chunk: Uint8Array) => {
      socket.pause(); // no more reads until the core is done with this chunk
      // A plain view: Buffer#slice would share memory where the parser expects a copy.
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      void events.data(bytes).finally(() => socket.resume());
    });
    socket.on("end", () => void events.end());
    socket.on("error", (error) => void events.error(error));
    socket.on("close", () => void events.end());
  });
  await new Promise<void>((resolve, reject) => {
    net.once("error", reject);
    net.listen({ host: hostname, port }, () => {
      net.off("error", reject);
      resolve();
    });
  });
  net.on("error", (error) => logger.error("listener failed", { reason: String(error) }));
  const address = net.address();
  if (address === null || typeof address === "string") throw new Error("not a TCP address");
  return createListener(server, {
    hostname: address.address,
    port: address.port,
    stopAccepting: () => void net.close(),
    settled: () => Promise.all(sockets).then(() => {}),
  });
}

/** The core's view of one socket. `closed` resolves on the socket's 'close'. */
function socketConnection(
  socket: Socket,
  closed: Promise<void>,
  closeTimeoutMs: number,
  turnEnd: TurnEnd,
): Connection {
  let closing: Promise<void> | undefined;
  const held = new HeldWrites(turnEnd, (bytes) => {
    // Closed or reset since the bytes were taken: the core hears of it from the socket.
    if (!socket.destroyed && socket.writable) socket.write(bytes);
  });
  return {
    get bufferedBytes() {
      // What is held for the end of the turn is no backlog while the peer keeps up: counted,
      // every recipient of every turn would be one to wait for. Once the peer lags, it is.
      const unsent = socket.writableLength;
      return unsent === 0 ? 0 : unsent + held.bytes;
    },
    write(bytes) {
      if (socket.destroyed || !socket.writable) throw new Error("socket is not writable");
      held.add(bytes);
    },
    drain() {
      held.flush();
      if (!socket.writableNeedDrain) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const drained = () => settle(undefined);
        const lost = () => settle(new Error("socket closed before it drained"));
        const settle = (error: unknown) => {
          socket.off("drain", drained).off("close", lost).off("error", settle);
          if (error === undefined) resolve();
          else reject(error);
        };
        socket.on("drain", drained).on("close", lost).on("error", settle);
      });
    },
    close() {
      if (closing) return closing;
      held.flush();
      // end() flushes then sends FIN; once flushed there is nothing left to wait for.
      socket.once("finish", () => socket.destroy());
      socket.end();
      closing = settleWithin(closed, closeTimeoutMs, () => socket.destroy()).then(() => closed);
      return closing;
    },
  };
}
