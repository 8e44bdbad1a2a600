/**
 * The mutation runner's API: copies the repository's sources into a temporary directory
 * (the worktree is never patched), applies one mutant there, runs the simulator probe in a
 * child process with a timeout, and tells whether an invariant named a violation.
 *
 * @module
 */
import { spawn } from "node:child_process";
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { applyPatches, type Mutant } from "./mutant.ts";

/** What the simulator made of one mutant. */
export interface Outcome {
  readonly id: string;
  /** caught: an invariant named a violation; missed: every run passed; crashed: neither. */
  readonly verdict: "caught" | "missed" | "crashed" | "timeout";
  /** The invariants that named it (in the first failing run). */
  readonly invariants: readonly string[];
  /** The first failing run and its first violation, or why it crashed. */
  readonly detail: string;
  readonly ms: number;
}

/** The files and folders the simulator needs, copied for each mutant. */
const onDeno = "deno" in process.versions;
const COPIED = ["src", "sim", "examples", "scripts", "mod.ts", "package.json", "tsconfig.json"];

/** Options of {@linkcode runMutant}. */
export interface RunMutantOptions {
  /** The repository root. Default: the one this file is in. */
  root?: string;
  /** Kill the probe after this long. Default 180 s. */
  timeoutMs?: number;
  /** Only runs whose name starts with this. */
  only?: string;
}

/** The repository this runner lives in. */
export const REPO_ROOT = resolve(import.meta.dirname ?? ".", "../..");

/**
 * Runs the probe against `mutant` (or against the unpatched copy, for `undefined`).
 *
 * @example
 * ```ts
 * import { runMutant } from "./runner.ts";
 * const baseline = await runMutant(undefined, { only: "swarm:1" });
 * // baseline.verdict is "missed": the real core passes
 * ```
 */
export async function runMutant(
  mutant: Mutant | undefined,
  options: RunMutantOptions = {},
): Promise<Outcome> {
  const root = options.root ?? REPO_ROOT;
  const dir = mkdtempSync(join(tmpdir(), "zerobyte-mutant-"));
  const started = performance.now();
  try {
    for (const entry of COPIED) cpSync(join(root, entry), join(dir, entry), { recursive: true });
    // Node runs the probe through tsx, from node_modules; Deno needs none (a Deno-only clone).
    if (!onDeno) symlinkSync(realpathSync(join(root, "node_modules")), join(dir, "node_modules"));
    if (mutant) {
      const file = join(dir, mutant.file);
      writeFileSync(file, applyPatches(readFileSync(file, "utf8"), mutant.patches));
    }
    const args = onDeno
      ? ["run", "--allow-all", "--node-modules-dir=none", "scripts/mutation/probe.ts"]
      : ["--import", "tsx", "scripts/mutation/probe.ts"];
    if (options.only) args.push(`--only=${options.only}`);
    const { lines, code, timedOut, stderr } = await probe(dir, args, options.timeoutMs ?? 180_000);
    const ms = Math.round(performance.now() - started);
    const id = mutant?.id ?? "baseline";
    const failing = lines.find((line) => line.ok === false);
    if (failing) {
      return {
        id,
        verdict: "caught",
        invariants: failing.invariants ?? [],
        detail: `${failing.run}: ${failing.first ?? ""}`,
        ms,
      };
    }
    const done = lines.some((line) => line.done === true);
    if (done && code === 0) return { id, verdict: "missed", invariants: [], detail: "", ms };
    const why = timedOut ? "timeout" : "crashed";
    const last = stderr.trim().split("\n").slice(-3).join(" | ").slice(0, 300);
    return { id, verdict: why, invariants: [], detail: last || `exit ${code}`, ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface ProbeLine {
  run?: string;
  ok?: boolean;
  invariants?: string[];
  first?: string;
  done?: boolean;
}

function probe(
  cwd: string,
  args: string[],
  timeoutMs: number,
): Promise<{ lines: ProbeLine[]; code: number | null; timedOut: boolean; stderr: string }> {
  return new Promise((done) => {
    // The runtime running this: on Deno, `process.execPath` is the deno binary.
    const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    child.on("close", (code) => {
      clearTimeout(timer);
      const lines = out.split("\n").filter((line) => line.startsWith("{")).map((line) =>
        JSON.parse(line) as ProbeLine
      );
      done({ lines, code, timedOut, stderr });
    });
  });
}
