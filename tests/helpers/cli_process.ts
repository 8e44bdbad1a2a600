/**
 * The example server's CLI as a child process, for tests: start it on either runtime, wait
 * for lines of its log, signal it, and wait for its exit, every wait bounded.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { within } from "./timeout.ts";

/** The repository's root, where the CLI's relative paths start. */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** How one runtime starts the CLI. */
export interface CliRuntime {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** A reason to skip on this runtime, or false. */
  readonly skip: string | false;
}

const onDeno = typeof Deno !== "undefined";

/** Node (`npm start`'s command) everywhere; Deno (`deno task server`'s) when tests run on Deno. */
export const CLI_RUNTIMES: readonly CliRuntime[] = [
  {
    name: "node",
    // On Deno, process.execPath is Deno itself: take Node from the PATH.
    command: onDeno ? "node" : process.execPath,
    args: ["--import", "tsx", "examples/server/node.ts"],
    skip: false,
  },
  {
    name: "deno",
    // The Deno running the tests: signals reach it directly, not through an npm wrapper.
    command: onDeno ? Deno.execPath() : "node_modules/.bin/deno",
    args: [
      "run",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "examples/server/deno.ts",
    ],
    skip: !onDeno && "runs when the tests run on Deno",
  },
];

/** How long a test waits for the CLI to start or to stop. */
export const CLI_WAIT_MS = 20_000;

/** One running CLI. */
export class CliProcess {
  /** Lines of standard output, then of standard error, as they came. */
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  /** Resolves with the exit code (or the signal that ended it). */
  readonly exited: Promise<number | string>;
  readonly #waiters = new Set<() => void>();
  readonly #child: ChildProcessWithoutNullStreams;

  constructor(runtime: CliRuntime, args: readonly string[]) {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1" };
    delete env.HOST;
    delete env.PORT;
    this.#child = spawn(runtime.command, [...runtime.args, ...args], { cwd: ROOT, env });
    this.#collect(this.#child.stdout, this.stdout);
    this.#collect(this.#child.stderr, this.stderr);
    this.exited = new Promise((resolve, reject) => {
      this.#child.once("error", reject);
      this.#child.once("close", (code, signal) => resolve(code ?? signal ?? "unknown"));
    });
  }

  /** Waits for a line of standard output that matches, and returns its match. */
  async line(pattern: RegExp, timeoutMs = CLI_WAIT_MS): Promise<RegExpMatchArray> {
    let found: RegExpMatchArray | undefined;
    let waiter = () => {};
    const seen = new Promise<void>((resolve) => {
      waiter = () => {
        for (const line of this.stdout) found ??= line.match(pattern) ?? undefined;
        if (found) resolve();
      };
    });
    this.#waiters.add(waiter);
    waiter();
    try {
      await within(Promise.race([seen, this.exited]), timeoutMs, `a line like ${pattern}`);
    } finally {
      this.#waiters.delete(waiter);
    }
    if (!found) throw new Error(`exited without a line like ${pattern}:\n${this.output()}`);
    return found;
  }

  /** Waits for the "listening" line and returns the port in it. */
  async port(): Promise<number> {
    const [, port] = await this.line(/INFO listening hostname=\S+ port=(\d+)/);
    return Number(port);
  }

  /** Sends a signal. */
  signal(signal: "SIGINT" | "SIGTERM"): void {
    // Not child.kill(): Deno's node:child_process then reports the signal as the cause of an
    // exit even when the child handled it and exited with a code of its own.
    if (this.#child.pid === undefined) throw new Error("the CLI did not start");
    process.kill(this.#child.pid, signal);
  }

  /** Waits for the exit (bounded) and returns the code. */
  exit(timeoutMs = CLI_WAIT_MS): Promise<number | string> {
    return within(this.exited, timeoutMs, "the CLI to exit");
  }

  /** Kills the process if it still runs (for clean-up after a failure). */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill("SIGKILL");
      await this.exited.catch(() => {});
    }
  }

  /** Everything it printed, for failure messages. */
  output(): string {
    return [...this.stdout, ...this.stderr].join("\n");
  }

  #collect(stream: NodeJS.ReadableStream, lines: string[]): void {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (text: string) => {
      const parts = (partial + text).split("\n");
      partial = parts.pop() ?? "";
      lines.push(...parts);
      for (const waiter of this.#waiters) waiter();
    });
    stream.on("end", () => partial && lines.push(partial));
  }
}
