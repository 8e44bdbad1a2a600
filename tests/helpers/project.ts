/**
 * Programs run as a user runs them, for the package tests: a command to its end, or a
 * long-running one in a process group of its own (as a terminal's foreground job), so that
 * a Ctrl-C can be sent to every process of it at once. Every wait is bounded.
 */
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { within } from "./timeout.ts";

/** What a finished command printed, and how it ended. */
export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@linkcode run} and {@linkcode Started}. */
export interface RunOptions {
  readonly cwd: string;
  /** Written to standard input, which is then closed. */
  readonly input?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/** Runs a command to its end; rejects (after killing it) if it takes over `timeoutMs`. */
export async function run(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<Finished> {
  const started = new Started(command, args, options);
  try {
    const code = await within(started.exited, options.timeoutMs ?? 60_000, `${command} ${args}`);
    return { code, stdout: started.stdout.join("\n"), stderr: started.stderr.join("\n") };
  } finally {
    await started.stop();
  }
}

/** A command running in its own process group. */
export class Started {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  /** Resolves with the exit code, or null when a signal ended it. */
  readonly exited: Promise<number | null>;
  readonly #child: ChildProcess;
  #ended = false;

  constructor(command: string, args: readonly string[], options: RunOptions) {
    const env: Record<string, string | undefined> = {
      ...process.env,
      NO_COLOR: "1",
      ...options.env,
    };
    // Set by `node --test` for its own children: a `node --test` under it would report to it.
    delete env.NODE_TEST_CONTEXT;
    this.#child = spawn(command, args, {
      cwd: options.cwd,
      env,
      detached: true, // its own process group, as a job started from a terminal
    });
    this.#child.stdin?.end(options.input ?? "");
    collect(this.#child.stdout, this.stdout);
    collect(this.#child.stderr, this.stderr);
    this.exited = new Promise((resolve, reject) => {
      this.#child.once("error", reject);
      this.#child.once("close", (code) => {
        this.#ended = true;
        resolve(code);
      });
    });
  }

  /** Waits for a line of standard output that matches, and returns its match. */
  async line(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const line of this.stdout) {
        const match = line.match(pattern);
        if (match) return match;
      }
      if (this.#ended) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no line like ${pattern}:\n${this.output()}`);
  }

  /** A Ctrl-C at the terminal: SIGINT to every process of the group. */
  interrupt(): void {
    process.kill(-this.#pid(), "SIGINT");
  }

  /** Kills the whole group if it still runs (clean-up after a failure). */
  async stop(): Promise<void> {
    if (this.#ended) return;
    try {
      process.kill(-this.#pid(), "SIGKILL");
    } catch {
      // Already gone.
    }
    await within(this.exited, 5_000, "a killed process group").catch(() => {});
  }

  /** Everything it printed, for failure messages. */
  output(): string {
    return [...this.stdout, ...this.stderr].join("\n");
  }

  #pid(): number {
    if (this.#child.pid === undefined) throw new Error("the process did not start");
    return this.#child.pid;
  }
}

function collect(stream: NodeJS.ReadableStream | null, lines: string[]): void {
  let partial = "";
  stream?.setEncoding("utf8");
  stream?.on("data", (text: string) => {
    const parts = (partial + text).split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
  });
  stream?.on("end", () => partial && lines.push(partial));
}
