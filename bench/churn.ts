/**
 * Connection churn beside two players: a server process holding `--idle` idle connections
 * (10,000) while two players play ping-pong in a room (a `set` of the room's state, echoed to
 * both, then a `get` by the other), first alone and then while `--rate` new connections a
 * second (1,000) connect, send a `get`, read the reply and close, for `--seconds` (10). Reports
 * the players' round trips, p50 / p99, without churn and with it in the same run, and the
 * ratio. The idle and churning clients run in processes of their own.
 *
 * `node --import tsx bench/churn.ts [--targets node,deno] [--idle 10000] [--rate 1000]
 * [--seconds 10] [--arrivals poisson|ticks] [--gc]`. Each process is started with its open-file
 * limit raised to the hard limit; if that is below what the counts need, it stops and says so.
 * `--gc` runs the server with V8's `--trace-gc` and adds its collections in each phase.
 * `--targets node-floor,deno-floor`: bench/churn_floor.ts, a bare server of each runtime that
 * plays the same protocol with no framework, in place of the rooms game: the runtime's floor.
 *
 * @module
 */
import { connect, type Socket } from "node:net";
import process from "node:process";
import { Server } from "../mod.ts";
import { createRoomsApplication } from "../examples/rooms/mod.ts";
import { systemClock } from "../src/adapter/system_clock.ts";
import {
  canPin,
  type Command,
  denoScript,
  nodeScript,
  pinned,
  pinSelf,
  runForJson,
  startProcess,
  startServer,
} from "./processes.ts";
import { CpuMeter, openFileLimit } from "./proc_stats.ts";
import { runServerProcess } from "./server_process.ts";
import { formatNumber, markdownTable, percentile } from "./stats.ts";
import { option } from "./targets.ts";
import { seededRandom } from "./message_stream.ts";
import { type Gc, parseGc, summarizeGcs, withTraceGc } from "./trace_gc.ts";

const SCRIPT = "bench/churn.ts";
/** The targets `node-floor` and `deno-floor`: a bare server of the runtime, no framework. */
const FLOOR = "bench/churn_floor.ts";
/** A churned connection not answered this long after it began is counted as failed. */
const LIFE_MS = 10_000;
const HOST = "127.0.0.1";
/**
 * The churning and idle clients, which would be other machines in a real deployment, get a CPU
 * of their own; the server and the two players (this process) share the other. Unpinned, the
 * players wait for a time slice behind the churn generator (1.8 of the 2 cores busy), and
 * their p99 measures the generator, not the server: 3.45x (Node) and 2.72x (Deno) on a quiet
 * machine, while the server was busy 0.63 of a core, as without churn. Pinned with the server,
 * they wait only for what the server does, in both phases alike.
 */
const SERVER_CPU = 1;
const LOAD_CPU = 0;

/** The server: the rooms game with room for every connection, no command rate (the players'). */
async function serve(maxConnections: number): Promise<never> {
  const { serve } = "Deno" in globalThis
    ? await import("../src/adapter/deno/mod.ts")
    : await import("../src/adapter/node/mod.ts");
  const application = createRoomsApplication();
  const limits = { maxConnections, commandsPerSecond: 0 };
  return runServerProcess(() =>
    serve(new Server({ application, clock: systemClock, limits }), { hostname: HOST, port: 0 })
  );
}

/** A socket that counts the messages (zero bytes) it receives and lets one wait for more. */
class Counted {
  messages = 0;
  #wake = () => {};
  constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Uint8Array) => {
      for (const byte of chunk) if (byte === 0) this.messages++;
      this.#wake();
    }).on("error", () => {});
  }
  static open(port: number): Promise<Counted> {
    return new Promise((resolve, reject) => {
      const socket = connect(
        { host: HOST, port, noDelay: true },
        () => resolve(new Counted(socket)),
      );
      socket.once("error", reject);
    });
  }
  /** Waits until `count` messages in all have come. */
  until(count: number): Promise<void> {
    if (this.messages >= count) return Promise.resolve();
    return new Promise((resolve) => {
      this.#wake = () => this.messages >= count && resolve();
    });
  }
}

/** The two players, until `until`: each round trip, in ms. */
async function play(a: Counted, b: Counted, until: number): Promise<number[]> {
  const times: number[] = [];
  let n = 0;
  while (performance.now() < until) {
    // A sets the room's state: the echo comes to both. Then B gets it.
    const [aSeen, bSeen] = [a.messages + 1, b.messages + 1];
    let start = performance.now();
    a.socket.write(
      `{"code":"set","key":"duel","state":{"n":${n++},"board":[1,2,3,4,5,6,7,8,9]}}\0`,
    );
    await a.until(aSeen);
    times.push(performance.now() - start);
    await b.until(bSeen);
    start = performance.now();
    b.socket.write('{"code":"get","key":"duel"}\0');
    await b.until(bSeen + 1);
    times.push(performance.now() - start);
  }
  return times.slice(Math.min(20, times.length - 1)).sort((x, y) => x - y);
}

