/**
 * Reconnection in the simulator: players drop at random points and successors resume (within
 * the hold and past it, over an open socket, with a leave), under the faults a seed draws.
 * Tokens stay private, an identity is never spoken for by two connections, it is gone exactly
 * once, nothing from before a resume reaches the client after its reply, and the view after a
 * resume is a fresh view of the seat; each planted bug is caught by the invariant named for it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildResumeScenario } from "../sim/scenarios/resume_scenario.ts";
import { RESUME_PLANTS, type ResumePlant } from "../sim/scenarios/resume_planted.ts";
import { formatViolation } from "../sim/mod.ts";

const SEEDS = Array.from({ length: 40 }, (_, k) => k + 1);

async function run(seed: number, plant?: ResumePlant) {
  const scenario = buildResumeScenario(seed, { plant });
  const report = await scenario.sim.run({ shutdownAtMs: scenario.shutdownAtMs });
  return { scenario, report };
}

test(`${SEEDS.length} seeds of drops and resumes keep every session invariant`, async () => {
  const seen = {
    resumes: 0,
    holds: 0,
    expired: 0,
    takeovers: 0,
    refused: 0,
    leaves: 0,
    views: 0,
  };
  const failures: string[] = [];
  for (const seed of SEEDS) {
    const { scenario, report } = await run(seed);
    if (!report.ok) {
      failures.push(`${scenario.summary}\n${report.violations.map(formatViolation).join("\n")}`);
    }
    const calls = scenario.lobby.calls;
    seen.resumes += calls.filter((call) => call.kind === "resume").length;
    seen.holds += calls.filter((call) => call.kind === "hold").length;
    // A hold that ended in a disconnect before the shutdown: it ran out.
    const shutdownUs = scenario.shutdownAtMs * 1000;
    seen.expired += calls.filter((call) => call.kind === "disconnect" && call.time < shutdownUs)
      .length;
    for (const client of scenario.sim.clients) {
      const text = client.receivedText();
      seen.takeovers += Number(text.includes("resumed elsewhere"));
      seen.refused += Number(text.includes("cannot resume"));
      seen.leaves += Number(text.includes('"code":"leave","success":true'));
      seen.views += Number(/"code":"resume","success":true[^\0]*\0\[\{"code":"view"/.test(text));
    }
  }
  assert.deepEqual(failures, [], `${failures.length} seeds failed:\n\n${failures.join("\n\n")}`);
  for (const [what, count] of Object.entries(seen)) assert.ok(count >= 5, `${what}: ${count}`);
});

test("the same seed runs the same, to the trace hash", async () => {
  const [first, second] = [await run(7), await run(7)];
  assert.equal(first.report.traceHash, second.report.traceHash);
  assert.equal(first.report.events, second.report.events);
});

const CAUGHT_BY: Record<ResumePlant, string> = {
  "token-to-table": "tokens private",
  "stale-close": "identities",
  "old-socket-kept": "identities",
  "replay-queued": "fresh after resume",
  "stale-view": "resume view",
};

for (const plant of Object.keys(RESUME_PLANTS) as ResumePlant[]) {
  test(`planted bug "${plant}" is caught by ${CAUGHT_BY[plant]}`, async () => {
    for (const seed of SEEDS) {
      const { report } = await run(seed, plant);
      if (report.ok) continue;
      assert.ok(
        report.violations.some((violation) => violation.invariant === CAUGHT_BY[plant]),
        report.violations.map(formatViolation).join("\n"),
      );
      return;
    }
    assert.fail(`no seed of ${SEEDS.length} caught ${plant}`);
  });
}
