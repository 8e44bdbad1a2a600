/**
 * The fan-out benchmark: N clients in one room, every `update` broadcast to the room, run
 * against these servers in the same run: the raw `node:net` baseline, the framework on the
 * Node adapter and on the Deno adapter (over TCP, and over WebSocket with one text frame per
 * message), and Socket.IO. Each server runs in its own process
 * and the load in another; every figure is also given as a ratio to the raw baseline of the
 * same client count, and the delivery rate as a multiple of Socket.IO's. Each configuration
 * runs `--rounds` times, interleaved, and the tables give the median.
 *
 * Run: `node --import tsx bench/fanout.ts [--clients 10,100,500]
 * [--targets raw,node,deno,ws-node,ws-deno,socketio] [--rounds 2] [--measure-ms 1500]
 * [--pace-ms auto] [--ws-client net|ws] [--in-flight 16384]` (`ws-stream-node`, `ws-stream-deno`:
 * WebSocket in stream mode; `raw-deno`: the raw baseline on `Deno.listen`; `raw-json`: the raw
 * baseline parsing and serializing every message; `node-relay`, `deno-relay`: the framework
 * serving `bench/relay_application.ts`, the lightest game (no store, no list); `--ws-client`: the
 * WebSocket load clients, the light one over `node:net` by default, or the `ws` package's;
 * `--in-flight`: deliveries kept in flight, 65536 to saturate every server at N = 100)
 *
 * @module
 */
import type { FanoutLoadOptions, FanoutLoadResult } from "./fanout_load.ts";
import { describeMachine } from "./machine.ts";
import { waitForQuiet } from "./proc_stats.ts";
import { canPin, nodeScript, pinned, runForJson, startServer } from "./processes.ts";
import { formatNumber, formatPercent, markdownTable, median } from "./stats.ts";
import { option, selectedTargets, type Target } from "./targets.ts";
import type { WebSocketClientKind } from "./ws_load_client.ts";

/**
 * Deliveries kept in flight in the throughput phase. The default keeps the figures comparable
 * with earlier runs; at N = 100 it leaves every server idle part of the time (server CPU 75% to
 * 85%), so the ratio also measures turnaround; `--in-flight 65536` saturates them (99%).
 */
const IN_FLIGHT_DELIVERIES = Number(option("in-flight", "16384"));
/** The latency phase's offered load, the same for every server and client count. */
const OFFERED_DELIVERIES_PER_SECOND = 20_000;
const WARMUP_MS = 500;
/** The throughput phase is cut into windows of this length; the median window counts. */
const WINDOW_MS = 500;

/** The CPUs the server and the load process are pinned to, where pinning is possible. */
const SERVER_CPU = 1;
const LOAD_CPU = 0;

/**
 * How often clients read in the throughput phase: rarely enough that a read takes several
 * messages (N clients share what the server sends), often enough that few pile up.
 */
function paceFor(clients: number): number {
  const chosen = option("pace-ms", "auto");
  return chosen === "auto" ? Math.min(20, Math.max(1, Math.round(clients / 25))) : Number(chosen);
}

function wsClient(): WebSocketClientKind {
  const kind = option("ws-client", "net");
  if (kind !== "net" && kind !== "ws") throw new Error(`--ws-client is net or ws, not ${kind}`);
  return kind;
}

async function runOne(target: Target, clients: number, measureMs: number) {
  const server = await startServer(pinned(target.server, SERVER_CPU));
  try {
    const options: FanoutLoadOptions = {
      wire: target.wire,
      port: server.ready.port,
      serverPid: server.ready.pid,
      clients,
      join: target.join,
      window: Math.max(16, Math.ceil(IN_FLIGHT_DELIVERIES / clients)),
      paceMs: paceFor(clients),
      warmupMs: WARMUP_MS,
      measureMs,
      windows: Math.max(1, Math.round(measureMs / WINDOW_MS)),
      offeredDeliveriesPerSecond: OFFERED_DELIVERIES_PER_SECOND,
      wsClient: wsClient(),
    };
    return await runForJson<FanoutLoadResult>(
      pinned(nodeScript("bench/fanout_load.ts", JSON.stringify(options)), LOAD_CPU),
      60_000,
    );
  } finally {
    await server.stop();
  }
}

/** The median of each figure over the rounds of one configuration. */
function medianResult(runs: readonly FanoutLoadResult[]) {
  const of = (pick: (run: FanoutLoadResult) => number | null) => {
    const values = runs.map(pick).filter((value): value is number => value !== null);
    return values.length === 0 ? null : median(values);
  };
  const delivered = of((run) => run.deliveredPerSecond) ?? NaN;
  const serverCpu = of((run) => run.serverCpu);
  return {
    delivered,
    // Server CPU per delivery, from each run's own average: what the server pays, whether or
    // not it was the side that limited the rate.
    costUs: of((run) =>
      run.serverCpu === null ? null : (run.serverCpu / run.averageDeliveredPerSecond) * 1e6
    ),
    // The same for user time alone: the part the kernel's socket writes do not blur.
    userCostUs: of((run) =>
      run.serverUserCpu === null ? null : (run.serverUserCpu / run.averageDeliveredPerSecond) * 1e6
    ),
    serverCpu,
    loadCpu: of((run) => run.loadCpu),
    otherCpu: of((run) => run.otherCpu),
    p50: of((run) => run.p50Ms) ?? NaN,
    p99: of((run) => run.p99Ms) ?? NaN,
    lost: Math.max(...runs.map((run) => run.lost)),
    unexpected: Math.max(...runs.map((run) => run.unexpected)),
  };
}