/**
 * How the churned connections arrive: `poisson`, as independent clients do (seeded, exponential
 * gaps of mean 1 / rate), or `ticks`, a hundredth of the rate at once every 10 ms (bursts of
 * 10 at 1,000 a second), which is harder on the players.
 */
type Arrivals = "poisson" | "ticks";

/** When each churned connection begins, in ms from the start, in order. */
function arrivalTimes(arrivals: Arrivals, rate: number, seconds: number): number[] {
  const times: number[] = [];
  if (arrivals === "ticks") {
    for (let tick = 0; tick < seconds * 100; tick++) {
      for (let i = 0; i < rate / 100; i++) times.push(tick * 10);
    }
    return times;
  }
  const random = seededRandom(1);
  for (let at = 0; times.length < rate * seconds;) {
    at += -Math.log(1 - random()) * 1000 / rate;
    times.push(at);
  }
  return times;
}

/**
 * The churning clients: `rate` a second for `seconds`, each connect, get, reply, close. Also
 * times each from the connect to the reply, and how late the schedule ran (this process
 * falling behind, not the server).
 */
async function churn(port: number, rate: number, seconds: number, arrivals: Arrivals) {
  const result = { opened: 0, answered: 0, failed: {} as Record<string, number>, lateMs: 0 };
  const fail = (why: string) => (result.failed[why] = (result.failed[why] ?? 0) + 1);
  const replies: number[] = [];
  /** One churned connection, given up (and counted as failed) after LIFE_MS. */
  const one = async () => {
    const began = performance.now();
    let client: Counted | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((resolve) => (timer = setTimeout(resolve, LIFE_MS, "late")));
    const life = (async () => {
      client = await Counted.open(port);
      result.opened++;
      client.socket.write('{"code":"get","key":"lobby"}\0');
      await client.until(1);
    })();
    try {
      if (await Promise.race([life, late]) === "late") fail(`no reply in ${LIFE_MS / 1000} s`);
      else {
        result.answered++;
        replies.push(performance.now() - began);
      }
    } catch (error) {
      fail(String((error as { code?: string }).code ?? error));
    } finally {
      clearTimeout(timer);
      life.catch(() => {}).finally(() => client?.socket.destroy());
      client?.socket.destroy();
    }
  };
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (const due of arrivalTimes(arrivals, rate, seconds)) {
    const wait = started + due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    result.lateMs = Math.max(result.lateMs, performance.now() - started - due);
    pending.push(one());
  }
  await Promise.all(pending);
  replies.sort((x, y) => x - y);
  const reply = [percentile(replies, 0.5), percentile(replies, 0.99)];
  return { ...result, reply, seconds: (performance.now() - started) / 1000 };
}

/** `command` run with its soft open-file limit raised to `files`. */
function withOpenFiles(command: Command, files: number): Command {
  return {
    program: "sh",
    args: ["-c", 'ulimit -Sn "$0" && exec "$@"', String(files), command.program, ...command.args],
  };
}

/** The open-file limit each process needs; fails with a clear message if it cannot have it. */
function openFilesFor(idle: number, rate: number): number {
  const needed = idle + rate + 200;
  const hard = openFileLimit()?.hard ?? "unlimited";
  if (hard !== "unlimited" && Number(hard) < needed) {
    throw new Error(
      `${idle} idle connections and ${rate} a second need ${needed} open files per process; ` +
        `the hard limit here is ${hard}. Raise it (ulimit -Hn, as root) or use --idle/--rate.`,
    );
  }
  return hard === "unlimited" ? needed : Number(hard);
}

/** The collections printed between `from` and `to` (as received: within a few ms). */
function gcsIn(gcs: readonly { at: number; gc: Gc }[], from: number, to: number): string {
  const { scavenges, meanPauseMs, maxPauseMs, full } = summarizeGcs(
    gcs.filter(({ at }) => at >= from && at <= to).map(({ gc }) => gc),
  );
  return `${scavenges}, ${formatNumber(meanPauseMs, 2)} / ${formatNumber(maxPauseMs, 2)}` +
    (full > 0 ? ` (+${full} full)` : "");
}

const mode = process.argv[2];
if (mode === "--serve") await serve(Number(process.argv[3]));
if (mode === "--churn") {
  const [port, rate, seconds] = process.argv.slice(3, 6).map(Number);
  console.log(JSON.stringify(await churn(port, rate, seconds, process.argv[6] as Arrivals)));
  process.exit(0);
}

