/**
 * Hostile clients in the simulator (issue 4): a reader that never reads, one that reads a
 * byte a second, one flooded while it never reads, a slow one that keeps up, a client that
 * vanishes at every point of a broadcast, and a thousand connects and disconnects in one
 * virtual second. Each time: nothing lost for the others, nobody else held back beyond the
 * core's `drainWaitMs`, the offender cut off by the right limit at the right time, every hook
 * once, the server's queue bounded, and the server still answering afterwards.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  buildBreakScenario,
  COMBINATIONS,
  MOMENTS,
  POSITIONS,
} from "../sim/scenarios/broadcast_breaks.ts";
import { buildStormScenario } from "../sim/scenarios/connect_storm.ts";
import {
  buildReaderScenario,
  type ReaderKind,
  type ReaderPlant,
} from "../sim/scenarios/hostile_readers.ts";
import { probeAnswered } from "../sim/scenarios/hostile_room.ts";
import { departureOf } from "../sim/invariants/limit_invariants.ts";
import { brokenInvariants } from "./helpers/sim_apps.ts";
import { runBuilt, runScenario } from "./helpers/sim_scenarios.ts";

/** Runs a reader scenario and asserts it kept every invariant, printing the replay if not. */
async function cleanReaderRun(kind: ReaderKind, seed: number) {
  const run = await runBuilt({ seed, scenario: kind }, buildReaderScenario(kind, seed));
  assert.equal(run.report.ok, true, run.told);
  assert.ok(probeAnswered(run.probe), `seed ${seed}: the probe got no answer`);
  assert.ok(run.latency.heard > 100, "the latency check judged enough traffic");
  const { offender, sim } = run;
  assert.equal(sim.records.hooksOf(offender.index!).connects, 1);
  assert.equal(sim.records.hooksOf(offender.index!).disconnects, 1);
  return { scenario: run, gone: departureOf(sim.records, offender.index!)! };
}

test("a reader that never reads: cut off one slow-consumer timeout after its first wait", async () => {
  for (const seed of [1, 2, 3]) {
    const { scenario, gone } = await cleanReaderRun("never-reader", seed);
    const { offender, limits, latency } = scenario;
    assert.equal(gone.reason, "slow consumer");
    const waited = offender.link.firstDrainWaitAt!;
    assert.ok(Math.abs(gone.time - waited - limits.slowConsumerTimeoutMs * 1000) <= 1);
    assert.equal(offender.inbox.length, 0, "it read nothing");
    assert.ok(offender.link.maxQueuedBytes <= limits.maxBufferedBytes);
    // A talker's next message waited for the drain, and no longer than the core allows.
    assert.ok(latency.worstExcessMs > 0 && latency.worstExcessMs <= limits.drainWaitMs);
  }
});

test("a reader that reads one byte a second: cut off as a slow consumer too", async () => {
  for (const seed of [1, 2]) {
    const { scenario, gone } = await cleanReaderRun("slow-reader", seed);
    const { offender, limits } = scenario;
    assert.equal(gone.reason, "slow consumer");
    const reads = offender.inbox.reads().filter((read) => read.time <= gone.time);
    assert.ok(reads.length >= 9, `${reads.length} reads before the cut`);
    assert.ok(
      reads.every((read, k) =>
        read.bytes.length === 1 && (k === 0 || read.time - reads[k - 1].time === 1_000_000)
      ),
    );
    assert.ok(
      Math.abs(gone.time - offender.link.firstDrainWaitAt! - limits.slowConsumerTimeoutMs * 1000) <=
        1,
    );
  }
});

test("a flooded reader that never reads: cut off at the hard cap, long before the timeout", async () => {
  for (const seed of [1, 2]) {
    const { scenario, gone } = await cleanReaderRun("flood", seed);
    const { offender, limits } = scenario;
    assert.equal(gone.reason, "buffer over hard cap");
    const waited = offender.link.firstDrainWaitAt!;
    assert.ok(gone.time < waited + limits.slowConsumerTimeoutMs * 1000);
    // The guard refuses the write that would pass the cap: the queue never holds more.
    const queued = offender.link.maxQueuedBytes;
    assert.ok(
      queued <= limits.maxBufferedBytes,
      `${queued} bytes queued, cap ${limits.maxBufferedBytes}`,
    );
    assert.ok(queued > limits.highWaterMarkBytes, "it did fill up past the high-water mark");
    assert.ok(offender.link.discardedBytes > 0, "what it never read was dropped at the close");
  }
});