type Summary = ReturnType<typeof medianResult>;

function times(value: number | null, baseline: number | null | undefined, digits = 2): string {
  if (value === null || !baseline) return "n/a";
  return `${formatNumber(value / baseline, digits)}x`;
}

function row(
  label: string,
  result: Summary,
  raw: Summary | undefined,
  socketIo: Summary | undefined,
): string[] {
  return [
    label,
    formatNumber(result.delivered),
    times(result.delivered, raw?.delivered),
    times(result.delivered, socketIo?.delivered, 1),
    formatNumber(result.costUs, 2),
    // Efficiency: how many of this server's deliveries one raw-baseline CPU second buys.
    times(raw?.costUs ?? null, result.costUs),
    formatPercent(result.serverCpu),
    formatPercent(result.loadCpu),
    formatPercent(result.otherCpu),
    `${formatNumber(result.p50, 2)} (${times(result.p50, raw?.p50, 1)})`,
    `${formatNumber(result.p99, 2)} (${times(result.p99, raw?.p99, 1)})`,
    result.unexpected === 0 ? String(result.lost) : `${result.lost} (+${result.unexpected} odd)`,
  ];
}

const HEADERS = [
  "server",
  "delivered msg/s",
  "vs raw",
  "vs Socket.IO",
  "server µs CPU/msg",
  "efficiency vs raw",
  "server CPU",
  "load CPU",
  "other CPU",
  "p50 ms (vs raw)",
  "p99 ms (vs raw)",
  "lost",
];

async function main(): Promise<void> {
  const counts = option("clients", "10,100,500").split(",").map(Number);
  const rounds = Number(option("rounds", "2"));
  const measureMs = Number(option("measure-ms", "1500"));
  const targets = selectedTargets();
  console.log(`# Fan-out: one room of N clients, every update broadcast to all N`);
  console.log(`machine: ${describeMachine()}`);
  console.log(
    [
      `server and load in separate processes` +
      (canPin() ? `, pinned to CPU ${SERVER_CPU} and CPU ${LOAD_CPU} (taskset)` : ", not pinned") +
      `, loopback (127.0.0.1); median of ${rounds} interleaved rounds, each on fresh processes`,
      `throughput: closed loop, ${formatNumber(IN_FLIGHT_DELIVERIES)} deliveries in flight ` +
      `(at least 16 updates), clients reading every max(1, min(20, N/25)) ms; ` +
      `${WARMUP_MS} ms warm-up, then the median ${WINDOW_MS} ms window of ${measureMs} ms`,
      `latency: open loop, ${formatNumber(OFFERED_DELIVERIES_PER_SECOND)} deliveries/s offered ` +
      `(${formatNumber(OFFERED_DELIVERIES_PER_SECOND)}/N updates/s), every delivery timed; ` +
      `${WARMUP_MS} ms warm-up, then ${measureMs} ms`,
      `WebSocket load clients: ${wsClient() === "net" ? "node:net and the project's codec" : "ws"}`,
    ].join("\n"),
  );
  const runs = new Map<string, FanoutLoadResult[]>();
  const key = (clients: number, target: Target) => `${clients}/${target.name}`;
  for (let round = 0; round < rounds; round++) {
    for (const clients of counts) {
      for (const target of targets) {
        await waitForQuiet(0.2, 3000);
        try {
          const result = await runOne(target, clients, measureMs);
          runs.set(key(clients, target), [...runs.get(key(clients, target)) ?? [], result]);
        } catch (error) {
          // One failed run leaves a gap in its row; the rest of the benchmark still runs.
          console.error(`${target.name}, N = ${clients}: ${error}`);
        }
      }
    }
  }
  const summaries: Record<string, Summary> = {};
  for (const clients of counts) {
    const rows: string[][] = [];
    for (const target of targets) {
      const done = runs.get(key(clients, target));
      if (done) summaries[key(clients, target)] = medianResult(done);
    }
    for (const target of targets) {
      const summary = summaries[key(clients, target)];
      const [raw, socketIo] = [summaries[`${clients}/raw`], summaries[`${clients}/socketio`]];
      rows.push(summary ? row(target.label, summary, raw, socketIo) : [target.label, "failed"]);
    }
    console.log(`\n## N = ${clients} clients\n`);
    console.log(markdownTable(HEADERS, rows));
  }
  console.log(`\nresults: ${JSON.stringify({ summaries, runs: Object.fromEntries(runs) })}`);
}

await main();
