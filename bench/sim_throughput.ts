/**
 * How fast the simulator runs: simulated deliveries per second of wall time, for a room of
 * clients that all talk to each other over faulty links (jitter, fragmentation), through the
 * real core and the rooms example, with the default invariants checked.
 *
 * Run: `node --import tsx bench/sim_throughput.ts` (Deno: `deno run -A bench/sim_throughput.ts`).
 * Env: SIM_BENCH_CLIENTS (default 200), SIM_BENCH_MESSAGES per client (default 10),
 * SIM_BENCH_RUNS (default 5).
 *
 * @module
 */
import process from "node:process";
import { createRoomsApplication } from "../examples/rooms/mod.ts";
import { Simulation } from "../sim/mod.ts";

const clients = Number(process.env.SIM_BENCH_CLIENTS ?? 200);
const messages = Number(process.env.SIM_BENCH_MESSAGES ?? 10);
const runs = Number(process.env.SIM_BENCH_RUNS ?? 5);

/** One run; returns its deliveries per second of wall time and of CPU time. */
async function once(seed: number) {
  const sim = new Simulation({
    seed,
    trace: "off",
    application: (logger) => createRoomsApplication({ logger }),
    link: { jitterMs: 1, fragmentRate: 0.1 },
  });
  for (let n = 0; n < clients; n++) {
    const client = sim.client({ at: n % 10 });
    client.send(20, { code: "goto", key: "hall" });
    for (let m = 0; m < messages; m++) {
      const state = { from: n, m, text: "héllo" };
      client.send(50 + m * 10 + (n % 7), { code: "set", key: `k${n % 10}`, state });
    }
  }
  const started = performance.now();
  const cpu = process.cpuUsage();
  const report = await sim.run({ shutdownAtMs: 50 + messages * 10 + 100 });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  if (!report.ok) {
    throw new Error(`the bench run broke an invariant: ${report.violations[0].message}`);
  }
  return {
    deliveries: report.deliveries,
    events: report.events,
    wall: report.deliveries / seconds,
    cpu: report.deliveries / ((used.user + used.system) / 1e6),
  };
}

await once(1); // warm-up
const results = [];
for (let seed = 2; seed < 2 + runs; seed++) results.push(await once(seed));
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rate = (value: number) => Math.round(value).toLocaleString("en-US");
console.log(
  `sim throughput: ${
    rate(median(results.map((r) => r.wall)))
  } deliveries/s (median of ${runs} runs;` +
    ` best ${rate(Math.max(...results.map((r) => r.wall)))}/s; per CPU second` +
    ` ${rate(median(results.map((r) => r.cpu)))}) — ${clients} clients in one room x ${messages}` +
    ` messages, ${results[0].deliveries} deliveries and ${results[0].events} events per run`,
);
