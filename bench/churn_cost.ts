/**
 * The server's cost of one churned connection: connect, send `{"code":"get","key":"x"}\0`,
 * read the reply, close, `--rate` a second (Poisson arrivals) for `--seconds`, against the
 * rooms game on the Node or the Deno adapter. Reports, per connection, the server process's
 * CPU (all its threads, from /proc/<pid>/task/\*\/schedstat, in µs), its garbage collections
 * (V8's `--trace-gc`: scavenges per 1,000 connections, their mean and longest pause) and the
 * bytes it allocated (what the collections found, per connection).
 *
 * `--base DIR` runs the same against another checkout (the code before a change: `/work/main`,
 * say): both servers run side by side on the server's CPU and are churned in turn, `--rate` a
 * second each, so that both see the same machine at the same moments; the report gives this
 * checkout's CPU per connection as a ratio to the base's. `--idle N` holds N idle connections
 * on each (default 100: as beside players, their idle timers keep Node's list of 10-minute
 * timers alive, which a lone churned connection would make and drop every time). `--floor`
 * adds a bare server of the runtime that answers every read with the same reply, no parsing:
 * the cost of the system calls and the runtime's sockets alone. `--node-flags "..."` passes
 * flags to the Node servers (`--cpu-prof --cpu-prof-dir /tmp/prof`, say), `--deno-flags "..."`
 * to the Deno servers' `deno run` (`--cpu-prof` works there too).
 *
 * `node --import tsx bench/churn_cost.ts [--targets node,deno] [--base DIR] [--rounds 3]
 * [--rate 1000] [--seconds 4] [--idle 100] [--floor] [--node-flags "..."] [--deno-flags "..."]`. The servers get CPU 1, the clients
 * CPU 0.
 *
 * @module
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import process from "node:process";
import { churnedConnection } from "./churned_connection.ts";
import { seededRandom } from "./message_stream.ts";
import {
  type Command,
  denoScript,
  nodeScript,
  pinned,
  pinSelf,
  ROOT,
  startProcess,
} from "./processes.ts";
import { listenOnLoopback, runServerProcess } from "./server_process.ts";
import { formatNumber, markdownTable, median } from "./stats.ts";
import { option } from "./targets.ts";
import { type Gc, parseGc, summarizeGcs, withTraceGc } from "./trace_gc.ts";

const HOST = "127.0.0.1";
const SERVER_CPU = 1;
const LOAD_CPU = 0;
const SCRIPT = "bench/churn_cost.ts";
/** Connections made before the window, so that both checkouts are measured warm. */
const WARMUP = 1000;
/** After the last reply: the server's closes are done well within this. */
const SETTLE_MS = 300;
/** A churned connection not answered in this long fails the run. */
const LIFE_MS = 10_000;

/** The server: the rooms game of checkout `root`, on this runtime's adapter. */
async function serve(root: string): Promise<never> {
  if (root === "raw") return serveRaw();
  const deno = "Deno" in globalThis;
  const { serve } = await import(`${root}/src/adapter/${deno ? "deno" : "node"}/mod.ts`);
  const { Server } = await import(`${root}/mod.ts`);
  const { createRoomsApplication } = await import(`${root}/examples/rooms/mod.ts`);
  const { systemClock } = await import(`${root}/src/adapter/system_clock.ts`);
  const application = createRoomsApplication();
  const limits = { maxConnections: 100_000, commandsPerSecond: 0 };
  return runServerProcess(() =>
    serve(new Server({ application, clock: systemClock, limits }), { hostname: HOST, port: 0 })
  );
}

const REPLY = '[{"code":"get","key":"x","success":true,"state":null}]\0';

/**
 * The floor: a bare server of this runtime that answers any read with the reply the rooms
 * game gives and closes when the client does, no parsing, no bookkeeping.
 */
