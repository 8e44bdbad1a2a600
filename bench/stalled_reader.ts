/**
 * Server memory with a reader that never reads. Each run starts a fresh server process (of
 * the runtime running this file, so the Node adapter under Node and the Deno adapter under
 * Deno) serving the rooms example and measuring its own memory; that process starts a client
 * process connecting a room of players that save a few KB as fast as the server echoes, plus
 * one client in the same room that stops reading at once. Two runs: the default limits, and
 * the buffer limits taken away, to show what they bound. The command rate limit is off in
 * both (the players go faster than it allows).
 *
 * Run: `node --import tsx bench/stalled_reader.ts [--seconds 5] [--players 3]
 * [--state-bytes 3000]`, or `node_modules/.bin/deno run --allow-net --allow-env --allow-read
 * --allow-run --allow-sys bench/stalled_reader.ts` (the server processes get `--expose-gc`).
 *
 * @module
 */
import process from "node:process";
import { createLogger, type Limits, Server } from "../mod.ts";
import { createRoomsApplication } from "../examples/rooms/mod.ts";
import { systemClock } from "../src/adapter/system_clock.ts";
import { TcpClient } from "../tests/helpers/tcp_client.ts";
import { Player, playUntil } from "../tests/helpers/room_players.ts";
import { describeMachine } from "./machine.ts";
import { type Command, nodeScript, ROOT, runForJson } from "./processes.ts";
import { formatMiB, formatNumber, markdownTable } from "./stats.ts";
import { option } from "./targets.ts";

/** What the client process is asked to do. */
interface ClientsOptions {
  port: number;
  players: number;
  seconds: number;
  stateBytes: number;
}

/** What the client process prints when it is done. */
interface ClientsResult {
  rounds: number[];
  worstRoundMs: number[];
}

/** The buffer limits under test; every run also switches the command rate limit off. */
const RUNS: readonly { name: string; limits: Partial<Limits> }[] = [
  { name: "default limits", limits: {} },
  {
    name: "buffer limits off",
    limits: { maxBufferedBytes: 2 ** 40, slowConsumerTimeoutMs: 2 ** 40 },
  },
];
const SAMPLE_MS = 50;
const runtime = "Deno" in globalThis ? "deno" : "node";
const FILE = "bench/stalled_reader.ts";

/** The client role: players and one stalled reader, for `seconds`; prints a result line. */
async function runClients(options: ClientsOptions): Promise<void> {
  const clients = await TcpClient.connectMany(options.port, options.players + 1);
  const players = clients.slice(1).map((client, n) =>
    new Player(client, n + 1, "arena", options.stateBytes)
  );
  const stalled = new Player(clients[0], 0, "arena", options.stateBytes);
  for (const player of [stalled, ...players]) await player.join();
  stalled.client.pause();
  const ends = performance.now() + options.seconds * 1000;
  await playUntil(players, () => performance.now() > ends);
  const result: ClientsResult = {
    rounds: players.map((player) => player.rounds),
    worstRoundMs: players.map((player) => Math.round(player.worstRoundMs)),
  };
  console.log(JSON.stringify(result));
  for (const client of clients) client.socket.destroy();
}

/** Collects the garbage if the runtime lets us (`--expose-gc`), so figures compare. */
function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** What a server process measured in one run. */
interface RunResult {
  idle: { rss: number; heapUsed: number; external: number };
  peak: { rss: number; heapUsed: number; external: number; buffered: number };
  /** Why the server cut the stalled reader while the players played, if it did. */
  cut: string | undefined;
  /** How long after the stalled reader joined its room it was cut. */
  cutAfterMs: number | undefined;
  clients: ClientsResult;
}

/**
 * The server role, in a fresh process per run: serve, measure idle, run the clients while
 * sampling, print the figures.
 */
