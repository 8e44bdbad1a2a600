/**
 * The stage of the hostile-client scenarios: the rooms example with its secrets, a room of
 * well-behaved clients that talk in it, and the checks that the offenders harm nobody.
 *
 * @module
 */
import { type Command, type DeliverPath, type Limits, limitsWith } from "../../mod.ts";
import type { SimClient } from "../engine/client.ts";
import type { LinkFaults } from "../engine/faults.ts";
import {
  type EndToEndLatency,
  endToEndLatency,
  type Origin,
} from "../invariants/latency_invariants.ts";
import type { Invariant } from "../engine/invariant.ts";
import { departures, type ExpectedDeparture } from "../invariants/limit_invariants.ts";
import type { Random } from "../engine/random.ts";
import { Simulation } from "../engine/simulation.ts";
import { createSwarmApp, roomsInvariants, type SwarmApp } from "./swarm_app.ts";
import type { TraceMode } from "../engine/trace.ts";
import type { FaultPlan } from "../engine/fault_plan.ts";

/** The room everyone in a hostile scenario joins. */
export const HOSTILE_ROOM = "arena";

/** Options of {@linkcode hostileRoom}. */
export interface HostileRoomOptions {
  seed: number;
  /** The server's limits: the defaults, with these replaced. */
  limits?: Partial<Limits>;
  /** The limits the checks hold the server to, when they differ from those it runs with. */
  checkedLimits?: Partial<Limits>;
  /** The send path under test. Default: the core's. */
  send?: DeliverPath;
  /** Every client's link (the offender's is set when it is added). Default: clean. */
  link?: Partial<LinkFaults>;
  trace?: TraceMode;
  /** Records the run's faults, or replays a list. */
  faults?: FaultPlan;
  /** Checks of the scenario's own, besides the stage's. */
  invariants?: Invariant[];
}

/** A hostile scenario's stage, ready for clients. */
export interface HostileRoom {
  readonly sim: Simulation;
  readonly app: SwarmApp;
  /** The limits the checks expect (those the server runs with, unless told otherwise). */
  readonly limits: Limits;
  /** The end-to-end latency the others see; its slack is `drainWaitMs`. */
  readonly latency: EndToEndLatency;
  /** Says why and when the core must let `client` go; read when the run is checked. */
  expectDeparture(client: SimClient, expected: () => ExpectedDeparture): void;
}

/**
 * A simulation of the rooms example (with the secrets controller) that keeps the core's
 * `info` log, checked by every rooms invariant, end-to-end latency (slack `drainWaitMs`), the
 * departures the scenario expects, and a bound on what the server queues for one connection:
 * `maxBufferedBytes` (the guard refuses a write that would pass it).
 *
 * @example
 * ```ts
 * import { hostileRoom } from "./hostile_room.ts";
 * const { sim } = hostileRoom({ seed: 1, limits: { slowConsumerTimeoutMs: 2000 } });
 * ```
 */
export function hostileRoom(options: HostileRoomOptions): HostileRoom {
  const limits = limitsWith({ ...options.limits, ...options.checkedLimits });
  const latency = endToEndLatency({ origin: originOf, slackMs: limits.drainWaitMs });
  const expected = new Map<SimClient, () => ExpectedDeparture>();
  let app: SwarmApp | undefined;
  const made = () => {
    if (!app) throw new Error("the application was not created");
    return app;
  };
  const sim = new Simulation({
    seed: options.seed,
    deliver: options.send,
    trace: options.trace,
    faults: options.faults,
    link: options.link,
    logLevel: "info",
    server: { limits: options.limits },
    application: (logger) => (app = createSwarmApp(options.seed, logger)).application,
    invariants: () => [
      ...roomsInvariants(
        made().rooms,
        (index) => made().secrets.secretOf(index),
        limits.maxBufferedBytes,
      ),
      latency,
      departures((client) => expected.get(client)?.()),
      ...options.invariants ?? [],
    ],
  });
  return {
    sim,
    app: made(),
    limits,
    latency,
    expectDeparture: (client, departure) => void expected.set(client, departure),
  };
}

/** What a talker says: a save to the room that tells who sent it, and when. */
export function said(from: SimClient, atMs: number, n: number, pad: string): Command {
  return {
    code: "save",
    key: `said-${from.name}-${n % 8}`,
    state: { room: HOSTILE_ROOM, from: from.name, at: atMs, n, pad },
  };
}

/** The origin of a room save (see {@linkcode said}), for the latency check. */
export function originOf(command: Command): Origin | undefined {
  const state = command.state;
  if (command.code !== "save" || typeof state !== "object" || state === null) return undefined;
  if (Array.isArray(state) || typeof state.at !== "number" || typeof state.from !== "string") {
    return undefined;
  }
  return { sentAtMs: state.at, from: state.from };
}

/** Options of {@linkcode talk}. */
export interface TalkOptions {
  fromMs: number;
  toMs: number;
  /** Time between two saves, drawn in this range for each. */
  periodMs: readonly [number, number];
  /** Size of each save's padding, drawn in this range. */
  padBytes: readonly [number, number];
}

const PAD_TEXTS = ["héllo ", "日本語 ", "🎲 ", "plain ", "ünï©ødé "];

/** Schedules saves to the room from `client`, with multi-byte padding. */
export function talk(client: SimClient, random: Random, options: TalkOptions): void {
  let n = 0;
  for (let at = options.fromMs; at < options.toMs; at += random.int(...options.periodMs)) {
    const size = random.int(...options.padBytes);
    const unit = random.pick(PAD_TEXTS);
    client.send(
      at,
      said(client, at, n++, unit.repeat(Math.ceil(size / unit.length)).slice(0, size)),
    );
  }
}

/** A client that joins the room at `atMs`, says one thing and asks for it back. */
export function probe(sim: Simulation, atMs: number): SimClient {
  const client = sim.client({ at: atMs, name: "probe" });
  client.send(atMs + 1, { code: "goto", key: HOSTILE_ROOM });
  client.send(atMs + 5, said(client, atMs + 5, 0, "probe"));
  client.send(atMs + 10, { code: "get", key: `said-${client.name}-0` });
  return client;
}

/** Whether `client` got the answer to the probe's `get` with the state it saved. */
export function probeAnswered(client: SimClient): boolean {
  return client.messages.some((message) =>
    message.commands?.some((command) =>
      command.code === "get" && command.success === true &&
      originOf({ code: "save", state: command.state ?? null })?.from === client.name
    )
  );
}