const idle = Number(option("idle", "10000"));
const rate = Number(option("rate", "1000"));
const seconds = Number(option("seconds", "10"));
const arrivals = option("arrivals", "poisson") as Arrivals;
if (arrivals !== "poisson" && arrivals !== "ticks") throw new Error("--arrivals poisson|ticks");
const traceGc = process.argv.includes("--gc");
const files = openFilesFor(idle, rate);
const rows: string[][] = [];
pinSelf(SERVER_CPU);
for (const target of option("targets", "node,deno").split(",")) {
  const runtime = target.startsWith("deno") ? "deno" : "node";
  const [file, ...args]: [string, ...string[]] = target.endsWith("-floor")
    ? [FLOOR]
    : [SCRIPT, "--serve", String(idle + rate + 10)];
  const script = (runtime === "deno" ? denoScript : nodeScript)(file, ...args);
  const gcs: { at: number; gc: Gc }[] = [];
  const server = await startServer(
    pinned(withOpenFiles(traceGc ? withTraceGc(script, runtime) : script, files), SERVER_CPU),
    (line) => {
      const gc = parseGc(line);
      if (gc) gcs.push({ at: performance.now(), gc });
    },
  );
  const idleClients = await startProcess(
    pinned(
      withOpenFiles(
        nodeScript(
          "bench/idle_clients.ts",
          JSON.stringify({ wire: "zerobyte", port: server.ready.port, count: idle }),
        ),
        files,
      ),
      LOAD_CPU,
    ),
    (value) => (value as { open?: number })?.open,
    120_000,
  );
  try {
    const { port } = server.ready;
    const [a, b] = [await Counted.open(port), await Counted.open(port)];
    for (const player of [a, b]) {
      player.socket.write('{"code":"goto","key":"duel"}\0');
      await player.until(1);
    }
    const serverCpu = new CpuMeter(server.ready.pid);
    const machineCpu = new CpuMeter("machine");
    serverCpu.start();
    machineCpu.start();
    const quietFrom = performance.now();
    const quiet = await play(a, b, performance.now() + seconds * 1000);
    const quietTo = performance.now();
    const cpuQuiet = [serverCpu.stop(), machineCpu.stop()];
    serverCpu.start();
    machineCpu.start();
    const churning = runForJson<
      {
        opened: number;
        answered: number;
        failed: Record<string, number>;
        seconds: number;
        lateMs: number;
        reply: number[];
      }
    >(
      pinned(
        withOpenFiles(
          nodeScript(SCRIPT, "--churn", String(port), String(rate), String(seconds), arrivals),
          files,
        ),
        LOAD_CPU,
      ),
      (seconds * 2 + 30) * 1000 + LIFE_MS,
    );
    await new Promise((r) => setTimeout(r, 300)); // the churn gets going
    const busyFrom = performance.now();
    const busy = await play(a, b, performance.now() + (seconds - 0.6) * 1000);
    const busyTo = performance.now();
    const cpuBusy = [serverCpu.stop(), machineCpu.stop()];
    const churned = await churning;
    a.socket.destroy();
    b.socket.destroy();
    const cpu = ([server, machine]: (number | undefined)[]) =>
      `${formatNumber(server, 2)} / ${formatNumber(machine, 2)}`;
    const ms = (sorted: number[], q: number) => formatNumber(percentile(sorted, q), 2);
    const ratio = (q: number) => formatNumber(percentile(busy, q) / percentile(quiet, q), 2);
    rows.push([
      target,
      `${idleClients.ready} of ${idle}`,
      `${ms(quiet, 0.5)} / ${ms(quiet, 0.99)} (${quiet.length})`,
      `${ms(busy, 0.5)} / ${ms(busy, 0.99)} (${busy.length})`,
      `${ratio(0.5)}x / ${ratio(0.99)}x`,
      `${cpu(cpuQuiet)}; ${cpu(cpuBusy)}`,
      ...traceGc ? [`${gcsIn(gcs, quietFrom, quietTo)}; ${gcsIn(gcs, busyFrom, busyTo)}`] : [],
      `${churned.opened} opened in ${formatNumber(churned.seconds, 1)} s (schedule up to ` +
      `${formatNumber(churned.lateMs / 1000, 1)} s late), ${churned.answered} answered ` +
      `(connect to reply ${formatNumber(churned.reply[0], 1)} / ` +
      `${formatNumber(churned.reply[1], 1)} ms); failed: ${JSON.stringify(churned.failed)}`,
    ]);
  } finally {
    await idleClients.stop();
    await server.stop();
  }
}
console.log(
  `# Two players' round trips, ms (p50 / p99, round trips), ${seconds} s each, ` +
    `${arrivals} arrivals` +
    (canPin()
      ? `; server and players on CPU ${SERVER_CPU}, other clients on CPU ${LOAD_CPU} (taskset)\n`
      : "\n"),
);
console.log(
  markdownTable([
    "server",
    "idle open",
    "no churn",
    "churn",
    "ratio",
    "CPU server / machine, cores",
    ...traceGc ? ["server GCs: scavenges, mean / max pause ms (no churn; churn)"] : [],
    "churn made",
  ], rows),
);
