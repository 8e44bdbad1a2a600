/**
 * What hostile senders cost an honest player: a victim's `get` round trip, alone and then
 * beside a garbage sender (60 KB of empty messages per write, reconnecting whenever it is
 * reset), a batch flooder (messages of 20,000 commands) and 50 connections sending a message
 * a byte at a time, against the framework on each runtime with its default limits. The
 * offenders run in a process of their own, so they do not slow the victim's own loop.
 *
 * Run: `node --import tsx bench/hostile_senders.ts [--targets node,deno] [--seconds 4]`
 *
 * @module
 */
import { spawn } from "node:child_process";
import { connect, type Socket } from "node:net";
import process from "node:process";
import { denoScript, nodeScript, startServer } from "./processes.ts";
import { formatNumber, markdownTable, percentile } from "./stats.ts";
import { option } from "./targets.ts";

const seconds = Number(option("seconds", "4"));
const targets = option("targets", "node,deno").split(",");

/** A socket to the server, kept open by `reopen` when it is reset. */
function open(port: number, onData: (chunk: Uint8Array) => void = () => {}): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => resolve(socket));
    socket.on("data", onData).on("error", () => {});
  });
}

/** The victim: `get` after `get`, each timed from the write to the zero byte of its reply. */
async function victimRoundTrips(port: number, until: number): Promise<number[]> {
  let replied = () => {};
  const socket = await open(port, (chunk) => chunk.includes(0) && replied());
  const times: number[] = [];
  while (performance.now() < until) {
    const start = performance.now();
    await new Promise<void>((resolve) => {
      replied = resolve;
      socket.write('{"code":"get","key":"v"}\0');
    });
    times.push(performance.now() - start);
  }
  socket.destroy();
  return times.slice(Math.min(10, times.length - 1)).sort((a, b) => a - b);
}

/** The offenders, until `until`: each loop reopens its socket when the server resets it. */
function offend(port: number, until: number): Promise<unknown> {
  const garbage = new Uint8Array(60_000);
  const batch = JSON.stringify(Array(20_000).fill({})) + "\0";
  const loop = async (send: (socket: Socket) => Promise<void>) => {
    while (performance.now() < until) {
      const socket = await open(port);
      while (!socket.destroyed && performance.now() < until) await send(socket);
      socket.destroy();
    }
  };
  const write = (socket: Socket, data: string | Uint8Array) =>
    new Promise<void>((resolve) => socket.write(data, () => resolve()));
  const trickle = async (socket: Socket) => {
    await write(socket, "{");
    await new Promise((resolve) => setTimeout(resolve, 20));
  };
  return Promise.all([
    loop(async (socket) => {
      // As fast as the socket takes it: keep up to 1 MB queued.
      while (socket.writableLength < 1_000_000 && !socket.destroyed) socket.write(garbage);
      await new Promise((resolve) => setImmediate(resolve));
    }),
    loop((socket) => write(socket, batch)),
    ...Array.from({ length: 50 }, () => loop(trickle)),
  ]);
}

const offendAt = process.argv.indexOf("--offend");
if (offendAt !== -1) {
  // The offenders' process: port and duration from the parent.
  const port = Number(process.argv[offendAt + 1]);
  await offend(port, performance.now() + Number(process.argv[offendAt + 2]));
  process.exit(0);
}

const rows: string[][] = [];
for (const target of targets) {
  const script = "bench/framework_server.ts";
  const command = target === "deno"
    ? denoScript(script, "--default-limits")
    : nodeScript(script, "--default-limits");
  const server = await startServer(command);
  try {
    const { port } = server.ready;
    const quiet = await victimRoundTrips(port, performance.now() + seconds * 1000);
    const offenders = spawn(process.execPath, [
      "--import",
      "tsx",
      "bench/hostile_senders.ts",
      "--offend",
      String(port),
      String(seconds * 1000 + 500),
    ], { stdio: "inherit" });
    await new Promise((resolve) => setTimeout(resolve, 500)); // the offenders get going
    const hostile = await victimRoundTrips(port, performance.now() + seconds * 1000);
    await new Promise((resolve) => offenders.once("exit", resolve));
    const ms = (sorted: number[], q: number) => formatNumber(percentile(sorted, q), 2);
    rows.push([
      target,
      `${ms(quiet, 0.5)} / ${ms(quiet, 0.99)}`,
      `${ms(hostile, 0.5)} / ${ms(hostile, 0.99)}`,
      `${formatNumber(percentile(hostile, 0.5) / percentile(quiet, 0.5), 1)}x / ${
        formatNumber(percentile(hostile, 0.99) / percentile(quiet, 0.99), 1)
      }x`,
    ]);
  } finally {
    await server.stop();
  }
}
console.log(`# A victim's get round trip, ms (p50 / p99), ${seconds} s each\n`);
console.log(markdownTable(["server", "alone", "beside the offenders", "ratio"], rows));
