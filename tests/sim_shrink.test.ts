/**
 * Faults as data: a run's faults replay from their list to the same trace, a list written
 * down reads back, and every planted bug shrinks to a few faults.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeRun, encodeRun, formatSchedule } from "../sim/engine/fault_list.ts";
import { FaultPlan } from "../sim/engine/fault_plan.ts";
import { Random } from "../sim/engine/random.ts";
import { PLANTED_BUGS, type PlantedBug } from "../sim/scenarios/planted.ts";
import { runSpec, type ScenarioName } from "../sim/scenarios/replay.ts";
import { SCENARIOS } from "../sim/scenarios/scenarios.ts";
import { replayList } from "../sim/scenarios/replay_list.ts";
import { describeShrunk, shrinkRun } from "../sim/scenarios/shrink_run.ts";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { ROOT } from "./helpers/cli_process.ts";

test("a recorded fault list replays to the same trace; an empty one to a run without faults", async () => {
  for (const scenario of ["swarm", "targeted"] as const) {
    for (const seed of [1, 7, 42]) {
      const run = await runSpec({ seed, scenario });
      const faults = run.sim.faults.events;
      assert.ok(faults.length > 0, `${scenario} ${seed} drew faults`);
      const again = await runSpec({ seed, scenario, faults });
      assert.equal(again.report.traceHash, run.report.traceHash, `${scenario} ${seed}`);
      assert.deepEqual(again.sim.faults.events, faults);
      const clean = await runSpec({ seed, scenario, faults: [] });
      assert.deepEqual(clean.sim.faults.events, []);
      assert.ok(clean.sim.clients.every((client) => client.link.segmentCounts.fragments === 0));
    }
  }
});

test("removing one fault leaves the others as they were: draws are keyed, not sequential", async () => {
  let seed = 0;
  let run;
  let cut = -1;
  while (cut < 0 && seed < 20) {
    run = await runSpec({ seed: ++seed, scenario: "swarm" });
    cut = run.sim.faults.events.findIndex((fault) => fault.kind.endsWith("-cut"));
  }
  assert.ok(run && cut >= 0, "a seed cuts a segment");
  const faults = run.sim.faults.events;
  const without = faults.filter((_, n) => n !== cut);
  const again = await runSpec({ seed, scenario: "swarm", faults: without });
  // Every other fault of another client still strikes, with the same value.
  const keyOf = (f: (typeof faults)[number]) => `${f.client}.${f.kind}#${f.seq}=${f.value}`;
  const struck = new Set(again.sim.faults.events.map(keyOf));
  const others = without.filter((fault) => fault.client !== faults[cut].client);
  assert.ok(others.length > 0);
  for (const fault of others) assert.ok(struck.has(keyOf(fault)), keyOf(fault));
  // And a recording draws each segment's fate from its own key, whatever was drawn before.
  const a = FaultPlan.recording(11);
  a.drawn("c1", "up-cut", 5, 0, (r) => r.int(1, 1000));
  const b = FaultPlan.recording(11);
  assert.equal(
    a.drawn("c2", "down-cut", 77, 0, (r) => r.int(1, 1000)),
    b.drawn("c2", "down-cut", 77, 0, (r) => r.int(1, 1000)),
  );
});

test("a fault list is written as one shell word and read back", async () => {
  const run = await runSpec({ seed: 5, scenario: "swarm" });
  const listed = { scenario: "swarm", seed: 5, faults: run.sim.faults.events };
  const text = encodeRun(listed);
  assert.match(text, /^swarm:5::[^\s'"]+$/);
  const read = decodeRun(text);
  assert.deepEqual(
    read.faults.map(({ at: _, ...rest }) => rest),
    listed.faults.map(({ at: _, ...rest }) => rest),
  );
  assert.throws(() => decodeRun("swarm:x::"), /not a fault list/);
  assert.throws(() => decodeRun("swarm:1::c1.window"), /not a fault/);
  assert.equal(formatSchedule(run.sim.faults.events).length, run.sim.faults.events.length);
  const lines: string[] = [];
  assert.equal(await replayList(text, (line) => lines.push(line)), 0);
  assert.ok(
    lines.includes(`trace ${run.report.traceHash}`) ||
      lines.some((l) => l.endsWith(`trace ${run.report.traceHash}`)),
  );
  assert.equal(await replayList("nonsense", () => {}), 2);
});

test("every planted bug shrinks to at most 10 faults within 200 reruns, failing the same way", async (t) => {
  for (const bug of Object.keys(PLANTED_BUGS) as PlantedBug[]) {
    for (const seed of [1, 2, 3]) {
      const spec = { seed, scenario: "targeted", plant: bug } as const;
      const failed = await runSpec(spec);
      assert.equal(failed.report.ok, false, `${bug} seed ${seed} fails`);
      const shrunk = await shrinkRun(spec, failed);
      const before = failed.sim.faults.events.length;
      const after = shrunk.spec.faults.length;
      t.diagnostic(`${bug} seed ${seed}: ${before} faults -> ${after} in ${shrunk.reruns} reruns`);
      assert.ok(after <= 10, describeShrunk(shrunk).join("\n"));
      assert.ok(shrunk.reruns <= 200);
      assert.ok(after < before);
      assert.equal(shrunk.invariant, failed.report.violations[0].invariant);
      // The shrunk list, replayed, still fails that invariant, and only with the bug planted.
      const replayed = await runSpec(shrunk.spec);
      assert.ok(replayed.report.violations.some((v) => v.invariant === shrunk.invariant));
      const unplanted = await runSpec({ ...shrunk.spec, plant: undefined });
      assert.ok(!unplanted.report.violations.some((v) => v.invariant === shrunk.invariant));
      const told = describeShrunk(shrunk);
      assert.match(told[0], new RegExp(`shrunk from ${before} faults to ${after} in`));
      assert.match(told.at(-1)!, /replay: SIM_REPLAY=targeted:\d+:[a-z-]+:\S* npm run sim/);
    }
  }
});

test("a bug that needs its faults keeps them: the drains of a stalled reader", async () => {
  const spec = { seed: 1, scenario: "targeted", plant: "sequential-drain" } as const;
  const shrunk = await shrinkRun(spec, await runSpec(spec));
  const kinds = shrunk.spec.faults.map((fault) => `${fault.client}.${fault.kind}`);
  // c1's small window is the scenario's own story; that it stops reading is a fault.
  assert.ok(kinds.includes("c1.pause-reading"), kinds.join(" "));
  // Without them the same story passes.
  const cleaned = await runSpec({ ...spec, faults: [] });
  assert.ok(!cleaned.report.violations.some((v) => v.invariant === shrunk.invariant));
});

test("the named scenarios replay their fault lists too, and each of their planted bugs shrinks", async (t) => {
  for (const scenario of ["broadcast-break", "cards", "steady-reader"] as const) {
    const run = await runSpec({ seed: 1, scenario });
    const faults = run.sim.faults.events;
    const again = await runSpec({ seed: 1, scenario, faults });
    assert.equal(again.report.traceHash, run.report.traceHash, scenario);
  }
  // The four hostile readers share their plants: the slow reader stands for them.
  const plants = [
    ...Object.keys(SCENARIOS["slow-reader"].plants).map((plant) => ["slow-reader", plant]),
    ...Object.keys(SCENARIOS.cards.plants).map((plant) => ["cards", plant]),
  ];
  for (const [scenario, plant] of plants) {
    const spec = { seed: 1, scenario: scenario as ScenarioName, plant };
    const failed = await runSpec(spec);
    const shrunk = await shrinkRun(spec, failed);
    const before = failed.sim.faults.events.length;
    t.diagnostic(
      `${scenario} ${plant}: ${before} faults -> ${shrunk.spec.faults.length} in ${shrunk.reruns} reruns`,
    );
    assert.ok(shrunk.spec.faults.length <= 10 && shrunk.reruns <= 200, scenario);
    assert.equal(shrunk.invariant, failed.report.violations[0].invariant);
    const unplanted = await runSpec({ ...shrunk.spec, plant: undefined });
    assert.ok(!unplanted.report.violations.some((v) => v.invariant === shrunk.invariant), plant);
  }
});

test("sim/cli.ts, as a process on this runtime, shrinks a failing seed and replays the list it prints, from the environment or a file", () => {
  const onDeno = typeof Deno !== "undefined";
  const cli = (env: Record<string, string>) => {
    const [command, ...args] = onDeno
      ? [Deno.execPath(), "run", "--allow-env", "--allow-read", "sim/cli.ts"]
      : [process.execPath, "--import", "tsx", "sim/cli.ts"];
    return spawnSync(command, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      encoding: "utf8",
    });
  };
  const seeded = cli({ SIM_SEED: "2", SIM_PLANT: "sequential-drain" });
  assert.equal(seeded.status, 1, seeded.stderr);
  assert.match(seeded.stdout, /\nshrunk from \d+ faults to \d in \d+ reruns; still fails "/);
  const list = /replay: SIM_REPLAY=(\S+) npm run sim/.exec(seeded.stdout)?.[1];
  assert.ok(list, seeded.stdout);
  const replayed = cli({ SIM_REPLAY: list });
  assert.equal(replayed.status, 1, replayed.stderr);
  assert.match(
    replayed.stdout,
    /faults that struck \((\d) of \1 listed\):\n +[\d.]+ms c1: pause reading/,
  );
  const dir = mkdtempSync(join(tmpdir(), "sim-replay-"));
  try {
    writeFileSync(join(dir, "list.txt"), `${list}\n`);
    const fromFile = cli({ SIM_REPLAY: join(dir, "list.txt") });
    assert.equal(fromFile.status, 1, fromFile.stderr);
    assert.equal(fromFile.stdout, replayed.stdout);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("any part of a run's fault list is a run the real core passes: shrinking invents no failure", async () => {
  const random = new Random(2026);
  const runs = [
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((seed) => ({ seed, scenario: "swarm" as const })),
    ...[1, 2, 3, 4].map((seed) => ({ seed, scenario: "targeted" as const })),
    ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((seed) => ({
      seed,
      scenario: "broadcast-break" as const,
    })),
    { seed: 1, scenario: "connect-storm" as const },
  ];
  for (const spec of runs) {
    const faults = (await runSpec(spec)).sim.faults.events;
    const share = random.float();
    const part = faults.filter(() => random.chance(share));
    const run = await runSpec({ ...spec, faults: part });
    assert.deepEqual(
      run.report.violations,
      [],
      `${spec.scenario} ${spec.seed}, ${part.length} of ${faults.length} faults`,
    );
  }
});
