/**
 * The command line of a long run: `npm run sim -- --seeds 100000 [--from 1]
 * [--scenario <name>] [--plant <bug>] [--keep-going]`.
 *
 * @module
 */
import { isPlantedBug, PLANTED_BUGS } from "./planted.ts";
import { scenarioNamed, SCENARIOS } from "./scenarios.ts";
import { describeStop, formatProgress, type LongRunOptions, runSeeds } from "./long_run.ts";
import type { ScenarioName } from "./run_spec.ts";

/** What a long run prints through, and how it hears Ctrl-C. */
export interface LongRunIo {
  /** A whole line. */
  print(line: string): void;
  /** The progress line, replacing the previous one. */
  progress(line: string): void;
  /** Calls `stop` on Ctrl-C. */
  onInterrupt(stop: () => void): void;
}

/**
 * Reads the flags of a long run; a string is what is wrong with them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseLongRun } from "./long_run_cli.ts";
 * assert.deepEqual(parseLongRun(["--seeds", "100", "--from", "7"]), {
 *   scenario: "swarm", from: 7, count: 100, keepGoing: false,
 * });
 * assert.equal(typeof parseLongRun(["--seeds", "x"]), "string");
 * ```
 */
export function parseLongRun(args: readonly string[]): LongRunOptions | string {
  const flags = new Map<string, string>();
  let keepGoing = false;
  for (let n = 0; n < args.length; n++) {
    if (args[n] === "--keep-going") keepGoing = true;
    else if (args[n].startsWith("--") && n + 1 < args.length) flags.set(args[n], args[++n]);
    else return `unexpected argument: ${args[n]}`;
  }
  const count = Number(flags.get("--seeds"));
  const from = Number(flags.get("--from") ?? 1);
  const scenario = flags.get("--scenario") ?? (flags.has("--plant") ? "targeted" : "swarm");
  const plant = flags.get("--plant");
  for (const name of flags.keys()) {
    if (!["--seeds", "--from", "--scenario", "--plant"].includes(name)) {
      return `unknown flag: ${name}`;
    }
  }
  if (!Number.isSafeInteger(count) || count < 1) return "--seeds takes a positive integer";
  if (!Number.isSafeInteger(from) || from < 0) return "--from takes an integer >= 0";
  const named = scenarioNamed(scenario);
  if (scenario !== "swarm" && scenario !== "targeted" && !named) {
    return `--scenario is swarm, targeted or one of ${Object.keys(SCENARIOS).join(", ")}`;
  }
  const plants = named ? Object.keys(named.plants) : Object.keys(PLANTED_BUGS);
  if (plant !== undefined && !(named ? plants.includes(plant) : isPlantedBug(plant))) {
    return `--plant is one of ${plants.join(", ") || "(none for this scenario)"}`;
  }
  return {
    scenario: scenario as ScenarioName,
    from,
    count,
    keepGoing,
    ...(plant ? { plant } : {}),
  };
}

/**
 * Runs a long run from its flags; returns the exit code (1 if a seed failed, 130 if stopped).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { longRunMain } from "./long_run_cli.ts";
 * const lines: string[] = [];
 * const io = { print: (line: string) => lines.push(line), progress() {}, onInterrupt() {} };
 * assert.equal(await longRunMain(["--seeds", "3"], io), 0);
 * assert.match(lines.at(-1)!, /^seeds 3\/3 \(100\.0%\) \| /);
 * assert.equal(await longRunMain(["--seeds"], io), 2);
 * ```
 */
export async function longRunMain(args: readonly string[], io: LongRunIo): Promise<number> {
  const parsed = parseLongRun(args);
  if (typeof parsed === "string") {
    io.print(parsed);
    io.print(
      "usage: npm run sim -- --seeds <n> [--from <seed>] [--scenario <name>] " +
        "[--plant <bug>] [--keep-going]",
    );
    return 2;
  }
  let interrupted = false;
  io.onInterrupt(() => interrupted = true);
  const options: LongRunOptions = {
    ...parsed,
    progress: (progress) => io.progress(formatProgress(progress)),
    failed: (lines) => {
      io.progress("");
      for (const line of lines) io.print(line);
    },
    stop: () => interrupted,
  };
  const end = await runSeeds(options);
  io.progress("");
  io.print(formatProgress(end));
  if (end.stopped) io.print(describeStop(end, options));
  return end.failures > 0 ? 1 : end.stopped ? 130 : 0;
}