function serveRaw(): Promise<never> {
  const reply = new TextEncoder().encode(REPLY);
  if (!("Deno" in globalThis)) {
    return runServerProcess(async () => {
      const server = createServer({ allowHalfOpen: true }, (socket) => {
        socket.setNoDelay(true);
        socket.on("data", () => socket.write(reply)).on("end", () => socket.end())
          .on("error", () => socket.destroy());
      });
      const port = await listenOnLoopback(server);
      return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
    });
  }
  // deno-lint-ignore no-explicit-any
  const deno = (globalThis as any).Deno;
  return runServerProcess(() => {
    const listener = deno.listen({ hostname: HOST, port: 0 });
    void (async () => {
      for await (const conn of listener) {
        void (async () => {
          const buffer = new Uint8Array(256);
          try {
            conn.setNoDelay(true);
            while (await conn.read(buffer) !== null) await conn.write(reply);
          } catch { /* reset */ }
          try {
            conn.close();
          } catch { /* closed */ }
        })();
      }
    })();
    return Promise.resolve({
      port: listener.addr.port,
      close: () => Promise.resolve(listener.close()),
    });
  });
}

/** CPU seconds of every thread of `pid` so far (nanosecond run times, not 10 ms ticks). */
function threadCpuSeconds(pid: number): number {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
    } catch { /* the thread ended */ }
  }
  return ns / 1e9;
}

/**
 * `count` connections, Poisson arrivals at `rate` a second, to each of `ports` in turn (so
 * each gets `rate / ports.length` a second); resolves when all are answered.
 */
async function churn(ports: number[], count: number, rate: number, seed: number): Promise<void> {
  const random = seededRandom(seed);
  const started = performance.now();
  let at = 0;
  const all: Promise<void>[] = [];
  for (let k = 0; k < count; k++) {
    at += -Math.log(1 - random()) * 1000 / rate;
    const wait = started + at - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    all.push(churnedConnection(ports[k % ports.length], LIFE_MS));
  }
  await Promise.all(all);
}

/** What one measured run found, per churned connection. */
interface Measured {
  cpuUs: number;
  scavengesPer1000: number;
  meanPauseMs: number;
  maxPauseMs: number;
  fullGcs: number;
  allocatedKb: number;
}

/** A server process of one checkout, with the collections it prints while `recording`. */
class ServerUnderTest {
  readonly gcs: Gc[] = [];
  recording = false;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly ready: Promise<{ port: number; pid: number }>;

  constructor(target: string, root: string) {
    const command: Command = target === "deno"
      ? denoScript(SCRIPT, "--serve", root)
      : nodeScript(SCRIPT, "--serve", root);
    const traced = withTraceGc(command, target === "deno" ? "deno" : "node");
    const extra = option(`${target === "deno" ? "deno" : "node"}-flags`, "").split(" ")
      .filter((f) => f !== "");
    // Deno's flags go after `run`; Node's before everything.
    traced.args.splice(target === "deno" ? traced.args.indexOf("run") + 1 : 0, 0, ...extra);
    const { program, args } = pinned(traced, SERVER_CPU);
    const child = this.#child = spawn(program, args, { cwd: ROOT, stdio: "pipe" });
    child.stderr.pipe(process.stderr);
    let pending = "";
    this.ready = new Promise((resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`server exited early (${code})`)));
      child.stdout.setEncoding("utf8").on("data", (text: string) => {
        const lines = (pending + text).split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) {
          const gc = parseGc(line);
          if (gc) {
            if (this.recording) this.gcs.push(gc);
          } else if (line.startsWith("{")) resolve(JSON.parse(line));
        }
      });
    });
  }

  /** Per connection, once `count` were measured in `cpuSeconds`. */
  measured(cpuSeconds: number, count: number): Measured {
    const gcs = this.gcs;
    const { scavenges, meanPauseMs, maxPauseMs, full } = summarizeGcs(gcs);
    // Allocated: what each collection found above what the one before it left.
    let allocatedMb = 0;
    for (let k = 1; k < gcs.length; k++) {
      allocatedMb += Math.max(0, gcs[k].beforeMb - gcs[k - 1].afterMb);
    }
    return {
      cpuUs: cpuSeconds * 1e6 / count,
      scavengesPer1000: scavenges * 1000 / count,
      meanPauseMs,
      maxPauseMs,
      fullGcs: full,
      allocatedKb: gcs.length > 1 ? allocatedMb * 1024 / count : NaN,
    };
  }

  async stop(): Promise<void> {
    const child = this.#child;
    child.stdin.end();
    if (child.exitCode === null) await new Promise((resolve) => child.once("exit", resolve));
  }
}

