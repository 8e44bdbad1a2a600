/**
 * The server side of a simulation: the real core and the real connection layer, and how
 * each client's socket reaches them: as it is (TCP), or through the port entrance, the HTTP
 * upgrade and the WebSocket socket (WebSocket), composed as the runtime adapters compose them.
 *
 * @module
 */
import {
  type Admission,
  type Clock,
  type Connection,
  type ConnectionEvents,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_SNIFF_TIMEOUT_MS,
  type DeliverPath,
  Entrance,
  type Index,
  type Limits,
  limitsWith,
  type Logger,
  Server,
  type ServerOptions,
  type Socket,
  type SocketHandlers,
  Transport,
} from "../../mod.ts";
import type { SimClient } from "./client.ts";
import type { Records } from "./records.ts";
import type { SimulationOptions } from "./simulation_options.ts";
import type { Trace } from "./trace.ts";
import type { FaultPlan } from "./fault_plan.ts";
import { serverClock } from "./late_clock.ts";

/** What the server side needs of its simulation. */
export interface ServerSideParts {
  readonly options: SimulationOptions;
  readonly application: ServerOptions["application"];
  readonly deliver: DeliverPath;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly records: Records;
  readonly trace: Trace;
  /** The run's faults (the server's late timers are drawn from it). */
  readonly faults: FaultPlan;
  /** The virtual time, in microseconds. */
  now(): number;
  /** The core must settle after this event. */
  touch(): void;
  /** Ends an iteration of the simulated event loop (the layer's `defer`). */
  soon(run: () => void): void;
}

/**
 * The real {@linkcode Server} and {@linkcode Transport}, and the opening of each client's
 * socket: the layer admits it, the core accepts or refuses it, and the simulation learns which
 * client has which index.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application } from "../../mod.ts";
 * import { Simulation } from "./simulation.ts";
 * const sim = new Simulation({ seed: 1, application: new Application({ storage: null }) });
 * const alice = sim.client({ protocol: "ws-message" });
 * await sim.run({ shutdownAtMs: 50 });
 * assert.equal(sim.clientOf(alice.index!), alice); // what the server side learnt
 * ```
 */
export class ServerSide {
  readonly server: Server;
  readonly transport: Transport;
  readonly limits: Limits;
  readonly #parts: ServerSideParts;
  readonly #byIndex = new Map<Index, SimClient>();
  /** The client whose socket the layer is opening, while it does. */
  #opening: SimClient | undefined;
  /** The port of the sniffed clients (every WebSocket client), once one connected. */
  #entrance: Entrance | undefined;
  /** The sniffed clients, by the raw socket the port was given. */
  readonly #sniffed = new Map<Socket, SimClient>();
  /** The client whose event the port is handling, while it does. */
  #speaking: SimClient | undefined;

  constructor(parts: ServerSideParts) {
    this.#parts = parts;
    const { options, clock, logger } = parts;
    this.limits = limitsWith(options.server?.limits);
    this.server = new Server({
      ...options.server,
      application: parts.application,
      parser: options.parser,
      logger,
      clock: serverClock(clock, parts.faults, options.lateTimersMs),
      deliver: parts.deliver,
    });
    const server = this.server;
    this.transport = new Transport({
      accept: (connection) => this.#admit(connection),
      shutdown: () => server.shutdown(),
    }, {
      clock,
      // An event-loop iteration of the simulation is one event and what settles after it.
      // A flush resumes nothing in the core by itself: a drain it settles touches the run.
      defer: parts.soon,
      closeTimeoutMs: options.closeTimeoutMs ?? 1000,
      connect: options.connect,
      logger,
    });
  }

  /** The client the server knows by `index`. */
  clientOf(index: Index): SimClient | undefined {
    return this.#byIndex.get(index);
  }

