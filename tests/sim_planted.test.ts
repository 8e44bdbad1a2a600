/**
 * Proof that the simulator catches what it is for: known bugs planted in copies of the send
 * path and of the rooms controller are flagged, seed after seed, by the invariants meant for
 * them; the real core passes the very same seeds.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { PLANTED_BUGS, type PlantedBug } from "../sim/scenarios/planted.ts";
import { describeFailure, replayCommand, runSpec } from "../sim/scenarios/replay.ts";
import { brokenInvariants } from "./helpers/sim_apps.ts";

const SEEDS = Array.from({ length: 10 }, (_, k) => 100 + k);

test("the targeted scenario: the real core keeps every invariant on every seed", async () => {
  for (const seed of SEEDS) {
    const run = await runSpec({ seed, scenario: "targeted" });
    assert.equal(run.report.ok, true, describeFailure({ seed, scenario: "targeted" }, run, true));
  }
});

for (
  const [bug, plant] of Object.entries(PLANTED_BUGS) as [
    PlantedBug,
    (typeof PLANTED_BUGS)[PlantedBug],
  ][]
) {
  test(`planted bug "${bug}" (${plant.description}) is flagged on every seed`, async () => {
    for (const seed of SEEDS) {
      const spec = { seed, scenario: "targeted" as const, plant: bug };
      const run = await runSpec(spec);
      const broken = brokenInvariants(run.report);
      for (const invariant of plant.caughtBy) {
        assert.ok(
          broken.includes(invariant),
          `seed ${seed}: "${invariant}" missed it (broken: ${broken.join(", ") || "none"}); ` +
            `replay: ${replayCommand(spec)}`,
        );
      }
      // What a failure prints: the seed, the faults, the replay command, the client's log.
      const told = describeFailure(spec, run, true);
      assert.match(told, new RegExp(`^seed ${seed}, faults: `));
      assert.ok(told.includes(`replay: SIM_SEED=${seed} SIM_PLANT=${bug} npm run sim`));
      assert.match(told, /client c\d \(index \d+\).*\n\s+time {2}what/);
    }
  });
}

test("the random swarm finds the planted send-path bugs too, and names the seeds", async () => {
  for (const bug of ["drop-recipient", "wrong-index", "forgetful-controller"] as const) {
    const flagged: number[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const run = await runSpec({ seed, scenario: "swarm", plant: bug });
      if (!run.report.ok) flagged.push(seed);
    }
    assert.ok(flagged.length >= 10, `${bug}: only seeds ${flagged} of 1..20 flagged`);
    assert.equal(
      replayCommand({ seed: flagged[0], scenario: "swarm", plant: bug }),
      `SIM_SEED=${flagged[0]} SIM_PLANT=${bug} SIM_SCENARIO=swarm npm run sim`,
    );
  }
});
