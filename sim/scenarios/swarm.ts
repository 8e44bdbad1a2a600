/**
 * The swarm: one random scenario per seed over the rooms example, with a random fault mix.
 * The suite runs hundreds of seeds; `npm run sim` replays one.
 *
 * @module
 */
import { type Command, type Limits, limitsWith } from "../../mod.ts";
import type { SimClient } from "../engine/client.ts";
import { describeFaultMix, type FaultMix, randomFaultMix } from "../engine/faults.ts";
import { FaultPlan } from "../engine/fault_plan.ts";
import { Random } from "../engine/random.ts";
import type { SimulationReport } from "../engine/report.ts";
import type { Simulation } from "../engine/simulation.ts";
import { simulateSwarmApp, type SwarmApp, type SwarmSimulationOptions } from "./swarm_app.ts";

/** Options of {@linkcode buildSwarm}: the swarm's seed and fault mix are its own. */
export type SwarmOptions = Omit<SwarmSimulationOptions, "seed" | "mix">;

/** A built (not yet run) swarm scenario. */
export interface Swarm {
  readonly seed: number;
  readonly mix: FaultMix;
  readonly app: SwarmApp;
  readonly sim: Simulation;
}

/** When the swarm's server shuts down, in virtual ms. */
export const SWARM_SHUTDOWN_MS = 250;

const ROOMS = ["r0", "r1", "r2"];
const TEXTS = [
  "plain",
  "héllo",
  "日本語のテキスト",
  "🎲 dice 🎲",
  "ünï©ødé ✓",
  'a "quoted" \\ text',
];

/**
 * Builds the scenario of `seed`: a fault mix, 2 to 8 clients that join rooms, save, update,
 * read and peek at secrets (in batches, with the legacy `command` field, with bad messages),
 * and end in every way the mix allows; maybe a connect storm; maybe tight server limits.
 *
 * @example
 * ```ts
 * import { buildSwarm } from "./swarm.ts";
 * const swarm = buildSwarm(1234);
 * const report = await swarm.sim.run({ shutdownAtMs: 250 });
 * ```
 */
export function buildSwarm(seed: number, options: SwarmOptions = {}): Swarm {
  const random = new Random(seed);
  const mix = randomFaultMix(random.fork());
  const faults = options.faults ?? FaultPlan.recording(seed);
  // What the faults draw comes from generators of their own: with or without a fault, the
  // scenario's own draws stay the same.
  const tight = random.chance(mix.tightLimitsRate);
  const limits = tightLimits(random.fork(), tight, faults);
  const server = Object.keys(limits).length > 0 ? { limits } : undefined;
  const { sim, app } = simulateSwarmApp({ server, ...options, seed, mix, faults });
  const clients = random.int(2, 8);
  for (let n = 0; n < clients; n++) {
    scriptClient(sim.client({ at: random.int(0, 40) }), random, mix);
  }
  storm(sim, random.chance(mix.stormRate), random.fork(), faults);
  // Now and then someone knocks after the shutdown and must be refused.
  if (random.chance(0.1)) {
    sim.client({ at: SWARM_SHUTDOWN_MS + random.int(0, 5), name: "late" }).send(
      SWARM_SHUTDOWN_MS + 5,
      {
        code: "get",
        key: "s-0",
      },
    );
  }
  return { seed, mix, app, sim };
}

/** Runs the swarm of `seed` to its end. */
export async function runSwarm(
  seed: number,
  options: SwarmOptions = {},
): Promise<Swarm & { report: SimulationReport }> {
  const swarm = buildSwarm(seed, options);
  const report = await swarm.sim.run({ shutdownAtMs: SWARM_SHUTDOWN_MS });
  return { ...swarm, report };
}

/** The one line that tells what a swarm seed was: its seed and fault mix. */
export function describeSwarm(swarm: Swarm): string {
  return `seed ${swarm.seed}, faults: ${describeFaultMix(swarm.mix)}`;
}

