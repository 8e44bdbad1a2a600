/**
 * The connection layer: the one place between a transport's sockets and the server core.
 * A runtime adapter (or the simulator) hands it each socket record and forwards the socket's
 * events to what {@linkcode Transport.open} returns.
 *
 * @module
 */
import type { Clock } from "../core/clock.ts";
import type { Admission, Connection, ConnectionEvents } from "../core/connection.ts";
import { type Logger, silentLogger } from "../core/logger.ts";
import type { Socket, SocketHandlers } from "./socket.ts";
import {
  type LayerConnection,
  SocketConnection,
  type SocketConnectionOptions,
} from "./socket_connection.ts";
import { type Defer, WriteBatcher } from "./write_batcher.ts";

/** What the layer needs of the server core: `Server` is one. */
export interface Acceptor {
  /** Takes a new connection in, or refuses it (answered and closed by then). */
  accept(connection: Connection): Admission;
  /** Stops taking connections and messages; resolves once every connection is closed. */
  shutdown(): Promise<void>;
}

/** Options of {@linkcode Transport}. */
export interface TransportOptions {
  /** Runs the close timeouts: `systemClock` on a runtime, the virtual clock in a simulation. */
  readonly clock: Clock;
  /** Ends an event-loop iteration: `setImmediate` on a runtime. */
  readonly defer: Defer;
  /** How long closing waits for the peer to take what is queued. Default 2000 ms. */
  readonly closeTimeoutMs?: number;
  readonly logger?: Logger;
  /**
   * Builds each connection. Only for tests that plant a fault in the layer; the default is
   * {@linkcode SocketConnection}.
   */
  readonly connect?: (socket: Socket, options: SocketConnectionOptions) => LayerConnection;
}

/** How long a closing connection may take to flush by default, in milliseconds. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 2000;

/**
 * Serves sockets of any transport with one server core.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application, deliver, ManualClock, Server } from "../../mod.ts";
 * import { Transport } from "./transport.ts";
 * const clock = new ManualClock();
 * const server = new Server({
 *   application: new Application({
 *     storage: null,
 *     defaultController: { handleCommand: (c, { index }) => deliver([index], c) },
 *   }),
 *   clock,
 * });
 * const later: (() => void)[] = [];
 * const transport = new Transport(server, { clock, defer: (run) => later.push(run) });
 * const wire: string[] = [];
 * const handlers = transport.open({
 *   write: (bytes) => void wire.push(new TextDecoder().decode(bytes)),
 *   unsentBytes: 0,
 *   drained: () => Promise.resolve(),
 *   end: () => handlers.closed(),
 *   abort: () => handlers.closed(),
 * });
 * await handlers.data(new TextEncoder().encode('{"code":"ping"}\0'));
 * later.splice(0).forEach((run) => run());
 * assert.deepEqual(wire, ['[{"code":"ping"}]\0']);
 * ```
 */
export class Transport {
  readonly #acceptor: Acceptor;
  readonly #logger: Logger;
  readonly #options: SocketConnectionOptions;
  readonly #connect: NonNullable<TransportOptions["connect"]>;
  /** The sockets not yet closed. */
  readonly #open = new Set<LayerSocket>();
  #closing: Promise<void> | undefined;

  constructor(acceptor: Acceptor, options: TransportOptions) {
    this.#acceptor = acceptor;
    this.#logger = options.logger ?? silentLogger;
    this.#connect = options.connect ?? ((socket, shared) => new SocketConnection(socket, shared));
    this.#options = {
      batcher: new WriteBatcher(options.defer),
      clock: options.clock,
      closeTimeoutMs: options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS,
    };
  }

  /** How many sockets are open (accepted or refused, and not yet closed). */
  get openSockets(): number {
    return this.#open.size;
  }

  /** Takes a new socket: the server core accepts or refuses it. Report its events to the result. */
  open(socket: Socket): SocketHandlers {
    const connection = this.#connect(socket, this.#options);
    const handlers = new LayerSocket(connection, this.#logger, this.#open);
    this.#open.add(handlers);
    const admission = this.#acceptor.accept(connection);
    if (admission.accepted) handlers.admitted(admission.events);
    else this.#logger.debug("connection refused", { reason: admission.reason });
    return handlers;
  }

  /**
   * Stops taking sockets (`stopAccepting`, which may return when it has stopped), shuts the
   * server down (every connection's onDisconnect runs and what it was sent is flushed), and
   * resolves once every socket is closed. Idempotent: later calls return the first's promise.
   */
  close(stopAccepting: () => void | Promise<void>): Promise<void> {
    return this.#closing ??= (async () => {
      const stopped = stopAccepting();
      await this.#acceptor.shutdown();
      await Promise.all([...[...this.#open].map((open) => open.gone()), stopped]);
    })();
  }
}

/**
 * One socket of the layer, as its transport reports to it: an object, not a set of
 * closures, because an idle connection weighs what it holds. The core hears of the end of
 * the connection once, however the socket reports it.
 */
class LayerSocket implements SocketHandlers {
  /** The core's events, until it has heard of the end. */
  #events: ConnectionEvents | undefined;
  readonly #connection: LayerConnection;
  readonly #logger: Logger;
  readonly #open: Set<LayerSocket>;
  #gone: Promise<void> | undefined;
  #markGone: (() => void) | undefined;

  constructor(connection: LayerConnection, logger: Logger, open: Set<LayerSocket>) {
    this.#connection = connection;
    this.#logger = logger;
    this.#open = open;
  }

  /** The core took the connection in: its events are reported from now on. */
  admitted(events: ConnectionEvents): void {
    this.#events = events;
  }

  data(bytes: Uint8Array): Promise<void> {
    return this.#events ? this.#guard(this.#events.data(bytes)) : Promise.resolve();
  }

  end(): void {
    const live = this.#finish();
    if (live) void this.#guard(live.end());
  }

  error(error: unknown): void {
    this.#connection.failed(error);
    const live = this.#finish();
    if (live) void this.#guard(live.error(error));
  }

  closed(): void {
    this.#connection.closed();
    const live = this.#finish();
    if (live) void this.#guard(live.end());
    this.#open.delete(this);
    this.#markGone?.();
  }

  /** Settles once the socket is closed (made only when someone waits for it). */
  gone(): Promise<void> {
    return this.#gone ??= new Promise<void>((resolve) => (this.#markGone = resolve));
  }

  #finish(): ConnectionEvents | undefined {
    const live = this.#events;
    this.#events = undefined;
    return live;
  }

  #guard(promise: Promise<void>): Promise<void> {
    return promise.catch((error) => {
      this.#logger.error("connection event failed", { reason: String(error) });
    });
  }
}
