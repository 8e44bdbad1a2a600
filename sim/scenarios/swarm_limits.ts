/**
 * Two stories for the limits as invariants, on the swarm's application: a tight-limits server
 * (a flooder, an idler, a trickler, a splitter, a bad sender, an oversized and an exactly
 * sized message, a stalled reader, clients knocking on a full server), and a broadcaster among
 * slow readers beside a bystander (sender progress).
 *
 * @module
 */
import { type Command, JsonParser, type Limits } from "../../mod.ts";
import type { SimClient } from "../engine/client.ts";
import { NO_FAULTS } from "../engine/faults.ts";
import { Random } from "../engine/random.ts";
import type { SimulationReport } from "../engine/report.ts";
import { Simulation } from "../engine/simulation.ts";
import type { FaultPlan } from "../engine/fault_plan.ts";
import type { TraceMode } from "../engine/trace.ts";
import { connectionCap, rateBounds, senderProgress, toldWhy } from "../invariants/client_limits.ts";
import { departures, type ExpectedDeparture } from "../invariants/limit_invariants.ts";
import { bufferBounds } from "../invariants/health_invariants.ts";
import { drainWaitFloor } from "../invariants/drain_wait.ts";
import { nothingLeft } from "../invariants/quiet_invariants.ts";
import { replyAccounting } from "../invariants/reply_accounting.ts";
import { transportLayer } from "../invariants/transport_invariants.ts";
import { readFrames } from "../invariants/wire.ts";
import type { Invariant } from "../engine/invariant.ts";
import { wholeMessages } from "../invariants/wire_invariants.ts";
import { createSwarmApp, swarmInvariants } from "./swarm_app.ts";
import { swarmModel } from "./swarm_model.ts";
import { brim, drainProbe, odd } from "./limit_probes.ts";

/** How a story's run is built: its trace and, to replay, its faults. */
export interface StoryOptions {
  trace?: TraceMode;
  faults?: FaultPlan;
}

/** When the tight-limits story's server shuts down, in virtual ms. */
export const TIGHT_SHUTDOWN_MS = 200;

/** The tight limits: every one of them strikes within the story. */
export const TIGHT_LIMITS: Partial<Limits> = {
  maxConnections: 10,
  commandsPerSecond: 20,
  commandBurst: 8,
  idleTimeoutMs: 80,
  partialMessageTimeoutMs: 40,
  maxBadMessages: 3,
  highWaterMarkBytes: 256,
  maxBufferedBytes: 4096,
  drainWaitMs: 4,
  slowConsumerTimeoutMs: 100,
};

const MAX_MESSAGE_BYTES = 1024;

/** How each named client of the tight-limits story must be let go, and when (ms). */
const EXPECTED: Record<string, ExpectedDeparture> = {
  idler: { reason: "idle timeout", fromMs: 83, toMs: 88 },
  trickler: { reason: "message not completed in time", fromMs: 50, toMs: 55 },
  bad: { reason: "too many bad messages", fromMs: 30, toMs: 35 },
  big: { reason: "message too large", fromMs: 25, toMs: 50 },
  stalled: { reason: "buffer over hard cap", fromMs: 20, toMs: 32 },
};

/**
 * Builds the tight-limits story of `seed` (the seed draws fragmentation and the texts).
 *
 * @example
 * ```ts
 * import { runTightLimits } from "./swarm_limits.ts";
 * const report = await runTightLimits(1);
 * ```
 */
