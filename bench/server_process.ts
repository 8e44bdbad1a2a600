/**
 * The life of a benchmark server process, the same for every server under test: announce
 * where it listens on stdout, serve until the parent closes stdin (or dies, which closes it
 * too) or a time limit passes, then close and exit. So no server outlives its benchmark.
 *
 * @module
 */
import type { Server } from "node:net";
import process from "node:process";

/** What a server under test must offer. */
export interface BenchListener {
  readonly port: number;
  close(): Promise<void>;
}

/** The line a server process prints once it listens: the parent reads port and pid from it. */
export interface ReadyLine {
  readonly port: number;
  readonly pid: number;
}

/** No server process lives longer than this, whatever its parent does. */
export const MAX_SERVER_SECONDS = 300;

/** How long a closing server may take before the process exits anyway. */
const CLOSE_GRACE_MS = 1000;

/**
 * Runs a server process: starts the listener, prints its {@linkcode ReadyLine} as JSON,
 * waits for stdin to end, closes, exits.
 *
 * @example
 * ```ts
 * import { runServerProcess } from "./server_process.ts";
 * const start = () => Promise.resolve({ port: 0, close: () => Promise.resolve() });
 * const running: Promise<never> = runServerProcess(start); // prints {"port":0,"pid":…}
 * ```
 */
export async function runServerProcess(
  start: () => Promise<BenchListener>,
  print: (line: string) => void = (line) => process.stdout.write(line + "\n"),
): Promise<never> {
  const listener = await start();
  const ready: ReadyLine = { port: listener.port, pid: process.pid };
  print(JSON.stringify(ready));
  await untilStdinEnds(MAX_SERVER_SECONDS * 1000);
  const grace = new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS));
  await Promise.race([listener.close().catch(() => {}), grace]);
  process.exit(0);
}

/**
 * Resolves when stdin ends, which is how a parent stops its benchmark child (its own death
 * closes the pipe too), or after `ms` at the latest.
 */
export function untilStdinEnds(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    process.stdin.on("end", done).on("close", done).on("error", done);
    process.stdin.resume();
  });
}

/** Binds a `node:net` (or `node:http`) server to a free loopback port and returns the port. */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("not a TCP address");
  return address.port;
}
