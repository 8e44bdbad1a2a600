/**
 * Shrinking a failing run to the few faults that make it fail, and telling
 * the result as a schedule with the command that replays it.
 *
 * @module
 */
import { encodeRun, formatSchedule } from "../engine/fault_list.ts";
import type { FaultEvent } from "../engine/fault_plan.ts";
import { shrinkFaults } from "../engine/shrink.ts";
import type { TraceMode } from "../engine/trace.ts";
import { type RunSpec, runSpec } from "./run_spec.ts";
import type { ScenarioRun } from "./scenarios.ts";

/** A failing run shrunk: its spec with the faults kept, and what it took. */
export interface ShrunkRun {
  /** The run to replay: the same seed, scenario and plant, with the faults kept. */
  readonly spec: RunSpec & { readonly faults: readonly FaultEvent[] };
  /** The invariant it fails, as the original run did. */
  readonly invariant: string;
  /** How many faults struck in the original run. */
  readonly before: number;
  readonly reruns: number;
  /** The shrunk run, replayed. */
  readonly run: ScenarioRun;
}

/**
 * Shrinks the failing run of `spec` (run already as `failed`) to the faults it needs to fail
 * its first violation's invariant again, within `maxReruns` reruns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runSpec } from "./run_spec.ts";
 * import { shrinkRun } from "./shrink_run.ts";
 * const spec = { seed: 3, scenario: "targeted", plant: "drop-recipient" } as const;
 * const shrunk = await shrinkRun(spec, await runSpec(spec));
 * assert.equal(shrunk.invariant, "per-index delivery");
 * assert.ok(shrunk.spec.faults.length <= 10 && shrunk.reruns <= 200);
 * ```
 */
export async function shrinkRun(
  spec: RunSpec,
  failed: ScenarioRun,
  maxReruns = 200,
  trace: TraceMode = "hash",
): Promise<ShrunkRun> {
  const invariant = failed.report.violations[0]?.invariant;
  if (invariant === undefined) throw new Error("the run did not fail: nothing to shrink");
  const faults = failed.sim.faults.events;
  const shrunk = await shrinkFaults(faults, async (candidate) => {
    const run = await runSpec({ ...spec, faults: candidate });
    const same = run.report.violations.some((violation) => violation.invariant === invariant);
    return same ? run.sim.faults.events : undefined;
  }, maxReruns);
  const kept = { ...spec, faults: shrunk.faults };
  const run = await runSpec(kept, trace);
  return { spec: kept, invariant, before: faults.length, reruns: shrunk.reruns, run };
}

/**
 * The command that replays a list of faults in a run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replayListCommand } from "./shrink_run.ts";
 * const faults = [{ at: 0, client: "c1", kind: "window", seq: 0, value: 128 }];
 * assert.equal(
 *   replayListCommand({ seed: 4, scenario: "swarm", faults }),
 *   "SIM_REPLAY=swarm:4::c1.window=128 npm run sim",
 * );
 * ```
 */
export function replayListCommand(spec: RunSpec & { faults: readonly FaultEvent[] }): string {
  return `SIM_REPLAY=${encodeRun(spec)} npm run sim`;
}

/**
 * A shrunk run, told for a person: what it still fails, from how many faults, the schedule
 * of those kept (one line per fault in virtual time), and the command that replays it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runSpec } from "./run_spec.ts";
 * import { describeShrunk, shrinkRun } from "./shrink_run.ts";
 * const spec = { seed: 1, scenario: "targeted", plant: "wrong-index" } as const;
 * const lines = describeShrunk(await shrinkRun(spec, await runSpec(spec)));
 * assert.match(lines[0], /^shrunk from \d+ faults to 0 in 1 reruns; still fails "per-index delivery"/);
 * assert.equal(lines.at(-1), "  replay: SIM_REPLAY=targeted:1:wrong-index: npm run sim");
 * ```
 */
export function describeShrunk(shrunk: ShrunkRun): string[] {
  const { spec, run } = shrunk;
  const violation = run.report.violations.find((found) => found.invariant === shrunk.invariant);
  return [
    `shrunk from ${shrunk.before} faults to ${spec.faults.length} in ${shrunk.reruns} reruns;` +
    ` still fails "${shrunk.invariant}"${violation ? `: ${violation.message}` : ""}`,
    ...(spec.faults.length === 0
      ? ["  (no fault needed: the scenario alone shows the bug)"]
      : formatSchedule(spec.faults).map((line) => `  ${line}`)),
    `  replay: ${replayListCommand(spec)}`,
  ];
}
