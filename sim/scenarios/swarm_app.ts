/**
 * The application the swarm and the planted-bug scenarios run: the rooms example's
 * controller (the real one, or a planted copy) and the secrets controller, sharing one
 * RoomModel, with the invariants that can look inside it.
 *
 * @module
 */
import {
  Application,
  type Command,
  type Controller,
  type DeliverPath,
  type Index,
  type Logger,
  MemoryStore,
} from "../../mod.ts";
import { createRoomsController, RoomModel, type RoomsStorage } from "../../examples/rooms/mod.ts";
import type { Invariant } from "../engine/invariant.ts";
import {
  bufferBounds,
  concurrentDrain,
  hiddenInformation,
  hookPairs,
  noEscapedErrors,
  perIndexDelivery,
  roomIsolation,
} from "../invariants/mod.ts";
import { replyAccounting } from "../invariants/reply_accounting.ts";
import { swarmModel } from "./swarm_model.ts";
import { createSecretsController, type SecretsController } from "./secrets_controller.ts";
import type { FaultMix } from "../engine/faults.ts";
import { Simulation, type SimulationOptions } from "../engine/simulation.ts";
import type { TraceMode } from "../engine/trace.ts";

/** The swarm's application and what the checks need to see of it. */
export interface SwarmApp {
  readonly application: Application<RoomsStorage>;
  readonly rooms: RoomModel;
  readonly secrets: SecretsController;
}

/** Options of {@linkcode createSwarmApp}. */
export interface SwarmAppOptions {
  /** Replaces the rooms controller (planted bugs). Default: the example's own. */
  roomsController?: (logger: Logger) => Controller<RoomsStorage>;
}

/**
 * A fresh rooms application (key `secret` goes to the secrets controller) for one run.
 *
 * @example
 * ```ts
 * import { createSwarmApp } from "./swarm_app.ts";
 * import { silentLogger } from "../../mod.ts";
 * const app = createSwarmApp(7, silentLogger);
 * app.rooms.rooms(); // []
 * ```
 */
export function createSwarmApp(
  seed: number,
  logger: Logger,
  options: SwarmAppOptions = {},
): SwarmApp {
  const rooms = new RoomModel();
  const secrets = createSecretsController(`seed-${seed}`);
  const roomsController = options.roomsController?.(logger) ??
    createRoomsController({ logger, maxListLength: 64 });
  const application = new Application<RoomsStorage>({
    storage: { rooms, store: new MemoryStore() },
    defaultController: roomsController,
    controllers: { secret: secrets },
    logger,
  });
  return { application, rooms, secrets };
}

/** Options of {@linkcode simulateSwarmApp}. */
export interface SwarmSimulationOptions extends SwarmAppOptions {
  seed: number;
  mix: FaultMix;
  /** The send path under test. Default: the core's. */
  send?: DeliverPath;
  trace?: TraceMode;
  quietTurns?: number;
  /** Further server options (limits, say). */
  server?: SimulationOptions["server"];
  /** The connection layer's close bound, in virtual ms. */
  closeTimeoutMs?: number;
  /** Records the run's faults, or replays a list. */
  faults?: SimulationOptions["faults"];
}

/**
 * A simulation of a fresh swarm app (the simulation's logger goes to its controllers),
 * checked by {@linkcode swarmInvariants}; add clients, then run it.
 *
 * @example
 * ```ts
 * import { NO_FAULTS } from "../engine/faults.ts";
 * import { simulateSwarmApp } from "./swarm_app.ts";
 * const { sim, app } = simulateSwarmApp({ seed: 1, mix: NO_FAULTS });
 * sim.client().send(1, { code: "goto", key: "r0" });
 * await sim.run({ shutdownAtMs: 50 });
 * app.rooms.rooms(); // []: everyone left at shutdown
 * ```
 */
export function simulateSwarmApp(
  options: SwarmSimulationOptions,
): { sim: Simulation; app: SwarmApp } {
  let app: SwarmApp | undefined;
  const made = () => {
    if (!app) throw new Error("the application was not created");
    return app;
  };
  const { seed, mix, send, trace, quietTurns, server, closeTimeoutMs, faults } = options;
  const sim = new Simulation({
    seed,
    mix,
    faults,
    deliver: send,
    trace,
    quietTurns,
    server,
    closeTimeoutMs,
    application: (logger) => (app = createSwarmApp(seed, logger, options)).application,
    invariants: () => swarmInvariants(made()),
  });
  return { sim, app: made() };
}

/**
 * Every invariant of the library, with room isolation, hidden information and the hooks'
 * room check wired to a rooms model and a list of secrets; the server may queue at most
 * `maxQueuedBytes` for one connection.
 *
 * @example
 * ```ts
 * import { RoomModel } from "../../examples/rooms/mod.ts";
 * import { roomsInvariants } from "./swarm_app.ts";
 * const invariants = roomsInvariants(new RoomModel(), () => undefined);
 * ```
 */
export function roomsInvariants(
  rooms: RoomModel,
  secretOf: (index: Index) => string | undefined,
  maxQueuedBytes = 256 * 1024,
): Invariant[] {
  return [
    perIndexDelivery(),
    concurrentDrain(),
    hookPairs({
      inRoom: (index) => rooms.roomOf(index) !== undefined || rooms.connected().includes(index),
    }),
    noEscapedErrors(),
    bufferBounds({ maxQueuedBytes }),
    roomIsolation({ roomOf: (index) => rooms.roomOf(index), tagOf: roomTag }),
    hiddenInformation({ secretOf }),
  ];
}

/** {@linkcode roomsInvariants} for a swarm app and its secrets controller. */
export function swarmInvariants(app: SwarmApp, shutdownAtMs = 250): Invariant[] {
  return [
    ...roomsInvariants(app.rooms, (index) => app.secrets.secretOf(index)),
    replyAccounting(swarmModel({ shutdownAtMs })),
  ];
}

/**
 * The room a command was said in: scenarios put `room` into the state or value they share,
 * and the rooms controller echoes it to the room with set/save/update.
 */
export function roomTag(command: Command): string | undefined {
  const code = command.code ?? command.command;
  if (code !== "set" && code !== "save" && code !== "update") return undefined;
  const shared = code === "update" ? command.value : command.state;
  if (typeof shared !== "object" || shared === null || Array.isArray(shared)) return undefined;
  return typeof shared.room === "string" ? shared.room : undefined;
}