  /** The server's end of `client`'s connection arrived: hands it to the server. */
  accept(client: SimClient, socket: Socket): SocketHandlers {
    if (!client.sniffed) return this.#open(client, socket);
    this.#parts.touch();
    const plant = this.#parts.options.webSocketPlant;
    const raw = plant?.raw ? plant.raw(socket) : socket;
    this.#sniffed.set(raw, client);
    const handlers = this.#port().open(raw);
    // What the port hands the layer while it takes this client's bytes is this client's.
    const as = <T>(run: () => T): T => {
      this.#speaking = client;
      try {
        return run();
      } finally {
        this.#speaking = undefined;
      }
    };
    return {
      data: (bytes) => as(() => handlers.data(bytes)),
      end: () => as(() => handlers.end()),
      error: (error) => as(() => handlers.error(error)),
      closed: () => as(() => handlers.closed()),
    };
  }

  /** Resets the sockets still in their handshake, as an adapter's close does. */
  closePending(): void {
    this.#entrance?.closePending();
  }

  /**
   * The port every sniffed client connects to, one for the run as on the adapters: its
   * WebSocket connections share the framing cache, the decoders' slab and the ping timer.
   * What a sniffing port of the adapters does (runtimeTransport): a socket that starts with
   * `GET ` is HTTP, upgraded to a WebSocket socket that the layer then opens.
   */
  #port(): Entrance {
    if (this.#entrance) return this.#entrance;
    const { options, clock } = this.#parts;
    const plant = options.webSocketPlant;
    const parserLimit = (this.server.parser as { maxMessageBytes?: number }).maxMessageBytes;
    return this.#entrance = new Entrance((layerSocket) => {
      // A sniffed TCP client's own socket is handed over as it is (no WebSocket on it), at
      // its first bytes or at the sniff timeout; a WebSocket socket during a read of its own.
      const sniffed = this.#sniffed.get(layerSocket);
      if (sniffed) return this.#open(sniffed, layerSocket);
      const client = this.#speaking!;
      const end = client.link.server;
      const handlers = end.watchLayer(this.#open(client, end.tapLayer(layerSocket)));
      return plant?.layer ? plant.layer(handlers) : handlers;
    }, {
      protocol: options.portProtocol ?? "sniff",
      clock,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
      sniffTimeoutMs: options.sniffTimeoutMs ?? DEFAULT_SNIFF_TIMEOUT_MS,
      websocket: { maxMessageBytes: parserLimit, ...options.websocket },
    });
  }

  /** The layer opens the client's socket; the core admits (or refuses) its connection. */
  #open(client: SimClient, socket: Socket): SocketHandlers {
    this.#parts.touch();
    this.#opening = client;
    try {
      return this.transport.open(socket);
    } finally {
      this.#opening = undefined;
    }
  }

  #admit(connection: Connection): Admission {
    const { trace, records, now } = this.#parts;
    const client = this.#opening!;
    // Why a refusal is owed, as the limits promise: the shutdown first, then a full server.
    const why = this.server.accepting ? "server is full" : "server is shutting down";
    const admission = this.server.accept(client.link.watch(connection));
    if (!admission.accepted) {
      if (trace.on) trace.add(now(), client.name, "refused");
      client.admitted(undefined, why);
      return admission;
    }
    const { events } = admission;
    const { index } = events;
    this.#byIndex.set(index, client);
    if (trace.on) trace.add(now(), client.name, `accepted index=${index}`);
    client.admitted(index);
    const data = (bytes: Uint8Array) => {
      client.sent.arrived(now(), bytes);
      client.link.server.heard();
      return events.data(bytes).finally(() => {
        const tail = this.server.connections.pendingInputBytes(index);
        if (tail > (records.maxTailBytes.get(index) ?? 0)) records.maxTailBytes.set(index, tail);
      });
    };
    // Delegated one by one: the core's events are methods of a class, which a spread drops.
    const observed: ConnectionEvents = {
      index: events.index,
      data,
      end: () => events.end(),
      error: (error) => events.error(error),
    };
    return { accepted: true, events: observed };
  }
}
