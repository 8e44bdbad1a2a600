/**
 * One run named exactly (scenario, seed, planted bug, and maybe the faults to replay), and
 * running it.
 *
 * @module
 */
import { PLANTED_BUGS, type PlantedBug } from "./planted.ts";
import { type NamedScenarioName, scenarioNamed, type ScenarioRun } from "./scenarios.ts";
import { buildSwarm, describeSwarm, type Swarm, SWARM_SHUTDOWN_MS } from "./swarm.ts";
import { buildTargeted, TARGETED_SHUTDOWN_MS } from "./targeted.ts";
import type { TraceMode } from "../engine/trace.ts";
import { type FaultEvent, FaultPlan } from "../engine/fault_plan.ts";

/**
 * Which scenario a seed is for: the random swarm, the targeted one of the planted bugs, or
 * one of {@linkcode SCENARIOS} (the hostile clients, the card table).
 */
export type ScenarioName = "swarm" | "targeted" | NamedScenarioName;

/** What names one run exactly. */
export interface RunSpec {
  readonly seed: number;
  readonly scenario: ScenarioName;
  /** A planted bug: one of `PLANTED_BUGS` for the swarm and the targeted scenario, else the scenario's own. */
  readonly plant?: PlantedBug | string;
  /** The faults to replay instead of those the seed draws. */
  readonly faults?: readonly FaultEvent[];
}

/** A run of the swarm or of the targeted scenario. */
export type SwarmRun = Swarm & ScenarioRun;

/**
 * Builds and runs one scenario; with `spec.faults`, its faults replay from that list.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runSpec } from "./run_spec.ts";
 * const run = await runSpec({ seed: 1, scenario: "targeted", plant: "drop-recipient", faults: [] });
 * assert.equal(run.report.ok, false);
 * assert.deepEqual(run.sim.faults.events, []);
 * ```
 */
export async function runSpec(
  spec: RunSpec & { scenario: "swarm" | "targeted" },
  trace?: TraceMode,
): Promise<SwarmRun>;
export async function runSpec(spec: RunSpec, trace?: TraceMode): Promise<ScenarioRun>;
export async function runSpec(spec: RunSpec, trace: TraceMode = "hash"): Promise<ScenarioRun> {
  const named = scenarioNamed(spec.scenario);
  const faults = spec.faults && FaultPlan.replaying(spec.seed, spec.faults);
  if (named) return named.run(spec.seed, spec.plant, trace, faults);
  const plant = spec.plant ? PLANTED_BUGS[spec.plant as PlantedBug] : {};
  const swarm = spec.scenario === "swarm"
    ? buildSwarm(spec.seed, { ...plant, trace, faults })
    : buildTargeted(spec.seed, spec.plant as PlantedBug | undefined, trace, faults);
  const shutdownAtMs = spec.scenario === "swarm" ? SWARM_SHUTDOWN_MS : TARGETED_SHUTDOWN_MS;
  const report = await swarm.sim.run({ shutdownAtMs });
  return { ...swarm, report, summary: describeSwarm(swarm) };
}
