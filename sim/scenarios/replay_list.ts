/**
 * `SIM_REPLAY=<list or file> npm run sim`: replays a run from its fault list instead of the
 * faults its seed draws.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { decodeRun, formatSchedule } from "../engine/fault_list.ts";
import { formatViolation } from "../engine/report.ts";
import { runSpec, type ScenarioName } from "./run_spec.ts";
import { scenarioNamed } from "./scenarios.ts";
import { replayListCommand } from "./shrink_run.ts";

/**
 * Reads a fault list (as {@linkcode decodeRun} reads it, or a file holding one), replays it,
 * prints the run, its violations and its schedule through `print`; returns the exit code (1
 * when an invariant failed, 2 when the list cannot be read).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replayList } from "./replay_list.ts";
 * const lines: string[] = [];
 * const code = await replayList("targeted:3:drop-recipient:c5.half-close=50", (l) => lines.push(l));
 * assert.equal(code, 1);
 * assert.ok(lines.some((line) => line.includes("50.000ms c5: half-closes its connection")));
 * ```
 */
export async function replayList(
  listOrFile: string,
  print: (line: string) => void,
): Promise<number> {
  let listed;
  try {
    listed = decodeRun(looksLikeList(listOrFile) ? listOrFile : readFileSync(listOrFile, "utf8"));
  } catch (error) {
    print(`SIM_REPLAY: ${error instanceof Error ? error.message : String(error)}`);
    print("usage: SIM_REPLAY=<scenario>:<seed>:<plant>:<client.kind#seq=value,...> npm run sim");
    print("   or: SIM_REPLAY=<file holding such a list> npm run sim");
    return 2;
  }
  if (!["swarm", "targeted"].includes(listed.scenario) && !scenarioNamed(listed.scenario)) {
    print(`SIM_REPLAY: no scenario named ${listed.scenario}`);
    return 2;
  }
  const spec = { ...listed, scenario: listed.scenario as ScenarioName };
  const run = await runSpec(spec, "full");
  const { report } = run;
  print(
    `${run.summary} (scenario ${spec.scenario}${spec.plant ? `, planted bug: ${spec.plant}` : ""})`,
  );
  print(
    `${report.ok ? "ok" : `${report.violations.length} violation(s)`}: ${report.events} events,` +
      ` ${report.virtualMs} virtual ms, trace ${report.traceHash}`,
  );
  for (const violation of report.violations) print(`  ${formatViolation(violation)}`);
  const struck = run.sim.faults.events;
  print(`faults that struck (${struck.length} of ${spec.faults.length} listed):`);
  for (const line of formatSchedule(struck)) print(`  ${line}`);
  print(`\nreplay: ${replayListCommand(spec)}`);
  return report.ok ? 0 : 1;
}

function looksLikeList(text: string): boolean {
  return /^[a-z-]+:\d+:/.test(text);
}