/**
 * Starts a server of each of `roots` on `target`, side by side on the server's CPU, churns
 * them in turn (`rate` a second each), and measures each over the window after warm-up: the
 * checkouts are compared under the same load at the same moments.
 */
async function measure(
  target: string,
  roots: readonly string[],
  rate: number,
  seconds: number,
  idle: number,
  seed: number,
): Promise<Measured[]> {
  const servers = roots.map((root) => new ServerUnderTest(target, root));
  const idleClients: { stop(): Promise<void> }[] = [];
  try {
    const ready = await Promise.all(servers.map((server) => server.ready));
    const ports = ready.map(({ port }) => port);
    for (const port of idle > 0 ? ports : []) {
      idleClients.push(
        await startProcess(
          pinned(
            nodeScript(
              "bench/idle_clients.ts",
              JSON.stringify({ wire: "zerobyte", port, count: idle }),
            ),
            LOAD_CPU,
          ),
          (value) => (value as { open?: number })?.open,
          120_000,
        ),
      );
    }
    const total = rate * ports.length;
    await churn(ports, WARMUP * ports.length, total, seed + 1);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const count = Math.round(rate * seconds);
    for (const server of servers) server.recording = true;
    const before = ready.map(({ pid }) => threadCpuSeconds(pid));
    await churn(ports, count * ports.length, total, seed);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const cpu = ready.map(({ pid }, k) => threadCpuSeconds(pid) - before[k]);
    return servers.map((server, k) => server.measured(cpu[k], count));
  } finally {
    for (const clients of idleClients) await clients.stop();
    for (const server of servers) await server.stop();
  }
}

const mode = process.argv[2];
if (mode === "--serve") await serve(process.argv[3]);

const targets = option("targets", "node,deno").split(",");
const base = option("base", "");
const rounds = Number(option("rounds", "3"));
const rate = Number(option("rate", "1000"));
const seconds = Number(option("seconds", "4"));
const idle = Number(option("idle", "100"));
const here = ROOT.replace(/\/$/, "");
const roots = [
  ...base === "" ? [] : [base.replace(/\/$/, "")],
  here,
  ...process.argv.includes("--floor") ? ["raw"] : [],
];
pinSelf(LOAD_CPU);
const results = new Map<string, Measured[]>();
for (let round = 0; round < rounds; round++) {
  for (const target of targets) {
    // Alternate which checkout is churned first, so that neither always leads.
    const order = round % 2 === 0 ? roots : [...roots].reverse();
    const measured = await measure(target, order, rate, seconds, idle, round + 1);
    order.forEach((root, k) => {
      const key = `${target} ${root}`;
      results.set(key, [...results.get(key) ?? [], measured[k]]);
      console.error(`round ${round + 1} ${key}: ${JSON.stringify(measured[k])}`);
    });
  }
}
const rows: string[][] = [];
const mid = (list: Measured[], field: keyof Measured) => median(list.map((m) => m[field]));
for (const target of targets) {
  for (const root of roots) {
    const list = results.get(`${target} ${root}`)!;
    const ratio = base !== "" && root !== roots[0]
      ? formatNumber(
        median(list.map((m, k) => m.cpuUs / results.get(`${target} ${roots[0]}`)![k].cpuUs)),
        2,
      ) + "x"
      : "";
    rows.push([
      target,
      root,
      list.map((m) => formatNumber(m.cpuUs, 0)).join(", "),
      ratio,
      formatNumber(mid(list, "scavengesPer1000"), 1),
      `${formatNumber(mid(list, "meanPauseMs"), 2)} / ${formatNumber(mid(list, "maxPauseMs"), 2)}`,
      formatNumber(mid(list, "fullGcs"), 0),
      formatNumber(mid(list, "allocatedKb"), 1),
    ]);
  }
}
console.log(
  `# Server cost per churned connection: ${rate}/s for ${seconds} s after ${WARMUP} warm-up, ` +
    `${idle} idle, ${rounds} rounds\n`,
);
console.log(markdownTable([
  "server",
  "checkout",
  "CPU µs per connection (each round)",
  "ratio to base (median of rounds)",
  "scavenges per 1,000",
  "scavenge pause mean / max, ms",
  "full GCs",
  "KiB allocated per connection",
], rows));
process.exit(0);
