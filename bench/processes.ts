/**
 * Starting and stopping the processes of a benchmark: servers under test (which announce a
 * {@linkcode ReadyLine} and stop when their stdin closes) and load processes (which print one
 * JSON line and exit). Every wait is bounded: a process that overruns is killed.
 *
 * @module
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { cpus } from "node:os";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { ReadyLine } from "./server_process.ts";

/** The repository root: every command runs from there. */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** A command line: the program and its arguments. */
export interface Command {
  readonly program: string;
  readonly args: readonly string[];
}

/** A TypeScript file of this repository run by Node through tsx. */
export function nodeScript(file: string, ...args: string[]): Command {
  return { program: process.execPath, args: ["--import", "tsx", file, ...args] };
}

/** A TypeScript file of this repository run by the Deno of node_modules. */
export function denoScript(file: string, ...args: string[]): Command {
  return {
    program: `${ROOT}node_modules/.bin/deno`,
    args: ["run", "--quiet", "--allow-net", "--allow-env", "--allow-read", file, ...args],
  };
}

/**
 * The command pinned to one CPU with `taskset`, where there are two CPUs or more and taskset
 * exists; else the command as it is. Pinning the server and the load process to CPUs of
 * their own keeps the scheduler from putting both on one core in some runs and not others.
 */
export function pinned(command: Command, cpu: number): Command {
  if (!canPin()) return command;
  return { program: "taskset", args: ["-c", String(cpu), command.program, ...command.args] };
}

/**
 * Pins this process, every thread of it, to one CPU (where {@linkcode canPin}); children it
 * starts later inherit that CPU unless {@linkcode pinned} gives them another.
 */
export function pinSelf(cpu: number): void {
  if (canPin()) spawnSync("taskset", ["-a", "-p", "-c", String(cpu), String(process.pid)]);
}

/** Whether {@linkcode pinned} pins: two CPUs or more, and a working `taskset`. */
export function canPin(): boolean {
  return cpus().length >= 2 && spawnSync("taskset", ["-p", String(process.pid)]).status === 0;
}

/** A child process that announced itself with a JSON line and runs until stopped. */
export interface Running<T> {
  /** What its first JSON line said. */
  readonly ready: T;
  /** Closes its stdin, waits for it to exit, kills it if it does not. Idempotent. */
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

async function killAfter(child: ChildProcess, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([exited(child), late]);
  clearTimeout(timer);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill("SIGKILL");
    await exited(child);
  }
}

/** Collects a child's stdout into lines as they come. */
function lines(child: ChildProcess, onLine: (line: string) => void): void {
  let pending = "";
  child.stdout?.setEncoding("utf8").on("data", (text: string) => {
    const parts = (pending + text).split("\n");
    pending = parts.pop() ?? "";
    for (const line of parts) if (line.trim() !== "") onLine(line);
  });
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/**
 * Starts a process that prints a JSON line once it is ready and then runs until its stdin
 * closes. Resolves with that line, as `accept` takes it (lines it refuses are skipped), or
 * rejects within `timeoutMs`. `onLine` is given every line it prints, before and after.
 */
export function startProcess<T>(
  command: Command,
  accept: (value: unknown) => T | undefined,
  timeoutMs = 30_000,
  onLine?: (line: string) => void,
): Promise<Running<T>> {
  const child = spawn(command.program, command.args, {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    stopping ??= (async () => {
      child.stdin?.end();
      await killAfter(child, 5_000);
    })();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error("the process was not ready in time")), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      void stop().then(() => reject(error));
    };
    child.once("error", fail);
    child.once("exit", (code) => fail(new Error(`the process exited early (code ${code})`)));
    lines(child, (line) => {
      onLine?.(line);
      const ready = accept(parseJson(line));
      if (ready === undefined) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve({ ready, stop });
    });
  });
}

/** Starts a server under test and resolves once it listens; `onLine` as `startProcess`'s. */
export function startServer(
  command: Command,
  onLine?: (line: string) => void,
): Promise<Running<ReadyLine>> {
  return startProcess(
    command,
    (value) => {
      const ready = value as Partial<ReadyLine> | undefined;
      return typeof ready?.port === "number" && typeof ready.pid === "number"
        ? ready as ReadyLine
        : undefined;
    },
    30_000,
    onLine,
  );
}

/** Runs a process to its end and returns the JSON of its last output line. */
export function runForJson<T>(command: Command, timeoutMs: number): Promise<T> {
  const child = spawn(command.program, command.args, {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let last = "";
  lines(child, (line) => (last = line));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(last) as T);
      else reject(new Error(`${command.args.join(" ")} failed (${signal ?? `code ${code}`})`));
    });
  });
}
