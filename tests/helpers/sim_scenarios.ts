/**
 * Running the simulator's named scenarios (hostile clients, the card table) in tests, with
 * the text a failure prints: the seed, what it drew, the violations, the replay command.
 */
import type { RunOptions, SimulationReport } from "../../sim/mod.ts";
import { describeFailure, type RunSpec, runSpec } from "../../sim/scenarios/replay.ts";
import type { ScenarioRun } from "../../sim/scenarios/scenarios.ts";

/** A scenario built and not yet run, as the builders of `sim/` return them. */
export interface BuiltScenario {
  readonly seed: number;
  readonly summary: string;
  readonly shutdownAtMs: number;
  readonly sim: ScenarioRun["sim"] & { run(options: RunOptions): Promise<SimulationReport> };
}

/**
 * Runs a built scenario to its shutdown; `told` is what its failure prints (with the replay
 * command of `spec`, which must name the same run).
 */
export async function runBuilt<T extends BuiltScenario>(
  spec: RunSpec,
  built: T,
): Promise<T & { report: SimulationReport; told: string }> {
  const report = await built.sim.run({ shutdownAtMs: built.shutdownAtMs });
  return { ...built, report, told: describeFailure(spec, { ...built, report }, true) };
}

/** Runs one seed of a scenario by its name, as the replay command does. */
export async function runScenario(spec: RunSpec): Promise<ScenarioRun & { told: string }> {
  const run = await runSpec(spec);
  return { ...run, told: describeFailure(spec, run, true) };
}
