/**
 * What the runtime adapters share: a connection layer on the system clock, with event-loop
 * iterations ended by `setImmediate`, for the options of `serve`.
 *
 * @module
 */
import type { Logger } from "../core/logger.ts";
import type { Server } from "../core/server.ts";
import { Entrance } from "../transport/entrance.ts";
import { serveDefaults, type ServeOptions } from "../transport/serve_options.ts";
import type { Socket, SocketHandlers } from "../transport/socket.ts";
import { Transport } from "../transport/transport.ts";
import { systemClock } from "./system_clock.ts";

/** What an adapter serves its port with: {@linkcode runtimeTransport}'s result. */
export interface RuntimeTransport {
  readonly transport: Transport;
  readonly hostname: string;
  readonly port: number;
  readonly logger: Logger;
  /** Takes a new socket of the port, as the port's protocol says; report its events to the result. */
  open(socket: Socket): SocketHandlers;
  /** Closes the port: `stopAccepting`, the sockets not yet in the layer, then the layer. */
  close(stopAccepting: () => void | Promise<void>): Promise<void>;
}

/**
 * The connection layer of a runtime adapter, the address to listen on, and the entrance that
 * tells what each socket speaks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application, Server } from "../../mod.ts";
 * import { systemClock } from "./system_clock.ts";
 * import { runtimeTransport } from "./runtime_transport.ts";
 * const server = new Server({ application: new Application({ storage: null }), clock: systemClock });
 * const { transport, port } = runtimeTransport(server, { port: 0 });
 * assert.equal(port, 0);
 * assert.equal(transport.openSockets, 0);
 * ```
 */
export function runtimeTransport(server: Server, options: ServeOptions): RuntimeTransport {
  const { hostname, port, logger, closeTimeoutMs, websocket, ...rest } = serveDefaults(options);
  const clock = systemClock;
  const transport = new Transport(server, { clock, defer: setImmediate, logger, closeTimeoutMs });
  // A text message is one protocol message: by default, the parser's limit is the frames'.
  const parserLimit = (server.parser as { maxMessageBytes?: number }).maxMessageBytes;
  const entrance = new Entrance((socket) => transport.open(socket), {
    ...rest,
    clock,
    websocket: { maxMessageBytes: parserLimit, ...websocket },
  });
  return {
    transport,
    hostname,
    port,
    logger,
    open: (socket) => entrance.open(socket),
    close: (stopAccepting) =>
      transport.close(() => {
        const stopped = stopAccepting();
        entrance.closePending();
        return stopped;
      }),
  };
}

/**
 * Accepts connections one after another until the listener is closed (an accept error that
 * `isClosed` recognises). Any other error (out of file descriptors, say) is logged, and
 * accepting goes on after a short pause that lets some be freed. Returns what stops it:
 * closes the listener and resolves once the loop has ended.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { silentLogger } from "../../mod.ts";
 * import { acceptLoop } from "./runtime_transport.ts";
 * const queue = [1, 2];
 * const listener = {
 *   accept: () => queue.length ? Promise.resolve(queue.shift()!) : new Promise<number>(() => {}),
 *   close: () => void queue.splice(0),
 * };
 * const served: number[] = [];
 * const stop = acceptLoop(listener, () => true, (n) => served.push(n), silentLogger);
 * await new Promise((resolve) => setTimeout(resolve, 10));
 * assert.deepEqual(served, [1, 2]);
 * ```
 */
export function acceptLoop<C>(
  listener: { accept(): Promise<C>; close(): void },
  isClosed: (error: unknown) => boolean,
  serve: (connection: C) => void,
  logger: Logger,
): () => Promise<void> {
  const loop = (async () => {
    for (;;) {
      let connection: C;
      try {
        connection = await listener.accept();
      } catch (error) {
        if (isClosed(error)) return;
        logger.error("accept failed", { reason: String(error) });
        await new Promise((resolve) => setTimeout(resolve, ACCEPT_RETRY_MS));
        continue;
      }
      serve(connection);
    }
  })();
  return () => {
    listener.close();
    return loop;
  };
}

/** How long to wait before accepting again after an accept failed. */
const ACCEPT_RETRY_MS = 100;