export function buildTightLimits(seed: number, options: StoryOptions = {}): Simulation {
  const random = new Random(seed);
  const fragmentRate = random.pick([0, 0.3, 0.6]);
  const accounting = replyAccounting(swarmModel({ shutdownAtMs: TIGHT_SHUTDOWN_MS, marginMs: 4 }));
  const sim: Simulation = new Simulation({
    seed,
    trace: options.trace,
    faults: options.faults,
    mix: { ...NO_FAULTS, fragmentRate },
    link: { serverWindowBytes: 1 << 20 },
    parser: new JsonParser({ maxMessageBytes: MAX_MESSAGE_BYTES }),
    server: { limits: TIGHT_LIMITS },
    logLevel: "info",
    closeTimeoutMs: 5,
    application: (logger) => createSwarmApp(seed, logger).application,
    invariants: () => [
      connectionCap(),
      accounting,
      rateBounds(accounting),
      toldWhy(),
      departures((client) =>
        EXPECTED[client.name] ??
          { reason: "shutdown", fromMs: TIGHT_SHUTDOWN_MS, toMs: TIGHT_SHUTDOWN_MS + 5 }
      ),
      bufferBounds({ maxQueuedBytes: TIGHT_LIMITS.maxBufferedBytes }),
      transportLayer(),
      wholeMessages(),
      nothingLeft({ quietAfterMs: 20 }),
      nothingAfterLeaving(),
    ],
  });
  const client = (name: string, at = 0, whole = false) =>
    sim.client({ name, at, link: whole ? { fragmentRate: 0 } : {} });
  const frame = (message: Command | Command[]) => JSON.stringify(message) + "\0";
  const get = (n: number): Command => ({ code: random.pick(["get", "load"]), key: `s-${n}` });
  const flooder = client("flooder").send(5, [{ code: "goto", key: "r1" }, get(0), get(1), get(2)]);
  for (let n = 0; n < 7; n++) flooder.send(5, n % 2 ? get(n) : { code: "nope", key: "r1" });
  for (let n = 0; n < 4; n++) flooder.send(60, get(n));
  flooder.send(130, [get(1), get(2)]).send(TIGHT_SHUTDOWN_MS - 6, get(3));
  client("idler").send(3, { code: "goto", key: "r2" });
  client("trickler").send(10, '{"code":"get","key":"s-1"');
  client("splitter").send(8, '{"code":"get",').send(12, '"key":"s-2"}\0').send(70, '{"code":"lo')
    .send(95, 'ad","key":"s-3"}\0{"code"').send(120, ':"get","key":"s-4"}').send(121, "\0")
    .send(190, { code: "peek", key: "secret" });
  client("bad").send(20, "{x\0[]\0").send(21, get(1)).send(30, "{a\0{b\0{c\0{d\0").send(30, get(2));
  const large = { code: "save", key: "s-9", state: { from: "big", text: "x".repeat(1100) } };
  client("big", 0, true).send(25, frame(get(1)) + frame(large) + frame(get(2)));
  const exact = (length: number): Command => {
    const state = { from: "exact", n: 0, text: "" };
    const bare = JSON.stringify({ code: "save", key: "s-8", state }).length;
    return { code: "save", key: "s-8", state: { ...state, text: "é".repeat((length - bare) / 2) } };
  };
  let deep: Command = { n: 1 }; // a command nested exactly as deep as the parser allows
  for (let level = 2; level < 32; level++) deep = { a: deep };
  client("exact").send(28, exact(MAX_MESSAGE_BYTES)).send(100, { ...get(8), deep })
    .send(170, { code: "get", key: "s-gone" });
  const stalled = sim.client({
    name: "stalled",
    link: { windowBytes: 512, highWaterMark: 0, fragmentRate: 0 },
  });
  stalled.send(1, { code: "goto", key: "r4" }).pauseReading(2);
  // Asked for while its queue fills: the cap strikes in the middle of this one read.
  const asked = [0, 0, 1, 1].map((n) => frame({ code: "get", key: `s-${n}` })).join("");
  stalled.send(23, asked + frame({ code: "save", key: "s-gone", state: { from: "stalled" } }));
  const talker = client("talker", 0, true).send(3, { code: "goto", key: "r4" });
  for (let n = 0; n < 5; n++) {
    talker.send(10 + 4 * n, {
      code: "save",
      key: `s-${n}`,
      state: { room: "r4", from: "talker", n, text: "ü".repeat(440) },
    });
  }
  talker.send(80, get(0)).send(150, get(1));
  // Quiet for most of an idle timeout, then a burst: the bucket holds no more than its burst.
  const burster = client("burster", 1);
  for (let n = 0; n < 12; n++) burster.send(70, get(n));
  keepAlive(burster, [120, 190]);
  brim(sim, frame, TIGHT_LIMITS.maxBufferedBytes!);
  odd(sim, deep, random);
  keepAlive(client("knocker", 1), [2]);
  keepAlive(client("late1", 100), [100, 150]);
  keepAlive(client("late2", 100), [101, 160]);
  return sim;
}

