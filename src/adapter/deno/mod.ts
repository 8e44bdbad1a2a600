/**
 * The Deno adapter: serves a core {@linkcode Server} over TCP with `Deno.listen`.
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
import type { Connection } from "../../core/connection.ts";
import type { Server } from "../../core/server.ts";
import {
  acceptSocket,
  createListener,
  type Listener,
  serveDefaults,
  type ServeOptions,
  settleWithin,
  type SocketEvents,
} from "../listener.ts";
import { HeldWrites, TurnEnd } from "../held_writes.ts";

export type { Listener, ServeOptions } from "../listener.ts";

/** How long to wait before accepting again after an accept failed. */
const ACCEPT_RETRY_MS = 100;

/** The size of each connection's read buffer; the parser copies what it keeps of a read. */
const READ_BUFFER_BYTES = 16 * 1024;

/**
 * Listens on `options.hostname:options.port` and serves every connection with `server`.
 * Rejects (as the Node adapter does) when the address cannot be bound.
 */
// deno-lint-ignore require-await -- async so that a throwing Deno.listen rejects
export async function serve<S>(server: Server<S>, options: ServeOptions = {}): Promise<Listener> {
  const { hostname, port, logger, closeTimeoutMs } = serveDefaults(options);
  const listener = Deno.listen({ hostname, port, transport: "tcp" });
  const connections = new Set<Promise<void>>();
  const turnEnd = new TurnEnd();
  const serveOne = (conn: Deno.TcpConn) => {
    try {
      conn.setNoDelay(true);
    } catch {
      // A peer already gone: the first read or write will tell the core.
    }
    const socket = connSocket(conn, closeTimeoutMs, turnEnd);
    const events = acceptSocket(server, socket.connection, () => socket.connection.close(), logger);
    if (!events) return;
    socket.report(events);
    const done = pump(conn, events, socket.closing).finally(() => socket.connection.close());
    connections.add(done);
    void done.then(() => connections.delete(done));
  };
  const accepting = (async () => {
    for (;;) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (error instanceof Deno.errors.BadResource) return; // the listener was closed
        // Out of file descriptors, say: wait a little for some to be freed, then go on.
        logger.error("accept failed", { reason: String(error) });
        await new Promise((resolve) => setTimeout(resolve, ACCEPT_RETRY_MS));
        continue;
      }
      serveOne(conn);
    }
  })();
  return createListener(server, {
    hostname: listener.addr.hostname,
    port: listener.addr.port,
    stopAccepting: () => listener.close(),
    settled: () => Promise.all([accepting, ...connections]).then(() => {}),
  });
}

/** Reads until end of stream, handing each read to the core before reading on. */
async function pump(
  conn: Deno.Conn,
  events: SocketEvents,
  closedByUs: () => boolean,
): Promise<void> {
  const buffer = new Uint8Array(READ_BUFFER_BYTES);
  try {
    for (;;) {
      const read = await conn.read(buffer);
      if (read === null) return void await events.end();
      await events.data(buffer.subarray(0, read));
    }
  } catch (error) {
    // Closed by our side, the core already knows; anything else is the connection failing.
    await (closedByUs() ? events.end() : events.error(error));
  }
}

/** The core's view of one connection, and where it reports a failed write. */
function connSocket(conn: Deno.Conn, closeTimeoutMs: number, turnEnd: TurnEnd) {
  const writer = conn.writable.getWriter();
  let failed: ((error: unknown) => void) | undefined;
  let closing: Promise<void> | undefined;
  let buffered = 0;
  const held = new HeldWrites(turnEnd, (bytes) => {
    buffered += bytes.length;
    writer.write(bytes).then(
      () => void (buffered -= bytes.length),
      (error) => {
        buffered -= bytes.length;
        failed?.(error);
      },
    );
  });
  const connection: Connection = {
    get bufferedBytes() {
      // As in the Node adapter: held bytes count once the peer lags, not before.
      return buffered === 0 ? 0 : buffered + held.bytes;
    },
    write(bytes) {
      if (closing) throw new Error("connection is closed");
      held.add(bytes);
    },
    drain: () => {
      held.flush();
      return writer.ready;
    },
    close: () =>
      closing ??= (async () => {
        held.flush();
        // Closing the writer flushes what is queued, then closes the connection itself.
        await settleWithin(writer.close(), closeTimeoutMs, () => {});
        try {
          conn.close();
        } catch {
          // Already closed by the writer.
        }
      })(),
  };
  return {
    connection,
    closing: () => closing !== undefined,
    report: (events: SocketEvents) => void (failed = (error) => void events.error(error)),
  };
}
