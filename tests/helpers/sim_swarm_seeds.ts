/**
 * The swarm's seeds, each run, checked and run again from its fault list; run in-process on
 * Deno and as a child process on Node, whose test runner (Node 20) tracks every promise made
 * inside a test with an async hook and runs the simulator several times slower there. As a
 * script it prints the summary of `SIM_SWARM_SEEDS` seeds as JSON.
 */
import process from "node:process";
import { describeFailure, runSpec } from "../../sim/scenarios/replay.ts";
import { describeShrunk, shrinkRun } from "../../sim/scenarios/shrink_run.ts";

/** What the seeds showed. */
export interface SwarmSummary {
  /** Each failing seed, told with its shrunk replay. */
  failures: string[];
  /** Seeds whose replay from their fault list traced differently. */
  diverged: string[];
  /** How often each fault family struck. */
  seen: Record<string, number>;
  seconds: number;
}

/** Runs seeds 1 to `count` of the swarm. */
export async function swarmSeeds(count: number): Promise<SwarmSummary> {
  const failures: string[] = [];
  const diverged: string[] = [];
  const seen = {
    fragments: 0,
    coalesced: 0,
    drainWaits: 0,
    drainFailures: 0,
    writeFailures: 0,
    vanished: 0,
    halfClosed: 0,
    unflushedCloses: 0,
    pausedReaders: 0,
    refused: 0,
    directWrites: 0,
    storms: 0,
  };
  const started = performance.now();
  for (let seed = 1; seed <= count; seed++) {
    const spec = { seed, scenario: "swarm" } as const;
    const run = await runSpec(spec);
    if (!run.report.ok) {
      const shrunk = describeShrunk(await shrinkRun(spec, run));
      failures.push(`${describeFailure(spec, run, true)}\n\n${shrunk.join("\n")}`);
    }
    // Determinism checked, not assumed: the seed again, its faults replayed from their list.
    const again = await runSpec({ ...spec, faults: run.sim.faults.events });
    if (again.report.traceHash !== run.report.traceHash) {
      diverged.push(`seed ${seed}: ${run.report.traceHash} then ${again.report.traceHash}`);
    }
    seen.directWrites += run.sim.records.directWrites;
    const atOnce = new Map<number, number>();
    for (const { link, refused } of run.sim.clients) {
      seen.fragments += link.segmentCounts.fragments;
      seen.coalesced += link.segmentCounts.coalesced;
      seen.drainWaits += link.counts.drainWaits;
      seen.drainFailures += link.counts.drainFailures;
      seen.writeFailures += link.counts.writeFailures;
      seen.vanished += Number(link.clientGone);
      seen.halfClosed += Number(link.clientEnded);
      seen.unflushedCloses += Number(link.discardedBytes > 0 && !link.clientGone);
      seen.pausedReaders += Number(link.reader.pausedEver);
      seen.refused += Number(refused);
    }
    for (const { connectAt } of run.sim.clients) {
      atOnce.set(connectAt, (atOnce.get(connectAt) ?? 0) + 1);
    }
    seen.storms += Number([...atOnce.values()].some((count) => count >= 5));
  }
  return { failures, diverged, seen, seconds: (performance.now() - started) / 1000 };
}

if (import.meta.main ?? process.argv[1]?.endsWith("sim_swarm_seeds.ts")) {
  console.log(JSON.stringify(await swarmSeeds(Number(process.env.SIM_SWARM_SEEDS ?? 100))));
}