test("a slow reader that keeps up is never cut off and misses nothing", async () => {
  for (const seed of [1, 2]) {
    const { scenario, gone } = await cleanReaderRun("steady-reader", seed);
    assert.equal(gone.reason, "shutdown");
    const { offender } = scenario;
    assert.equal(offender.inbox.matched, offender.expected.length);
    assert.ok(offender.expected.length > 200);
  }
});

test(`a client that vanishes at every point of a broadcast: ${POSITIONS.length} places × ${MOMENTS.length} moments, twice`, async () => {
  const failures: string[] = [];
  for (let seed = 0; seed < 2 * COMBINATIONS; seed++) {
    const scenario = await runBuilt(
      { seed, scenario: "broadcast-break" },
      buildBreakScenario(seed),
    );
    if (!scenario.report.ok) failures.push(scenario.told);
    else if (!probeAnswered(scenario.probe)) {
      failures.push(`${scenario.summary}: no answer to the probe`);
    }
  }
  assert.deepEqual(failures, [], failures.join("\n\n"));
});

test("a thousand connects and disconnects in one virtual second, with and without a full server", async () => {
  for (const seed of [1, 2]) {
    const scenario = await runBuilt({ seed, scenario: "connect-storm" }, buildStormScenario(seed));
    assert.equal(scenario.report.ok, true, scenario.told);
    const { storm, sim } = scenario;
    assert.equal(storm.length, 1000);
    const accepted = storm.filter((client) => client.index !== undefined);
    const refused = storm.filter((client) => client.refused);
    assert.equal(accepted.length + refused.length, 1000);
    assert.equal(new Set(accepted.map((client) => client.index)).size, accepted.length);
    for (const client of accepted) {
      const hooks = sim.records.hooksOf(client.index!);
      assert.deepEqual([hooks.connects, hooks.disconnects], [1, 1], client.name);
    }
    if (scenario.maxConnections === undefined) assert.equal(refused.length, 0);
    else {
      assert.ok(refused.length > 100, `${refused.length} refused`);
      // Those still there to read it read the refusal, and nothing else.
      const heard = refused.filter((client) => !client.link.clientGone);
      assert.ok(heard.length > 0);
      for (const client of heard) {
        assert.equal(client.receivedText(), '[{"error":"server is full"}]\0');
      }
    }
    assert.deepEqual(scenario.registeredAfter, scenario.others.slice(0, 3).map((c) => c.index));
    assert.ok(probeAnswered(scenario.probe));
  }
});

test("planted: each broken limit or send path is flagged by the check meant for it", async () => {
  const cases: { kind: ReaderKind; plant: ReaderPlant; caughtBy: string[] }[] = [
    {
      kind: "never-reader",
      plant: "sequential-drain",
      caughtBy: ["concurrent drain"],
    },
    { kind: "never-reader", plant: "no-limits", caughtBy: ["departures"] },
    { kind: "flood", plant: "no-limits", caughtBy: ["buffer bounds", "departures"] },
    { kind: "slow-reader", plant: "patient-drain", caughtBy: ["end-to-end latency"] },
  ];
  for (const { kind, plant, caughtBy } of cases) {
    const run = await runScenario({ seed: 1, scenario: kind, plant });
    const broken = brokenInvariants(run.report);
    for (const invariant of caughtBy) {
      assert.ok(
        broken.includes(invariant),
        `${kind} with ${plant}: "${invariant}" missed it (${broken})`,
      );
    }
    assert.match(
      run.told,
      new RegExp(`replay: SIM_SEED=1 SIM_PLANT=${plant} SIM_SCENARIO=${kind} npm run sim`),
    );
  }
});

test("determinism: hostile seeds trace the same on every run and on both runtimes", async () => {
  // Both runtimes check these values: a difference means a run depends on its runtime. If the
  // core's behaviour changes on purpose, update them (they must agree on Node and on Deno).
  for (
    const [scenario, seed, hash] of [["broadcast-break", 4, "10ca59d2"], [
      "steady-reader",
      1,
      "6b6353b5",
    ]] as const
  ) {
    const first = await runScenario({ seed, scenario });
    const again = await runScenario({ seed, scenario });
    assert.equal(again.report.traceHash, first.report.traceHash);
    assert.equal(first.report.traceHash, hash, `${scenario} seed ${seed}`);
  }
});