function scriptClient(client: SimClient, random: Random, mix: FaultMix): void {
  const start = random.int(0, 40);
  let time = start;
  let room: string | undefined;
  const messages = random.int(1, 8);
  for (let n = 0; n < messages; n++) {
    time += random.int(0, 8);
    if (random.chance(0.05)) {
      client.send(time, "{not json\0");
      continue;
    }
    const batch: Command[] = [];
    for (let size = random.chance(0.2) ? random.int(2, 3) : 1; size > 0; size--) {
      const command = randomCommand(random, client.name, n, room);
      if (command.code === "goto" || command.command === "goto") room = command.key as string;
      batch.push(command);
    }
    client.send(time, batch.length === 1 ? batch[0] : batch);
  }
  const end = time + random.int(0, 20);
  if (random.chance(mix.abortRate)) client.abort(random.int(start, end + 10));
  else if (random.chance(mix.resetRate)) {
    client.reset(random.int(start, end + 10), random.int(1, 40));
  } else if (random.chance(mix.halfCloseRate)) client.end(end);
  if (random.chance(mix.momentAbortRate)) {
    // A drain waits only on a link with a window: that is where to vanish while drained.
    // Both draws are made either way: whether the link has a window is a fault, and the list
    // that replays this run may drop it without shifting the draws of the rest of the script.
    const windowed = client.link.faults.windowBytes !== Infinity;
    const [preferDrain, any] = [random.chance(0.7), random.int(0, 2)];
    const moment = windowed && preferDrain ? 1 : any;
    if (moment === 0) client.abortAfterConnect();
    else if (moment === 1) client.abortWhileDraining();
    else client.resetBeforeWrite(random.int(1, 6));
  }
  if (random.chance(mix.stalledReaderRate)) {
    client.pauseReading(random.int(start, end));
    if (random.chance(0.5)) client.resumeReading(end + random.int(10, 150));
  }
}

function randomCommand(random: Random, from: string, n: number, room: string | undefined): Command {
  const tag: Command = room === undefined ? {} : { room };
  switch (random.int(0, 9)) {
    case 0:
    case 1:
      return { code: "goto", key: random.pick(ROOMS) };
    case 2:
      return { command: "goto", key: random.pick(ROOMS) };
    case 3:
    case 4:
      return {
        code: random.pick(["set", "save"]),
        key: `s-${n}`,
        state: { ...tag, from, n, text: random.pick(TEXTS) },
      };
    case 5:
      return {
        code: "update",
        key: `list-${room ?? "none"}`,
        index: random.int(0, 20),
        value: { ...tag, from, n },
      };
    case 6:
      return { code: random.pick(["get", "load"]), key: `s-${random.int(0, 5)}` };
    case 7:
      return { code: "peek", key: "secret" };
    case 8:
      return { code: "hint", key: "secret" };
    default:
      return { code: "nope", key: random.pick(ROOMS) };
  }
}

/**
 * Limits tight enough to strike in a 250 ms run: a full server refuses, slow readers are
 * given up on, idle clients are dropped, fast ones are rate limited. Each limit is a fault.
 */
function tightLimits(random: Random, tight: boolean, faults: FaultPlan): Partial<Limits> {
  const drawn: Partial<Limits> = {
    maxConnections: random.int(2, 10),
    drainWaitMs: random.int(1, 50),
    highWaterMarkBytes: random.int(64, 2048),
    slowConsumerTimeoutMs: random.int(60, 300),
    maxBufferedBytes: random.int(2048, 8192),
    idleTimeoutMs: random.pick([0, 30, 100]),
    commandsPerSecond: random.pick([0, 20, 100]),
    commandBurst: random.int(1, 6),
  };
  const limits: Partial<Limits> = {};
  const usual = limitsWith({});
  for (const [name, value] of Object.entries(drawn) as [keyof Limits, number][]) {
    const chosen = tight && value !== usual[name] ? value : undefined;
    const struck = faults.given("server", `limit-${name}`, 0, 0, chosen);
    if (struck !== undefined) (limits as Record<string, number>)[name] = struck;
  }
  // A list may keep one limit of a pair that must agree and drop the other: the one kept
  // brings the other's usual value down with it.
  const { maxBufferedBytes, slowConsumerTimeoutMs } = limits;
  if (maxBufferedBytes !== undefined && limits.highWaterMarkBytes === undefined) {
    limits.highWaterMarkBytes = Math.min(usual.highWaterMarkBytes, maxBufferedBytes);
  }
  if (slowConsumerTimeoutMs !== undefined && limits.drainWaitMs === undefined) {
    limits.drainWaitMs = Math.min(usual.drainWaitMs, slowConsumerTimeoutMs);
  }
  return limits;
}

/**
 * Many clients joining, and some leaving, in the same virtual millisecond: a fault whose value
 * is how many.
 */
function storm(sim: Simulation, storming: boolean, random: Random, faults: FaultPlan): void {
  const at = random.int(0, 60);
  const drawn = random.int(5, 15);
  const size = faults.given("server", "storm", 0, at * 1000, storming ? drawn : undefined) ?? 0;
  for (let n = 1; n <= size; n++) {
    const client = sim.client({ at, name: `storm${n}` });
    const fate = random.int(0, 3);
    if (fate === 0) client.abort(at);
    else if (fate === 1) client.end(at);
    else if (fate === 2) client.send(at, { code: "goto", key: random.pick(ROOMS) }).abort(at);
  }
}
