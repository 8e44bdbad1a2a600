/**
 * The planted bugs of the resume lobby, the card table with a hold and the WebSocket swarm
 * shrink like the others: for the first of a few seeds where a plant fails, the shrunk list
 * keeps at most 10 faults, found within 200 reruns, and fails the same way only with the bug.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runSpec, type ScenarioName } from "../sim/scenarios/replay.ts";
import { SCENARIOS } from "../sim/scenarios/scenarios.ts";
import { describeShrunk, shrinkRun } from "../sim/scenarios/shrink_run.ts";

const NAMED: ScenarioName[] = ["resume", "cards-hold", "ws-swarm"];
/** Some plants fail only on some seeds (a stale view needs a resume while others change). */
const SEEDS = 12;

for (const scenario of NAMED) {
  test(`${scenario}: each planted bug shrinks to at most 10 faults within 200 reruns`, async (t) => {
    for (const plant of Object.keys(SCENARIOS[scenario as keyof typeof SCENARIOS].plants)) {
      let seed = 0;
      let failed;
      while (seed < SEEDS) {
        failed = await runSpec({ seed: ++seed, scenario, plant });
        if (!failed.report.ok) break;
      }
      assert.ok(failed && !failed.report.ok, `${plant} fails on one of seeds 1-${SEEDS}`);
      const spec = { seed, scenario, plant };
      const shrunk = await shrinkRun(spec, failed);
      const before = failed.sim.faults.events.length;
      const after = shrunk.spec.faults.length;
      t.diagnostic(
        `${plant} seed ${seed}: ${before} faults -> ${after} in ${shrunk.reruns} reruns`,
      );
      assert.ok(after <= 10 && shrunk.reruns <= 200, describeShrunk(shrunk).join("\n"));
      assert.equal(shrunk.invariant, failed.report.violations[0].invariant);
      const unplanted = await runSpec({ ...shrunk.spec, plant: undefined });
      assert.ok(!unplanted.report.violations.some((v) => v.invariant === shrunk.invariant), plant);
    }
  });
}
