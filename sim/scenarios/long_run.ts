/**
 * Long runs for people: `npm run sim -- --seeds 100000` runs seed after seed with a progress
 * line, stops at the first failure with its shrunk replay, and says where it got to if stopped.
 *
 * @module
 */
import { describeFailure } from "./replay.ts";
import { type RunSpec, runSpec, type ScenarioName } from "./run_spec.ts";
import { describeShrunk, shrinkRun } from "./shrink_run.ts";

/** Where a long run is. */
export interface Progress {
  /** Seeds run so far, and how many were asked for. */
  readonly done: number;
  readonly total: number;
  /** The next seed to run. */
  readonly next: number;
  /** Simulated events so far, and wall-clock milliseconds. */
  readonly events: number;
  readonly elapsedMs: number;
  /** Failing seeds so far. */
  readonly failures: number;
}

/** Options of {@linkcode runSeeds}. */
export interface LongRunOptions {
  readonly scenario: ScenarioName;
  readonly plant?: string;
  readonly from: number;
  readonly count: number;
  /** Go on after a failing seed (each still shrunk and told). */
  readonly keepGoing?: boolean;
  /** Told where the run is, at most every `everyMs` (default 250). */
  readonly progress?: (progress: Progress) => void;
  readonly everyMs?: number;
  /** Told each failure, shrunk: the lines to print. */
  readonly failed?: (lines: string[]) => void;
  /** Asked between seeds: true stops the run (Ctrl-C). */
  readonly stop?: () => boolean;
  /** Wall-clock milliseconds. Default `performance.now`. */
  readonly clock?: () => number;
}

/**
 * Runs `count` seeds from `from`, shrinking each failure; ends at the first (unless
 * `keepGoing`) or when `stop` says so. Yields to the event loop now and then, so that a signal
 * can be heard.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runSeeds } from "./long_run.ts";
 * const failures: string[][] = [];
 * const end = await runSeeds({
 *   scenario: "targeted", plant: "drop-recipient", from: 1, count: 5,
 *   failed: (lines) => failures.push(lines),
 * });
 * assert.equal(end.done, 1); // the first seed fails: the run stops there
 * assert.ok(failures[0].some((line) => line.includes("SIM_REPLAY=targeted:1:drop-recipient:")));
 * ```
 */
export async function runSeeds(options: LongRunOptions): Promise<Progress & { stopped: boolean }> {
  const clock = options.clock ?? (() => performance.now());
  const everyMs = options.everyMs ?? 250;
  const started = clock();
  let [done, events, failures, lastTold] = [0, 0, 0, started];
  const where = (): Progress => ({
    done,
    total: options.count,
    next: options.from + done,
    events,
    elapsedMs: clock() - started,
    failures,
  });
  while (done < options.count) {
    if (options.stop?.()) return { ...where(), stopped: true };
    const spec: RunSpec = {
      seed: options.from + done,
      scenario: options.scenario,
      ...(options.plant ? { plant: options.plant } : {}),
    };
    const run = await runSpec(spec);
    done++;
    events += run.report.events;
    if (!run.report.ok) {
      failures++;
      const shrunk = await shrinkRun(spec, run);
      options.failed?.([describeFailure(spec, run), "", ...describeShrunk(shrunk)]);
      if (!options.keepGoing) break;
    }
    if (clock() - lastTold >= everyMs) {
      lastTold = clock();
      options.progress?.(where());
      // A signal is delivered by the event loop, which a run of promises alone never reaches.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  return { ...where(), stopped: false };
}

/**
 * The progress line: seeds done, events per second, failing seeds, time left.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatProgress } from "./long_run.ts";
 * const line = formatProgress({ done: 250, total: 1000, next: 251, events: 2_000_000, elapsedMs: 10_000, failures: 0 });
 * assert.equal(line, "seeds 250/1000 (25.0%) | 200k events/s | 0 failing | 30s left");
 * ```
 */
export function formatProgress(progress: Progress): string {
  const { done, total, events, elapsedMs, failures } = progress;
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? events / seconds : 0;
  const left = done > 0 ? (total - done) * seconds / done : NaN;
  return `seeds ${done}/${total} (${(100 * done / total).toFixed(1)}%) | ` +
    `${rate >= 1e6 ? `${(rate / 1e6).toFixed(2)}M` : `${Math.round(rate / 1000)}k`} events/s | ` +
    `${failures} failing | ${Number.isFinite(left) ? duration(left) : "?"} left`;
}

/**
 * Where a stopped run got to, and how to go on from there.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeStop } from "./long_run.ts";
 * const at = { done: 40, total: 100, next: 41, events: 9000, elapsedMs: 1000, failures: 0 };
 * assert.equal(
 *   describeStop(at, { scenario: "swarm", from: 1, count: 100 }),
 *   "stopped after 40 seeds (1 to 40), 9000 events, 0 failing; go on with: " +
 *     "npm run sim -- --seeds 60 --from 41",
 * );
 * ```
 */
export function describeStop(progress: Progress, options: LongRunOptions): string {
  const rest = options.count - progress.done;
  const plant = options.plant ? ` --plant ${options.plant}` : "";
  const scenario = options.scenario === "swarm" ? "" : ` --scenario ${options.scenario}`;
  return `stopped after ${progress.done} seeds (${options.from} to ${progress.next - 1}), ` +
    `${progress.events} events, ${progress.failures} failing; go on with: ` +
    `npm run sim -- --seeds ${rest} --from ${progress.next}${scenario}${plant}`;
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, "0")}m`;
}
