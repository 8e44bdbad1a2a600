// The mutation harness works: a few mutants of the core, each applied in a temporary copy, are
// caught by the simulator alone, each by the invariant made for it; the unpatched copy passes.
// The full run is a script: `node --import tsx scripts/mutation/run.ts`.
import assert from "node:assert/strict";
import { test } from "node:test";
import { HELD_OUT } from "../scripts/mutation/heldout.ts";
import { MUTANTS } from "../scripts/mutation/mutants.ts";
import { runMutant } from "../scripts/mutation/runner.ts";

const CASES: [id: string, runs: string, invariant: string][] = [
  ["batch-stops-at-failure", "timers:", "reply accounting"],
  // A cancelled job the scheduler still fires no longer reaches the game (a fired timer's turn
  // checks that the timer is still live); what shows is the clock left armed with nobody there.
  ["cancelled-timer-fires", "quiet-timers:", "nothing left"],
  ["full-one-early", "tight-limits:1", "connection cap"],
  ["sequential-drain", "sender-progress:1", "sender progress"],
  // Caught since the late clock, the slow store and the boundary probes.
  ["h-periodic-drift", "timers:", "timed commands"],
  ["h-shutdown-no-wait", "timers:", "handled commands answered"],
  ["h-drain-first-only", "sender-progress:1", "drain wait floor"],
  ["h-cap-inclusive", "tight-limits:1", "departures"],
];

test("the unpatched copy passes the probe's runs", { timeout: 120_000 }, async () => {
  const outcome = await runMutant(undefined, { only: "tight-limits:1", timeoutMs: 100_000 });
  assert.equal(outcome.verdict, "missed", outcome.detail);
});

for (const [id, runs, invariant] of CASES) {
  test(`mutant ${id} is caught by "${invariant}"`, { timeout: 120_000 }, async () => {
    const mutant = [...MUTANTS, ...HELD_OUT].find((candidate) => candidate.id === id);
    assert.ok(mutant, `no mutant ${id}`);
    const outcome = await runMutant(mutant, { only: runs, timeoutMs: 100_000 });
    assert.equal(outcome.verdict, "caught", `${outcome.verdict}: ${outcome.detail}`);
    assert.ok(outcome.invariants.includes(invariant), `named by ${outcome.invariants}`);
  });
}
