/**
 * How fast the simulator runs: simulated events and deliveries per second, of wall time and
 * of CPU time, through the real core, the real connection layer and the rooms example, with
 * the default invariants checked after each run.
 *
 * Workloads (`SIM_BENCH_SCENARIO`):
 * - `room` (default): SIM_BENCH_CLIENTS (200) clients in one room, each sending
 *   SIM_BENCH_MESSAGES (10) states that go to all of them. `SIM_BENCH_FAULTS=some` (default):
 *   jitter and fragmentation on every link. `SIM_BENCH_FAULTS=all`: every fault family of the
 *   swarm at once: each link drawn from a mix with delays, jitter, fragmentation, coalescing,
 *   small windows and slow readers; clients that stall, abort, are reset, half-close or vanish
 *   at a core moment; a connect storm. (Tight server limits stay off: they would refuse most
 *   of the room.)
 * - `swarm`: SIM_BENCH_SEEDS (100) seeds of the swarm, each run then replayed from its fault
 *   list, as `tests/sim_swarm.test.ts` does.
 *
 * Run: `node --import tsx bench/sim_throughput.ts` (Deno: `deno run -A bench/sim_throughput.ts`).
 * SIM_BENCH_RUNS (default 5) timed runs after one warm-up; the medians are printed.
 *
 * @module
 */
import process from "node:process";
import { createRoomsApplication } from "../examples/rooms/mod.ts";
import { type FaultMix, Random, Simulation } from "../sim/mod.ts";
import { runSpec } from "../sim/scenarios/replay.ts";

const env = (name: string, fallback: string) => process.env[name] ?? fallback;
const scenario = env("SIM_BENCH_SCENARIO", "room");
const allFaults = env("SIM_BENCH_FAULTS", "some") === "all";
const clients = Number(env("SIM_BENCH_CLIENTS", "200"));
const messages = Number(env("SIM_BENCH_MESSAGES", "10"));
const seeds = Number(env("SIM_BENCH_SEEDS", "100"));
const runs = Number(env("SIM_BENCH_RUNS", "5"));

/** Every family on, at rates a room of 200 lives through. */
const ALL_FAULTS: FaultMix = {
  maxDelayMs: 5,
  jitterMs: 1,
  fragmentRate: 0.1,
  coalesceRate: 0.3,
  windowRate: 0.05,
  slowReaderRate: 0.05,
  stalledReaderRate: 0.05,
  abortRate: 0.05,
  resetRate: 0.05,
  halfCloseRate: 0.05,
  momentAbortRate: 0.05,
  stormRate: 1,
  tightLimitsRate: 0,
};

/** What one run counted. */
interface Counts {
  events: number;
  deliveries: number;
}

/** One room run. */
async function room(seed: number): Promise<Counts> {
  const sim = new Simulation({
    seed,
    trace: "off",
    application: (logger) => createRoomsApplication({ logger }),
    ...(allFaults ? { mix: ALL_FAULTS } : { link: { jitterMs: 1, fragmentRate: 0.1 } }),
  });
  const end = 50 + messages * 10;
  const script = new Random(seed);
  for (let n = 0; n < clients; n++) {
    const client = sim.client({ at: n % 10 });
    client.send(20, { code: "goto", key: "hall" });
    for (let m = 0; m < messages; m++) {
      const state = { from: n, m, text: "héllo" };
      client.send(50 + m * 10 + (n % 7), { code: "set", key: `k${n % 10}`, state });
    }
    if (!allFaults) continue;
    const at = script.int(20, end);
    if (script.chance(ALL_FAULTS.abortRate)) client.abort(at);
    else if (script.chance(ALL_FAULTS.resetRate)) client.reset(at, script.int(1, 40));
    else if (script.chance(ALL_FAULTS.halfCloseRate)) client.end(at);
    if (script.chance(ALL_FAULTS.momentAbortRate)) {
      const moment = script.int(0, 2);
      if (moment === 0) client.abortAfterConnect();
      else if (moment === 1) client.abortWhileDraining();
      else client.resetBeforeWrite(script.int(1, 50));
    }
    if (script.chance(ALL_FAULTS.stalledReaderRate)) {
      client.pauseReading(at).resumeReading(at + script.int(10, 150));
    }
  }
  if (allFaults) {
    for (let n = 1; n <= 15; n++) {
      const client = sim.client({ at: 30, name: `storm${n}` });
      const fate = n % 4;
      if (fate === 0) client.abort(30);
      else if (fate === 1) client.end(30);
      else if (fate === 2) client.send(30, { code: "goto", key: "hall" }).abort(30);
    }
  }
  const report = await sim.run({ shutdownAtMs: end + 100 });
  if (!report.ok) {
    throw new Error(`a bench run broke an invariant: ${report.violations[0].message}`);
  }
  return { events: report.events, deliveries: report.deliveries };
}

/** `seeds` swarm seeds, each run and replayed from its fault list. */
async function swarm(first: number): Promise<Counts> {
  const counts = { events: 0, deliveries: 0 };
  for (let seed = first; seed < first + seeds; seed++) {
    const run = await runSpec({ seed, scenario: "swarm" });
    const again = await runSpec({ seed, scenario: "swarm", faults: run.sim.faults.events });
    if (!run.report.ok || again.report.traceHash !== run.report.traceHash) {
      throw new Error(`swarm seed ${seed} failed or diverged`);
    }
    for (const { report } of [run, again]) {
      counts.events += report.events;
      counts.deliveries += report.deliveries;
    }
  }
  return counts;
}

/** One timed run: its counts, and its seconds of wall and of CPU time. */
async function timed(n: number): Promise<Counts & { wall: number; cpu: number }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const counts = await (scenario === "swarm" ? swarm(1 + n * seeds) : room(n));
  const used = process.cpuUsage(cpu);
  return {
    ...counts,
    wall: (performance.now() - started) / 1000,
    cpu: (used.user + used.system) / 1e6,
  };
}

await timed(1); // warm-up
const results: (Counts & { wall: number; cpu: number })[] = [];
for (let n = 2; n < 2 + runs; n++) results.push(await timed(n));
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rate = (of: "events" | "deliveries", per: "wall" | "cpu") =>
  Math.round(median(results.map((r) => r[of] / r[per]))).toLocaleString("en-US");
const what = scenario === "swarm"
  ? `${seeds} swarm seeds, each run and replayed`
  : `${clients} clients in one room x ${messages} messages, ${allFaults ? "all" : "some"} faults`;
console.log(
  `sim throughput (${what}; median of ${runs} runs): ` +
    `${rate("events", "wall")} events/s, ${rate("deliveries", "wall")} deliveries/s; ` +
    `per CPU second ${rate("events", "cpu")} events, ${rate("deliveries", "cpu")} deliveries` +
    ` — ${results[0].events} events and ${results[0].deliveries} deliveries in the first run`,
);
