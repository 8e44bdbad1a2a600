/**
 * The cluster simulator (sim/cluster/): three processes of the rooms game on an in-memory
 * Redis whose bus delays and reorders channels, with a partition and a crash; every player
 * receives exactly what the owners of its rooms addressed to it, and no room has two owners.
 * Planted bugs are caught: routing deliveries by index alone, and a lease taken from a holder.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runClusterSim } from "../sim/cluster/cluster_sim.ts";

test("cluster simulation: delays, a partition and a crash; deliveries per identity hold", async () => {
  let lost = 0;
  let closed = 0;
  for (const seed of [2, 3, 5, 6]) {
    const report = await runClusterSim({ seed, maxDelayMs: 50, partition: true, crash: true });
    assert.deepEqual(report.violations, [], `seed ${seed}`);
    assert.ok(report.counts.received > 200, `seed ${seed}: the game ran`);
    lost += report.counts.lost;
    closed += report.counts.closed;
  }
  assert.ok(lost > 0, "the partition lost messages");
  assert.ok(closed > 0, "their players were closed, not left behind");
});

test("cluster simulation: a planted misrouting (deliveries by index alone) is caught", async () => {
  for (const seed of [2, 3]) {
    const report = await runClusterSim({ seed, maxDelayMs: 50, plant: "any-attachment" });
    assert.match(report.violations[0] ?? "", /which no owner wrote to it there/, `seed ${seed}`);
  }
});

test("cluster simulation: a planted lease race (taken from its holder) gives two owners, caught", async () => {
  const report = await runClusterSim({ seed: 1, plant: "steal-lease" });
  assert.match(report.violations.join("\n"), /room r\d has two owners/);
});
