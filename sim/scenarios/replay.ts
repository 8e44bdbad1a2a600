/**
 * Replaying a run from its seed: what `npm run sim` (and `deno task sim`) does, and the
 * failure text the swarm test prints.
 *
 * @module
 */
import { formatClientLog, formatViolation } from "../engine/report.ts";
import { PLANTED_BUGS } from "./planted.ts";
import { scenarioNamed, type ScenarioRun, SCENARIOS } from "./scenarios.ts";
import { type RunSpec, runSpec, type ScenarioName } from "./run_spec.ts";
import { describeShrunk, shrinkRun } from "./shrink_run.ts";

export { type RunSpec, runSpec, type ScenarioName, type SwarmRun } from "./run_spec.ts";

/**
 * The one-line command that replays a run.
 *
 * @example
 * ```ts
 * import { replayCommand } from "./replay.ts";
 * replayCommand({ seed: 1234, scenario: "swarm" }); // "SIM_SEED=1234 npm run sim"
 * replayCommand({ seed: 7, scenario: "cards" }); // "SIM_SEED=7 SIM_SCENARIO=cards npm run sim"
 * ```
 */
export function replayCommand(spec: RunSpec): string {
  const plant = spec.plant ? ` SIM_PLANT=${spec.plant}` : "";
  const scenario = spec.scenario === (spec.plant ? "targeted" : "swarm")
    ? ""
    : ` SIM_SCENARIO=${spec.scenario}`;
  return `SIM_SEED=${spec.seed}${plant}${scenario} npm run sim`;
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

/** The plants of a scenario, by name, with what each does. */
function plantsOf(scenario: string): Readonly<Record<string, string>> | undefined {
  if (scenario === "swarm" || scenario === "targeted") {
    return Object.fromEntries(
      Object.entries(PLANTED_BUGS).map(([name, plant]) => [name, plant.description]),
    );
  }
  return scenarioNamed(scenario)?.plants;
}

/**
 * The replay command's body: reads `SIM_SEED` (required), `SIM_PLANT` (a planted bug),
 * `SIM_SCENARIO` (`swarm`, `targeted`, or a name of {@linkcode SCENARIOS}), `SIM_CLIENT`
 * (whose log to print; default: the clients a violation names) and `SIM_TRACE=1` (print the
 * whole trace); prints through `print`, with a failing run shrunk to the faults it needs
 * (unless `SIM_SHRINK=0`); returns the exit code (1 when an invariant failed).
 */
export async function replay(
  env: Record<string, string | undefined>,
  print: (line: string) => void,
): Promise<number> {
  const seed = Number(env.SIM_SEED);
  const plant = env.SIM_PLANT;
  const scenario = env.SIM_SCENARIO ?? (plant ? "targeted" : "swarm");
  const plants = plantsOf(scenario);
  if (
    !Number.isSafeInteger(seed) || seed < 0 || !plants || (plant && !Object.hasOwn(plants, plant))
  ) {
    print(
      `usage: SIM_SEED=<integer> [SIM_PLANT=<bug>] [SIM_SCENARIO=swarm|targeted|${
        Object.keys(SCENARIOS).join("|")
      }] [SIM_CLIENT=c3] [SIM_TRACE=1] npm run sim`,
    );
    print(`planted bugs: ${Object.keys(PLANTED_BUGS).join(", ")}`);
    for (const [name, named] of Object.entries(SCENARIOS)) {
      const own = Object.keys(named.plants);
      if (own.length > 0) print(`planted bugs of ${name}: ${own.join(", ")}`);
    }
    return 2;
  }
  const spec: RunSpec = { seed, scenario: scenario as ScenarioName, plant };
  const run = await runSpec(spec, "full");
  const { report, sim } = run;
  const planted = plant ? `, planted bug: ${plant} (${plants[plant]})` : "";
  const swarmLike = scenario === "swarm" || scenario === "targeted";
  print(swarmLike ? `${run.summary} (scenario ${scenario}${planted})` : run.summary);
  print(
    `${
      report.ok ? "ok" : `${report.violations.length} violation(s)`
    }: ${sim.clients.length} clients, ${report.events} events, ${report.deliveries} deliveries, ${report.virtualMs} virtual ms, trace ${report.traceHash}`,
  );
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
  print(`\nreplay: ${replayCommand(spec)}`);
  return report.ok ? 0 : 1;
}
