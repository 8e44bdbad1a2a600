/**
 * The swarm: a thousand seeds, each a random scenario over the rooms example with a random
 * fault mix, against the real core; and the determinism that makes a seed worth reporting.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runSpec } from "../sim/scenarios/replay.ts";
import { runSwarm } from "../sim/scenarios/swarm.ts";
import { runSenderProgress, runTightLimits } from "../sim/scenarios/swarm_limits.ts";
import { runTimers } from "../sim/scenarios/timers.ts";
import { QUIET_TURNS } from "../sim/engine/settle.ts";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { traceHashes } from "./helpers/sim_apps.ts";
import { swarmSeeds, type SwarmSummary } from "./helpers/sim_swarm_seeds.ts";
import { ROOT } from "./helpers/cli_process.ts";

/** Seeds the suite runs on each runtime, each twice (its seed, then its fault list). */
const SWARM_SEEDS = 1000;

test(`swarm: ${SWARM_SEEDS} seeds of random scenarios and fault mixes keep every invariant, each replayed from its fault list to the same trace`, async () => {
  const onDeno = typeof Deno !== "undefined";
  let summary: SwarmSummary;
  if (onDeno) summary = await swarmSeeds(SWARM_SEEDS);
  else {
    // Outside the test runner's async hook: several times faster on Node 20.
    const child = spawnSync(
      process.execPath,
      ["--import", "tsx", "tests/helpers/sim_swarm_seeds.ts"],
      {
        cwd: ROOT,
        env: { ...process.env, SIM_SWARM_SEEDS: String(SWARM_SEEDS) },
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    assert.equal(child.status, 0, child.stderr);
    summary = JSON.parse(child.stdout);
  }
  const { failures, diverged, seen, seconds } = summary;
  assert.deepEqual(diverged, [], "a seed replayed from its fault list traced differently");
  assert.deepEqual(
    failures,
    [],
    `${failures.length} of ${SWARM_SEEDS} seeds failed:\n\n${failures.join("\n\n")}`,
  );
  // Every fault family must actually have struck, or the swarm proves less than it claims.
  for (const [family, count] of Object.entries(seen)) {
    assert.ok(count > 0, `no seed exercised ${family} (${JSON.stringify(seen)}, ${seconds} s)`);
  }
});

test("determinism: the same seed gives the same trace, byte for byte, on Node and on Deno", async () => {
  // Both runtimes check these values: a difference means a run depends on its runtime. If the
  // core's behaviour changes on purpose, the traces change too: update the values (they must
  // still agree between `node --test` and `deno test`).
  const swarm = await runSwarm(124);
  assert.equal(swarm.report.traceHash, "2292fe68");
  assert.ok(swarm.report.events > 1000, "a seed rich in events and faults");
  const targeted = await runSpec({ seed: 2024, scenario: "targeted" });
  assert.equal(targeted.report.traceHash, "ee7c0fc4");
  assert.equal((await runSwarm(124)).report.traceHash, swarm.report.traceHash);
  assert.notEqual((await runSwarm(125)).report.traceHash, swarm.report.traceHash);
});

test("determinism: the other runtime, run as a process, traces the same seeds identically", async () => {
  const onDeno = typeof Deno !== "undefined";
  // The other runtime: Node from the PATH when these tests run on Deno, and Deno from npm's
  // install when they run on Node.
  const [command, ...args] = onDeno ? ["node", "--import", "tsx", "tests/helpers/sim_hashes.ts"] : [
    "node_modules/.bin/deno",
    "run",
    "--allow-env",
    "--allow-read",
    "tests/helpers/sim_hashes.ts",
  ];
  const child = spawnSync(command, args, {
    cwd: ROOT,
    env: { ...process.env, SIM_HASH_SEEDS: "15" },
    encoding: "utf8",
  });
  assert.equal(child.status, 0, child.stderr);
  assert.deepEqual(child.stdout.trim().split("\n"), await traceHashes(15));
});

test("settling is complete: a far larger quiet bound changes no trace, a tiny one does", async () => {
  let changedByTiny = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const usual = await runSwarm(seed);
    const patient = await runSwarm(seed, { quietTurns: 256 });
    assert.equal(patient.report.traceHash, usual.report.traceHash, `seed ${seed}`);
    assert.ok(usual.report.longestQuietGap < QUIET_TURNS, `seed ${seed}`);
    const hasty = await runSwarm(seed, { quietTurns: 1 });
    changedByTiny += Number(hasty.report.traceHash !== usual.report.traceHash);
  }
  assert.ok(changedByTiny > 10, `a bound of one turn changed only ${changedByTiny} of 20 traces`);
});

test("the timers, tight-limits and sender-progress stories pass on the real core", async () => {
  const runs: [string, () => Promise<{ ok: boolean; violations: readonly unknown[] }>][] = [];
  for (let seed = 1; seed <= 40; seed++) runs.push([`timers ${seed}`, () => runTimers(seed)]);
  for (let seed = 1; seed <= 10; seed++) {
    runs.push([`tight-limits ${seed}`, () => runTightLimits(seed)]);
    runs.push([`sender-progress ${seed}`, () => runSenderProgress(seed)]);
  }
  for (const [name, run] of runs) {
    const report = await run();
    assert.ok(report.ok, `${name}: ${JSON.stringify(report.violations.slice(0, 2))}`);
  }
});
