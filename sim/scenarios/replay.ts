/**
 * Replaying a run from its seed: what `npm run sim` (and `deno task sim`) does, and the
 * failure text the swarm test prints. What the command was asked for is read in
 * `./replay_request.ts`.
 *
 * @module
 */
import { formatClientLog, formatViolation } from "../engine/report.ts";
import { readReplayRequest, type ReplayRequest, usageLines } from "./replay_request.ts";
import type { ScenarioRun } from "./scenarios.ts";
import { type RunSpec, runSpec, type ScenarioName } from "./run_spec.ts";
import { describeShrunk, shrinkRun } from "./shrink_run.ts";

export { type RunSpec, runSpec, type ScenarioName, type SwarmRun } from "./run_spec.ts";

/** The command that runs the replay, as the user typed it: `npm run sim` or `deno task sim`. */
export const NPM_SIM = "npm run sim";

/**
 * The one-line command that replays a run, with `runner` (default {@linkcode NPM_SIM}) at
 * its end.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replayCommand } from "./replay.ts";
 * assert.equal(replayCommand({ seed: 1234, scenario: "swarm" }), "SIM_SEED=1234 npm run sim");
 * assert.equal(
 *   replayCommand({ seed: 7, scenario: "cards" }, "deno task sim"),
 *   "SIM_SEED=7 SIM_SCENARIO=cards deno task sim",
 * );
 * ```
 */
export function replayCommand(spec: RunSpec, runner: string = NPM_SIM): string {
  const plant = spec.plant ? ` SIM_PLANT=${spec.plant}` : "";
  const scenario = spec.scenario === (spec.plant ? "targeted" : "swarm")
    ? ""
    : ` SIM_SCENARIO=${spec.scenario}`;
  return `SIM_SEED=${spec.seed}${plant}${scenario} ${runner}`;
}

/**
 * A failed run, told for a person: the seed and what it drew, every violation, the replay
 * command, and (when `withLogs`) the log of each client a violation names.
 */
export function describeFailure(spec: RunSpec, run: ScenarioRun, withLogs = false): string {
  const swarmLike = spec.scenario === "swarm" || spec.scenario === "targeted";
  const lines = [
    swarmLike
      ? `${run.summary} (scenario ${spec.scenario}${
        spec.plant ? `, planted bug: ${spec.plant}` : ""
      })`
      : run.summary,
    ...run.report.violations.map((violation) => `  ${formatViolation(violation)}`),
    `  replay: ${replayCommand(spec)}`,
  ];
  if (withLogs) {
    const names = new Set(run.report.violations.map((violation) => violation.client));
    for (const client of run.sim.clients.filter((client) => names.has(client.name))) {
      lines.push("", formatClientLog(client));
    }
  }
  return lines.join("\n");
}

/**
 * The replay command's body: reads `SIM_SEED`, `SIM_PLANT` (a planted bug), `SIM_SCENARIO`
 * (`swarm`, `targeted`, or a name of `SCENARIOS`), `SIM_CLIENT` (whose log to
 * print; default: the clients a violation names) and `SIM_TRACE=1` (print the whole trace);
 * prints through `print`, with a failing run shrunk to the faults it needs (unless
 * `SIM_SHRINK=0`); returns the exit code (1 when an invariant failed, 2 for the usage). A
 * scenario or a planted bug without a seed runs `DEFAULT_SEEDS`, one line each. `runner` is
 * the command the user typed, for the replay lines.
 */
export async function replay(
  env: Record<string, string | undefined>,
  print: (line: string) => void,
  runner: string = NPM_SIM,
): Promise<number> {
  const request = readReplayRequest(env);
  if (request.kind === "usage") {
    for (const line of usageLines(runner)) print(line);
    if (request.problem) print(`\nerror: ${request.problem}`);
    return 2;
  }
  const { scenario, plant, plants } = request;
  if (!request.seeded) return await replaySeeds(request, print, runner);
  const spec: RunSpec = { seed: request.seeds[0], scenario: scenario as ScenarioName, plant };
  const run = await runSpec(spec, "full");
  const { report, sim } = run;
  const planted = plant ? `, planted bug: ${plant} (${plants[plant]})` : "";
  const swarmLike = scenario === "swarm" || scenario === "targeted";
  print(swarmLike ? `${run.summary} (scenario ${scenario}${planted})` : run.summary);
  print(`${report.ok ? "ok" : `${report.violations.length} violation(s)`}: ${totals(run)}`);
  for (const violation of report.violations) print(`  ${formatViolation(violation)}`);
  if (env.SIM_TRACE === "1") { for (const line of sim.trace.lines) print(line); }
  const names = env.SIM_CLIENT
    ? new Set([env.SIM_CLIENT])
    : new Set(report.violations.map((v) => v.client));
  for (const client of sim.clients.filter((client) => names.has(client.name))) {
    print(`\n${formatClientLog(client)}`);
  }
  if (!report.ok && env.SIM_SHRINK !== "0") {
    print("");
    for (const line of describeShrunk(await shrinkRun(spec, run))) print(line);
  }
  print(`\nreplay: ${replayCommand(spec, runner)}`);
  return report.ok ? 0 : 1;
}

/** Runs each seed of `request` and prints one line per seed; 1 when any of them failed. */
async function replaySeeds(
  request: ReplayRequest & { kind: "run" },
  print: (line: string) => void,
  runner: string,
): Promise<number> {
  const planted = request.plant ? `, planted bug ${request.plant}` : "";
  print(`scenario ${request.scenario}${planted}, seeds ${request.seeds.join(", ")}:`);
  let failed = 0;
  for (const seed of request.seeds) {
    const spec: RunSpec = {
      seed,
      scenario: request.scenario as ScenarioName,
      plant: request.plant,
    };
    const run = await runSpec(spec);
    if (run.report.ok) {
      print(`  seed ${seed}: ok: ${totals(run)}`);
    } else {
      failed++;
      const first = formatViolation(run.report.violations[0]);
      print(`  seed ${seed}: ${run.report.violations.length} violation(s), first ${first}`);
      print(`    replay: ${replayCommand(spec, runner)}`);
    }
  }
  print(
    failed === 0
      ? `all ${request.seeds.length} seeds ok; SIM_SEED=<n> replays one in full`
      : `${failed} of ${request.seeds.length} seeds failed; replay one to see its client logs`,
  );
  return failed === 0 ? 0 : 1;
}

function totals({ report, sim }: ScenarioRun): string {
  return `${sim.clients.length} clients, ${report.events} events, ${report.deliveries} deliveries, ${report.virtualMs} virtual ms, trace ${report.traceHash}`;
}
