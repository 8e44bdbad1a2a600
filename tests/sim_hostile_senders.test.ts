/**
 * Hostile senders in the simulator: a garbage sender, a byte-per-read sender and a batch
 * flooder among honest players. Each is let go by the right limit (or costs one refusal per
 * read), and switching that limit off is caught.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SCENARIOS } from "../sim/scenarios/scenarios.ts";
import { assertClean } from "./helpers/sim_apps.ts";

const KINDS = ["garbage-sender", "byte-sender", "batch-flooder"] as const;
const SEEDS = [1, 2, 3, 4, 5];

for (const kind of KINDS) {
  test(`${kind}: ${SEEDS.length} seeds keep every invariant`, async () => {
    for (const seed of SEEDS) assertClean((await SCENARIOS[kind].run(seed)).report, `seed ${seed}`);
  });
}

const PLANTED = [
  ["garbage-sender", "no-bad-limit", ["departures", "fair cost"]],
  ["byte-sender", "no-partial-timeout", ["departures"]],
  ["batch-flooder", "no-rate-limit", ["fair cost"]],
] as const;

// One seed each: a planted run is slow by design (it lets the flood through), and which
// invariants it breaks does not depend on the talkers' seed.
const PLANT_SEED = 2;

for (const [kind, plant, caughtBy] of PLANTED) {
  test(`${kind} with ${plant}: caught by ${caughtBy.join(" and ")}`, async () => {
    const { report } = await SCENARIOS[kind].run(PLANT_SEED, plant);
    const broken = [...new Set(report.violations.map((violation) => violation.invariant))];
    assert.deepEqual(broken.sort(), [...caughtBy], `seed ${PLANT_SEED}`);
  });
}
