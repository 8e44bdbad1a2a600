/**
 * The limits at their edges, on the swarm's application: a slow consumer whose wait began at
 * a known moment, a reader that lagged, drained and stalls again, a message trickled in a
 * byte at a time, a second message begun while the first was finishing, and a message too
 * large arriving over the rate. Each named client must be let go for its reason, at its
 * moment, and told why; the broadcaster to a reader that drained must wait for it again.
 *
 * @module
 */
import { type Command, JsonParser, type Limits } from "../../mod.ts";
import { NO_FAULTS } from "../engine/faults.ts";
import { Random } from "../engine/random.ts";
import type { SimulationReport } from "../engine/report.ts";
import { Simulation } from "../engine/simulation.ts";
import { rateBounds, senderProgress, toldWhy } from "../invariants/client_limits.ts";
import { drainWaitFloor } from "../invariants/drain_wait.ts";
import { bufferBounds } from "../invariants/health_invariants.ts";
import { departures, type ExpectedDeparture } from "../invariants/limit_invariants.ts";
import { nothingLeft } from "../invariants/quiet_invariants.ts";
import { replyAccounting } from "../invariants/reply_accounting.ts";
import { transportLayer } from "../invariants/transport_invariants.ts";
import { createSwarmApp } from "./swarm_app.ts";
import { swarmModel } from "./swarm_model.ts";
import { wholeMessages } from "../invariants/wire_invariants.ts";
import type { StoryOptions } from "./swarm_limits.ts";

/** When the edge-limits story's server shuts down, in virtual ms. */
export const EDGE_LIMITS_SHUTDOWN_MS = 260;

/** The story's limits: a drain wait long enough to tell apart from the slow-consumer timeout. */
export const EDGE_LIMITS: Partial<Limits> = {
  maxConnections: 16,
  commandsPerSecond: 20,
  commandBurst: 8,
  idleTimeoutMs: 150,
  partialMessageTimeoutMs: 40,
  maxBadMessages: 3,
  highWaterMarkBytes: 256,
  maxBufferedBytes: 8192,
  drainWaitMs: 20,
  slowConsumerTimeoutMs: 100,
};

const MAX_MESSAGE_BYTES = 1024;

/**
 * How each named client must be let go (ms; links take 1 ms each way). sloth: a first save
 * (at 11) leaves bytes unsent, the server waits for them from the second (at 21): cut at
 * 21 + 100, not a drain wait later.
 * dribbler: its message began at 11, cut 40 later, however many bytes follow. restarter: a
 * second message began at 31, as its first ended: cut at 31 + 40. gulper: cut as its large
 * message arrives, over the rate. stuck: waited for from hasty's second save (at 13).
 * flash: answered its policy at 31. piecemeal: its message passes the limit with its third
 * piece (at 43).
 */
const EXPECTED: Record<string, ExpectedDeparture> = {
  sloth: { reason: "slow consumer", fromMs: 120, toMs: 123 },
  dribbler: { reason: "message not completed in time", fromMs: 50, toMs: 54 },
  restarter: { reason: "message not completed in time", fromMs: 70, toMs: 74 },
  gulper: { reason: "message too large", fromMs: 22, toMs: 26 },
  stuck: { reason: "slow consumer", fromMs: 112, toMs: 116 },
  flash: { reason: "policy answered", fromMs: 31, toMs: 34 },
  piecemeal: { reason: "message too large", fromMs: 43, toMs: 46 },
};

/**
 * Builds the edge-limits story of `seed` (the seed draws the texts and whether the
 * keep-alive clients' links cut segments).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runEdgeLimits } from "./edge_limits.ts";
 * const report = await runEdgeLimits(1);
 * assert.ok(report.ok, report.violations.map((v) => v.message).join("; "));
 * ```
 */
