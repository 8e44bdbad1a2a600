/**
 * Seeds of the mixed swarm of TCP and WebSocket clients (`ws-swarm`), each run, checked and
 * run again from its fault list, and its planted bugs on a few seeds; run in-process on Deno
 * and as a child process on Node (whose test runner slows the simulator down several times).
 * As a script it prints the summary of `SIM_WS_SEEDS` seeds and `SIM_WS_PLANT_SEEDS` planted
 * seeds as JSON.
 */
import process from "node:process";
import { describeFailure, runSpec } from "../../sim/scenarios/replay.ts";
import { WEBSOCKET_PLANTS, type WebSocketPlantName } from "../../sim/scenarios/ws_planted.ts";

/** What the seeds showed. */
export interface WebSocketSwarmSummary {
  /** Each failing seed, told with its replay command and the failing clients' logs. */
  failures: string[];
  /** Seeds whose replay from their fault list traced differently. */
  diverged: string[];
  /** How often each thing the suite must exercise happened, over every seed. */
  seen: Record<string, number>;
  /** By plant: the seeds it slipped through, and the invariants that caught it, by seed. */
  plants: Record<string, { missed: number[]; caughtBy: string[][] }>;
}

/** Runs seeds 1 to `count` of the mixed swarm, and each plant on seeds 1 to `plantSeeds`. */
export async function webSocketSwarmSeeds(
  count: number,
  plantSeeds: number,
): Promise<WebSocketSwarmSummary> {
  const failures: string[] = [];
  const diverged: string[] = [];
  const seen = {
    "tcp clients": 0,
    "ws-message clients": 0,
    "ws-stream clients": 0,
    "WebSocket upgrades": 0,
    "segments cut": 0,
    "clients gone": 0,
    "WebSocket closes by the client": 0,
    "WebSocket closes by the server": 0,
    "refused WebSocket clients": 0,
    "drain waits": 0,
  };
  for (let seed = 1; seed <= count; seed++) {
    const spec = { seed, scenario: "ws-swarm" } as const;
    const run = await runSpec(spec);
    if (!run.report.ok) failures.push(describeFailure(spec, run, true));
    const again = await runSpec({ ...spec, faults: run.sim.faults.events });
    if (again.report.traceHash !== run.report.traceHash) {
      diverged.push(`seed ${seed}: ${run.report.traceHash} then ${again.report.traceHash}`);
    }
    for (const client of run.sim.clients) {
      seen[`${client.protocol} clients`]++;
      const notes = client.log.flatMap((entry) => entry.note ?? []);
      seen["WebSocket upgrades"] += Number(notes.some((note) => note.startsWith("WebSocket open")));
      seen["WebSocket closes by the client"] += Number(
        client.webSocket !== undefined && notes.includes("half-close"),
      );
      seen["WebSocket closes by the server"] += Number(
        notes.some((note) => note.startsWith("the server closed the WebSocket")),
      );
      seen["refused WebSocket clients"] += Number(client.refused && client.webSocket !== undefined);
      seen["segments cut"] += client.link.segmentCounts.fragments;
      seen["clients gone"] += Number(client.link.clientGone);
      seen["drain waits"] += client.link.counts.drainWaits;
    }
  }
  const plants: WebSocketSwarmSummary["plants"] = {};
  for (const plant of Object.keys(WEBSOCKET_PLANTS) as WebSocketPlantName[]) {
    const result = plants[plant] = { missed: [] as number[], caughtBy: [] as string[][] };
    for (let seed = 1; seed <= plantSeeds; seed++) {
      const { report } = await runSpec({ seed, scenario: "ws-swarm", plant });
      const caught = [...new Set(report.violations.map((violation) => violation.invariant))];
      if (caught.length === 0) result.missed.push(seed);
      result.caughtBy.push(caught.sort());
    }
  }
  return { failures, diverged, seen, plants };
}

if (import.meta.main ?? process.argv[1]?.endsWith("sim_ws_seeds.ts")) {
  const summary = await webSocketSwarmSeeds(
    Number(process.env.SIM_WS_SEEDS ?? 50),
    Number(process.env.SIM_WS_PLANT_SEEDS ?? 10),
  );
  console.log(JSON.stringify(summary));
}
