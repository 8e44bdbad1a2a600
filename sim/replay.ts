/**
 * Replaying a run from its seed: what `npm run sim` (and `deno task sim`) does, and the
 * failure text the swarm test prints.
 *
 * @module
 */
import { formatClientLog, formatViolation, type SimulationReport } from "./report.ts";
import { isPlantedBug, PLANTED_BUGS, type PlantedBug } from "./planted.ts";
import { buildSwarm, describeSwarm, type Swarm, SWARM_SHUTDOWN_MS } from "./swarm.ts";
import { buildTargeted, TARGETED_SHUTDOWN_MS } from "./targeted.ts";
import type { TraceMode } from "./trace.ts";

/** Which scenario a seed is for: the random swarm, or the targeted one of the planted bugs. */
export type ScenarioName = "swarm" | "targeted";

/** What names one run exactly. */
export interface RunSpec {
  readonly seed: number;
  readonly scenario: ScenarioName;
  readonly plant?: PlantedBug;
}

/**
 * The one-line command that replays a run.
 *
 * @example
 * ```ts
 * import { replayCommand } from "./replay.ts";
 * replayCommand({ seed: 1234, scenario: "swarm" }); // "SIM_SEED=1234 npm run sim"
 * ```
 */
export function replayCommand(spec: RunSpec): string {
  const plant = spec.plant ? ` SIM_PLANT=${spec.plant}` : "";
  const scenario = spec.scenario === (spec.plant ? "targeted" : "swarm")
    ? ""
    : ` SIM_SCENARIO=${spec.scenario}`;
  return `SIM_SEED=${spec.seed}${plant}${scenario} npm run sim`;
}

/** Builds and runs one scenario. */
export async function runSpec(
  spec: RunSpec,
  trace: TraceMode = "hash",
): Promise<Swarm & { report: SimulationReport }> {
  const plant = spec.plant ? PLANTED_BUGS[spec.plant] : {};
  const swarm = spec.scenario === "swarm"
    ? buildSwarm(spec.seed, { ...plant, trace })
    : buildTargeted(spec.seed, spec.plant, trace);
  const shutdownAtMs = spec.scenario === "swarm" ? SWARM_SHUTDOWN_MS : TARGETED_SHUTDOWN_MS;
  const report = await swarm.sim.run({ shutdownAtMs });
  return { ...swarm, report };
}

/**
 * A failed run, told for a person: the seed and fault mix, every violation, the replay
 * command, and (when `withLogs`) the log of each client a violation names.
 */
export function describeFailure(
  spec: RunSpec,
  run: Swarm & { report: SimulationReport },
  withLogs = false,
): string {
  const lines = [
    `${describeSwarm(run)} (scenario ${spec.scenario}${
      spec.plant ? `, planted bug: ${spec.plant}` : ""
    })`,
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
 * The replay command's body: reads `SIM_SEED` (required), `SIM_PLANT` (a planted bug),
 * `SIM_SCENARIO` (`swarm` or `targeted`), `SIM_CLIENT` (whose log to print; default: the
 * clients a violation names) and `SIM_TRACE=1` (print the whole trace); prints through
 * `print`; returns the exit code (1 when an invariant failed).
 */
export async function replay(
  env: Record<string, string | undefined>,
  print: (line: string) => void,
): Promise<number> {
  const seed = Number(env.SIM_SEED);
  const plant = env.SIM_PLANT;
  const scenario = env.SIM_SCENARIO ?? (plant ? "targeted" : "swarm");
  if (
    !Number.isSafeInteger(seed) || seed < 0 || (plant && !isPlantedBug(plant)) ||
    (scenario !== "swarm" && scenario !== "targeted")
  ) {
    print(
      "usage: SIM_SEED=<integer> [SIM_PLANT=<bug>] [SIM_SCENARIO=swarm|targeted] [SIM_CLIENT=c3] [SIM_TRACE=1] npm run sim",
    );
    print(`planted bugs: ${Object.keys(PLANTED_BUGS).join(", ")}`);
    return 2;
  }
  const spec: RunSpec = { seed, scenario, plant: plant as PlantedBug | undefined };
  const run = await runSpec(spec, "full");
  const { report, sim } = run;
  print(
    `${describeSwarm(run)} (scenario ${scenario}${
      plant ? `, planted bug: ${plant} (${PLANTED_BUGS[plant as PlantedBug].description})` : ""
    })`,
  );
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
  print(`\nreplay: ${replayCommand(spec)}`);
  return report.ok ? 0 : 1;
}