/**
 * The stalled reader's last read ends with a save, after the cap cut it in that read: the
 * save must never run, so "exact" later reads no state under its key.
 */
function nothingAfterLeaving(): Invariant {
  const name = "nothing after leaving";
  return {
    name,
    check(sim) {
      const witness = sim.clients.find((client) => client.name === "exact");
      const answer = witness && readFrames(witness).flatMap((frame) => frame.commands ?? [])
        .find((command) => command.key === "s-gone" && command.success === true);
      if (!witness?.link.lossless || answer === undefined || answer.state === null) return [];
      return [{
        invariant: name,
        client: "stalled",
        message: `a save it sent in the read the cap cut it in ran: ${JSON.stringify(answer)}`,
      }];
    },
  };
}

function keepAlive(client: SimClient, times: number[]): void {
  for (const time of times) client.send(time, { code: "get", key: `s-${time % 7}` });
}

/** Runs the tight-limits story of `seed`. */
export function runTightLimits(seed: number): Promise<SimulationReport> {
  return buildTightLimits(seed).run({ shutdownAtMs: TIGHT_SHUTDOWN_MS, untilMs: 5_000 });
}

/** When the sender-progress story's server shuts down, in virtual ms. */
export const PROGRESS_SHUTDOWN_MS = 300;

/**
 * Builds the sender-progress story of `seed`: a broadcaster saves to room r0 every few ms;
 * three readers there read 1 to 3 bytes a ms through a small window; a bystander in no room
 * asks for states meanwhile. `drainWaitMs` is 20.
 *
 * @example
 * ```ts
 * import { runSenderProgress } from "./swarm_limits.ts";
 * const report = await runSenderProgress(1);
 * ```
 */
export function buildSenderProgress(seed: number, options: StoryOptions = {}): Simulation {
  const random = new Random(seed);
  let app: ReturnType<typeof createSwarmApp> | undefined;
  const accounting = replyAccounting(swarmModel({ shutdownAtMs: PROGRESS_SHUTDOWN_MS }));
  const sim = new Simulation({
    seed,
    trace: options.trace,
    faults: options.faults,
    server: {
      limits: { drainWaitMs: 20, highWaterMarkBytes: 1 << 16, slowConsumerTimeoutMs: 10_000 },
    },
    closeTimeoutMs: 5,
    application: (logger) => (app = createSwarmApp(seed, logger)).application,
    invariants: () => [
      ...swarmInvariants(app!, PROGRESS_SHUTDOWN_MS).filter((invariant) =>
        invariant.name !== "reply accounting"
      ),
      accounting,
      drainWaitFloor(accounting, {
        sender: "prober",
        probe: (command) => command.key === "s-probe",
        slackMs: 0.5,
      }),
      senderProgress(accounting, {
        senders: (client) => client.name === "broadcaster" || client.name === "bystander",
        waitsForDrain: (client) => client.name === "broadcaster",
        slackMs: 0.5,
      }),
    ],
  });
  for (let n = 1; n <= 3; n++) {
    sim.client({
      name: `slow${n}`,
      link: { windowBytes: 64, highWaterMark: 0, readBytesPerMs: random.int(2, 3) },
    }).send(1, { code: "goto", key: "r0" });
  }
  const broadcaster = sim.client({ name: "broadcaster" }).send(3, { code: "goto", key: "r0" });
  for (let n = 0; n < 12; n++) {
    broadcaster.send(80 + 3 * n, {
      code: "save",
      key: `s-${n}`,
      state: {
        room: "r0",
        from: "broadcaster",
        n,
        text: random.pick(["héllo", "plain", "🎲"]).repeat(60),
      },
    });
  }
  drainProbe(sim, random);
  const bystander = sim.client({ name: "bystander" });
  for (let n = 0; n < 10; n++) bystander.send(82 + 5 * n, { code: "get", key: `s-${n}` });
  return sim;
}

/** Runs the sender-progress story of `seed`. */
export function runSenderProgress(seed: number): Promise<SimulationReport> {
  return buildSenderProgress(seed).run({ shutdownAtMs: PROGRESS_SHUTDOWN_MS, untilMs: 5_000 });
}