async function serveOnce(run: (typeof RUNS)[number], options: Omit<ClientsOptions, "port">) {
  const { serve } = runtime === "deno"
    ? await import("../src/adapter/deno/mod.ts")
    : await import("../src/adapter/node/mod.ts");
  // Index 1 is the stalled reader: the client process connects it first.
  const reasons: string[] = [];
  const logger = createLogger({
    level: "info",
    write: (line) => void (line.includes("disconnect index=1 ") && reasons.push(line)),
  });
  const limits = { ...run.limits, commandsPerSecond: 0 };
  const application = createRoomsApplication();
  const server = new Server({ application, clock: systemClock, limits, logger });
  const listener = await serve(server, { port: 0 });
  collect();
  const idle = process.memoryUsage();
  const peak = { rss: idle.rss, heapUsed: idle.heapUsed, external: idle.external, buffered: 0 };
  let joinedAt: number | undefined;
  let cutAfterMs: number | undefined;
  const sample = () => {
    const now = process.memoryUsage();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed);
    peak.external = Math.max(peak.external, now.external);
    peak.buffered = Math.max(peak.buffered, server.connections.unsentBytes(1));
    if (application.storage.rooms.roomOf(1) !== undefined) joinedAt ??= performance.now();
    if (cutReason(reasons) && joinedAt !== undefined) cutAfterMs ??= performance.now() - joinedAt;
  };
  const sampler = setInterval(sample, SAMPLE_MS);
  try {
    const request = JSON.stringify({ ...options, port: listener.port });
    const clients = nodeScript(FILE, "--clients", request);
    const result: RunResult = {
      idle: { rss: idle.rss, heapUsed: idle.heapUsed, external: idle.external },
      peak,
      clients: await runForJson<ClientsResult>(clients, (options.seconds + 30) * 1000),
      cut: cutReason(reasons),
      cutAfterMs,
    };
    console.log(JSON.stringify(result));
  } finally {
    clearInterval(sampler);
    await listener.close();
  }
}

/** The limit that cut the stalled reader, from the server's log; the clients' own end is not one. */
function cutReason(lines: readonly string[]): string | undefined {
  const reasons = lines.map((line) => line.match(/reason=(?:"([^"]*)"|(\S+))/)).map((m) =>
    m?.[1] ?? m?.[2]
  );
  return reasons.find((reason) => reason === "slow consumer" || reason === "buffer over hard cap");
}

/** This file run as the server role by the runtime running now. */
function serverProcess(run: number, options: Omit<ClientsOptions, "port">): Command {
  const args = ["--serve", String(run), "--options", JSON.stringify(options)];
  if (runtime === "node") {
    return { program: process.execPath, args: ["--expose-gc", "--import", "tsx", FILE, ...args] };
  }
  const permissions = ["--allow-net", "--allow-env", "--allow-read", "--allow-run", "--allow-sys"];
  return {
    program: `${ROOT}node_modules/.bin/deno`,
    args: ["run", "--quiet", "--v8-flags=--expose-gc", ...permissions, FILE, ...args],
  };
}

async function main(): Promise<void> {
  const options = {
    players: Number(option("players", "3")),
    seconds: Number(option("seconds", "5")),
    stateBytes: Number(option("state-bytes", "3000")),
  };
  console.log(`# Server memory with a stalled reader (${runtime} adapter)`);
  console.log(`machine: ${describeMachine()}`);
  console.log(
    `${options.players} players save ${options.stateBytes}-byte states to their room for ` +
      `${options.seconds} s, each waiting for its echo; one more client in the room never ` +
      `reads. Each run in a fresh server process measuring itself (process.memoryUsage, ` +
      `sampled every ${SAMPLE_MS} ms; idle after a GC); the clients in a process of their own.\n`,
  );
  const rows: string[][] = [];
  const results: Record<string, unknown>[] = [];
  for (const [n, run] of RUNS.entries()) {
    const result = await runForJson<RunResult>(
      serverProcess(n, options),
      (options.seconds + 60) * 1000,
    );
    const { idle, peak, cut, cutAfterMs, clients } = result;
    results.push({ run: run.name, runtime, ...result });
    rows.push([
      run.name,
      `${formatMiB(idle.rss)} / ${formatMiB(peak.rss)}`,
      `${formatMiB(idle.heapUsed)} / ${formatMiB(peak.heapUsed)}`,
      `${formatMiB(idle.external)} / ${formatMiB(peak.external)}`,
      formatMiB(peak.buffered),
      cut ? `${cut} after ${formatNumber(cutAfterMs ?? NaN)} ms` : "not cut",
      `${clients.rounds.join(", ")} (worst ${Math.max(...clients.worstRoundMs)} ms)`,
    ]);
  }
  console.log(markdownTable([
    "run",
    "RSS idle / peak",
    "heap used idle / peak",
    "external idle / peak",
    "stalled reader queued (peak sample)",
    "stalled reader",
    "saves per player (worst round)",
  ], rows));
  console.log(`\nresults: ${JSON.stringify(results)}`);
}

const role = ["--clients", "--serve"].find((flag) => process.argv.includes(flag));
if (role === "--clients") await runClients(JSON.parse(option("clients", "{}")));
else if (role === "--serve") {
  await serveOnce(RUNS[Number(option("serve", "0"))], JSON.parse(option("options", "{}")));
} else await main();
