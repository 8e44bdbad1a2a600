// The mutation harness works: a few mutants of the core, each applied in a temporary copy, are
// caught by the simulator alone, each by the invariant made for it; the unpatched copy passes.
// The full run is a script: `node --import tsx scripts/mutation/run.ts`.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MUTANTS } from "../scripts/mutation/mutants.ts";
import { runMutant } from "../scripts/mutation/runner.ts";

const CASES: [id: string, runs: string, invariant: string][] = [
  ["batch-stops-at-failure", "timers:", "reply accounting"],
  ["cancelled-timer-fires", "timers:", "timed commands"],
  ["full-one-early", "tight-limits:1", "connection cap"],
  ["sequential-drain", "sender-progress:1", "sender progress"],
];

test("the unpatched copy passes the probe's runs", { timeout: 120_000 }, async () => {
  const outcome = await runMutant(undefined, { only: "tight-limits:1", timeoutMs: 100_000 });
  assert.equal(outcome.verdict, "missed", outcome.detail);
});

for (const [id, runs, invariant] of CASES) {
  test(`mutant ${id} is caught by "${invariant}"`, { timeout: 120_000 }, async () => {
    const mutant = MUTANTS.find((candidate) => candidate.id === id);
    assert.ok(mutant, `no mutant ${id}`);
    const outcome = await runMutant(mutant, { only: runs, timeoutMs: 100_000 });
    assert.equal(outcome.verdict, "caught", `${outcome.verdict}: ${outcome.detail}`);
    assert.ok(outcome.invariants.includes(invariant), `named by ${outcome.invariants}`);
  });
}