export function buildEdgeLimits(seed: number, options: StoryOptions = {}): Simulation {
  const random = new Random(seed);
  const shutdownAtMs = EDGE_LIMITS_SHUTDOWN_MS;
  const accounting = replyAccounting(swarmModel({ shutdownAtMs, marginMs: 4 }));
  const sim: Simulation = new Simulation({
    seed,
    trace: options.trace,
    faults: options.faults,
    mix: { ...NO_FAULTS, fragmentRate: random.pick([0, 0.4]) },
    link: { serverWindowBytes: 1 << 20 },
    parser: new JsonParser({ maxMessageBytes: MAX_MESSAGE_BYTES }),
    server: { limits: EDGE_LIMITS },
    logLevel: "info",
    closeTimeoutMs: 5,
    application: (logger) => createSwarmApp(seed, logger).application,
    invariants: () => [
      accounting,
      rateBounds(accounting),
      toldWhy(),
      departures((client) =>
        EXPECTED[client.name] ??
          { reason: "shutdown", fromMs: shutdownAtMs, toMs: shutdownAtMs + 5 }
      ),
      drainWaitFloor(accounting, {
        sender: "prober",
        probe: (command) => command.key === "s-again",
        slackMs: 0.5,
      }),
      // Over the mark a reader is lagging at once: its room's sender never waits for it.
      senderProgress(accounting, {
        senders: (client) => client.name === "hasty",
        waitsForDrain: () => false,
        slackMs: 0.5,
      }),
      bufferBounds({ maxQueuedBytes: EDGE_LIMITS.maxBufferedBytes }),
      transportLayer(),
      wholeMessages(),
      nothingLeft({ quietAfterMs: 20 }),
    ],
  });
  const whole = { fragmentRate: 0 };
  const stalling = { windowBytes: 64, highWaterMark: 0, fragmentRate: 0 };
  // Small enough that what a stalled reader holds stays under the mark: it is waited for.
  const save = (key: string, room: string, from: string, times = 20): Command => ({
    code: "save",
    key,
    state: { room, from, text: random.pick(["plain", "ça va", "🎲"]).repeat(times) },
  });
  const alive = (from: number) => [from + 100, from + 200].filter((t) => t < shutdownAtMs - 5);
  const keep = (client: ReturnType<Simulation["client"]>, from: number) => {
    for (const at of alive(from)) client.send(at, { code: "get", key: `s-${at % 5}` });
    return client;
  };
  // Stops reading and never again: its wait begins with the poster's save.
  sim.client({ name: "sloth", link: stalling }).send(1, { code: "goto", key: "r5" })
    .pauseReading(5);
  keep(sim.client({ name: "poster", link: whole }).send(2, { code: "goto", key: "r5" }), 2)
    .send(10, save("s-p", "r5", "poster")).send(20, save("s-q", "r5", "poster"));
  // Lags past the drain wait (a save leaves bytes unsent, the next one is waited for),
  // drains, stalls again: the prober's save after the next fill must wait for it again.
  sim.client({ name: "recoverer", link: stalling }).send(1, { code: "goto", key: "r6" })
    .pauseReading(5).resumeReading(60).pauseReading(80).resumeReading(150)
    .send(110, { code: "get", key: "s-1" }).send(200, { code: "get", key: "s-2" });
  keep(sim.client({ name: "prober", link: whole }).send(2, { code: "goto", key: "r6" }), 2)
    .send(10, save("s-first", "r6", "prober")).send(15, save("s-lag", "r6", "prober"))
    .send(85, save("s-fill", "r6", "prober", 0)).send(90, save("s-again", "r6", "prober", 10))
    .send(91, { code: "get", key: "s-first" });
  // A message begun at 10, a byte every 8 ms after, never ended.
  const dribbler = sim.client({ name: "dribbler", link: whole }).send(
    10,
    '{"code":"get","key":"s-',
  );
  for (let at = 18; at < 150; at += 8) dribbler.send(at, String(at % 10));
  sim.client({ name: "restarter", link: whole }).send(10, '{"code":"get","key":"s-1"')
    .send(30, '}\0{"code":"get",');
  // Its burst spent, then a message too large alone in a read: told why, then cut.
  const frame = (command: Command) => JSON.stringify(command) + "\0";
  const gets = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => frame({ code: "get", key: `s-${n}` }));
  const large = { code: "save", key: "s-9", state: { from: "gulper", text: "x".repeat(1100) } };
  sim.client({ name: "gulper", link: whole }).send(20, gets.join("")).send(22, frame(large));
  // The same message in three reads of 400 bytes and the rest: too large with the third.
  const pieces = frame({ ...large, key: "s-8", state: { ...large.state, from: "piecemeal" } });
  sim.client({ name: "piecemeal", link: whole }).send(5, { code: "get", key: "s-1" })
    .send(40, pieces.slice(0, 400)).send(41, pieces.slice(400, 800)).send(42, pieces.slice(800));
  // U+FFFD written by the client is text like any other, whole in a read or split.
  const odd = frame({ code: "get", key: "s-\uFFFD" });
  const bytes = new TextEncoder().encode(odd); // cut inside the character's three bytes
  keep(sim.client({ name: "replacer", link: whole }), 10).send(8, odd + odd)
    .send(9, bytes.subarray(0, 24)).send(10, bytes.subarray(24));
  // A Flash policy request between two commands of one read: the first is answered, then
  // the policy, then the connection ends.
  const policy = "<policy-file-request/>\0";
  sim.client({ name: "flash", link: whole })
    .send(30, frame({ code: "get", key: "s-1" }) + policy + frame({ code: "get", key: "s-2" }));
  keep(sim.client({ name: "bystander" }).send(5, { code: "goto", key: "r5" }), 5);
  // Saves larger than the mark to a room with a reader that stopped: never waited for.
  sim.client({ name: "stuck", link: stalling }).send(1, { code: "goto", key: "r7" })
    .pauseReading(5);
  keep(sim.client({ name: "hasty", link: whole }).send(2, { code: "goto", key: "r7" }), 2)
    .send(10, save("s-big1", "r7", "hasty", 120)).send(12, save("s-big2", "r7", "hasty", 120))
    .send(12, { code: "get", key: "s-big1" });
  return sim;
}

/** Runs the edge-limits story of `seed`. */
export function runEdgeLimits(seed: number): Promise<SimulationReport> {
  return buildEdgeLimits(seed).run({ shutdownAtMs: EDGE_LIMITS_SHUTDOWN_MS, untilMs: 5_000 });
}
