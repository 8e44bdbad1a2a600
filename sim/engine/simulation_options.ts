/**
 * What a simulation, its run and its clients can be told.
 *
 * @module
 */
import type {
  ApplicationHooks,
  DeliverPath,
  Logger,
  LogLevel,
  Parser,
  ServerOptions,
  Socket,
  SocketHandlers,
  TransportOptions,
  WebSocketOptions,
} from "../../mod.ts";
import type { ClientProtocol } from "./client.ts";
import type { FaultMix, LinkFaults } from "./faults.ts";
import type { FaultPlan } from "./fault_plan.ts";
import type { Invariant } from "./invariant.ts";
import type { TraceMode } from "./trace.ts";

/** Options of `Simulation`. */
export interface SimulationOptions {
  /** Decides every draw of the run. */
  seed: number;
  /** The application, or a factory given the logger the simulation watches. */
  application: ApplicationHooks | ((logger: Logger) => ApplicationHooks);
  /** The delivery path under test. Default: the core's `deliverResult`. */
  deliver?: DeliverPath;
  parser?: Parser;
  /** Further server options (limits, flash policy, internal depth). */
  server?: Omit<ServerOptions, "application" | "parser" | "logger" | "clock" | "deliver">;
  /**
   * How long the connection layer waits for a closing peer to take what is queued, in
   * virtual ms. Default 1000.
   */
  closeTimeoutMs?: number;
  /** Builds each connection of the layer: only for tests that plant a bug in it. */
  connect?: TransportOptions["connect"];
  /**
   * Limits of the WebSocket clients' connections. `maxMessageBytes` defaults to the parser's,
   * as on the adapters' ports.
   */
  websocket?: WebSocketOptions;
  /**
   * How long an HTTP request head may take on the WebSocket clients' port (the handshake
   * timeout), in virtual ms. Default the adapters' `DEFAULT_HANDSHAKE_TIMEOUT_MS`.
   */
  handshakeTimeoutMs?: number;
  /**
   * What the port of the sniffed clients (every WebSocket client) speaks: `sniff` (default),
   * raw TCP or HTTP by the first bytes; `http`, HTTP alone (anything else is answered 400).
   */
  portProtocol?: "sniff" | "http";
  /**
   * How long a silent socket of that port stays undecided before it is served as raw
   * (`sniffed` TCP clients), in virtual ms. Default the adapters' `DEFAULT_SNIFF_TIMEOUT_MS`.
   */
  sniffTimeoutMs?: number;
  /** Wraps parts of the WebSocket path: only for tests that plant a bug in it. */
  webSocketPlant?: WebSocketPlant;
  /** Every client's link is drawn from this mix (default: clean links)... */
  mix?: FaultMix;
  /** ...then these properties override it. */
  link?: Partial<LinkFaults>;
  /** The server's timers fire up to this many ms late (fault `server.late-timer`). Default: on time. */
  lateTimersMs?: number;
  /** Records the run's faults, or replays a list of them. Default: a new recording. */
  faults?: FaultPlan;
  /**
   * Checked after the run. Default: `defaultInvariants()`. A function is called once
   * the application exists (for invariants that look inside the one a factory made).
   */
  invariants?: Invariant[] | (() => Invariant[]);
  /** Default `hash`: lines are hashed, not kept. */
  trace?: TraceMode;
  /** Quiet microtask turns that count as "the core is done". Default 32 (`QUIET_TURNS`). */
  quietTurns?: number;
  /**
   * What the core (and the application, if made by a factory) logs into `records.logged`:
   * `info` keeps every connect and disconnect with its reason. Default `error`.
   */
  logLevel?: LogLevel;
}

/** Options of `Simulation.run`. All times in virtual milliseconds. */
export interface RunOptions {
  /** Calls `server.shutdown()` at this time. */
  shutdownAtMs?: number;
  /** Stops at this time even if events are left (periodic timers). Default 1 hour. */
  untilMs?: number;
  /** A run that takes more events than this fails. Default 5 million. */
  maxEvents?: number;
}

/** Options of `Simulation.client`. */
export interface ClientOptions {
  /** When it connects, in virtual ms. Default 0. */
  at?: number;
  /** Its name in traces and logs. Default `c1`, `c2`, ... */
  name?: string;
  /** Link properties for this client only. */
  link?: Partial<LinkFaults>;
  /**
   * How it speaks: `tcp` (default) the raw zero-byte protocol; `ws-message` WebSocket with a
   * text frame per message, as a browser; `ws-stream` WebSocket with the zero-byte stream in
   * binary frames, as OpenFL's socket. A WebSocket client's server end goes through the port
   * entrance (sniffing), the HTTP upgrade and the WebSocket socket, as on the adapters' ports.
   */
  protocol?: ClientProtocol;
  /** A WebSocket client in message mode: each message goes in exactly this many frames. */
  fragments?: number;
  /**
   * A `tcp` client whose server end goes through the port's entrance, as on a port that also
   * takes WebSocket: its first bytes decide (`GET ` is HTTP), or its silence (raw, after
   * `sniffTimeoutMs`). A WebSocket client always does.
   */
  sniffed?: boolean;
  /**
   * A WebSocket client whose upgrade request comes in this many pieces, one every `everyMs`
   * (the first as it connects): a head that takes long to arrive.
   */
  trickleHead?: { readonly pieces: number; readonly everyMs: number };
}

/** Where a planted bug may sit on the WebSocket path of each WebSocket client. */
export interface WebSocketPlant {
  /** Wraps the raw socket that the entrance, the upgrade and the WebSocket socket write to. */
  raw?: (socket: Socket) => Socket;
  /** Wraps the layer's handlers, which the WebSocket socket gives what it decoded. */
  layer?: (handlers: SocketHandlers) => SocketHandlers;
}
