/**
 * The fixed set of simulator runs a mutant is judged by: seeds of the swarm and of the
 * scenarios written for the client-side invariants. Only the simulator: no unit test.
 *
 * @module
 */
import type { SimulationReport } from "../../sim/engine/report.ts";
import { runSwarm } from "../../sim/scenarios/swarm.ts";
import { buildTargeted, TARGETED_SHUTDOWN_MS } from "../../sim/scenarios/targeted.ts";
import { SCENARIOS } from "../../sim/scenarios/scenarios.ts";
import { runSenderProgress, runTightLimits } from "../../sim/scenarios/swarm_limits.ts";
import { runTimers } from "../../sim/scenarios/timers.ts";
import { runEdgeLimits } from "../../sim/scenarios/edge_limits.ts";
import { runEdgeSessions } from "../../sim/scenarios/edge_sessions.ts";
import { runEdgeResumes } from "../../sim/scenarios/edge_resumes.ts";
import { runQuietTimers } from "../../sim/scenarios/timers_quiet.ts";
import { runEdgeShapes } from "../../sim/scenarios/edge_shapes.ts";
import { runEdgeHolds } from "../../sim/scenarios/edge_holds.ts";
import { runEdgeBytes } from "../../sim/scenarios/edge_bytes.ts";
import { runEdgeHttp } from "../../sim/scenarios/edge_http.ts";
import { runDeskSwarm } from "../../sim/scenarios/desk_swarm.ts";
import { runBytesSwarm } from "../../sim/scenarios/bytes_swarm.ts";

/** One run of the probe: a name and how to run it. */
export interface ProbeRun {
  readonly name: string;
  run(): Promise<SimulationReport>;
}

/** How many swarm seeds the probe runs. */
export const SWARM_SEEDS = 200;
/** How many seeds of the desk swarm, and of the bytes swarm, the probe runs. */
export const DESK_SWARM_SEEDS = 20;

/** The probe's runs, cheapest and most telling first. */
export function probeRuns(): ProbeRun[] {
  const runs: ProbeRun[] = [];
  for (let seed = 1; seed <= 3; seed++) {
    runs.push({ name: `tight-limits:${seed}`, run: () => runTightLimits(seed) });
    runs.push({ name: `sender-progress:${seed}`, run: () => runSenderProgress(seed) });
  }
  for (let seed = 1; seed <= 12; seed++) {
    runs.push({ name: `timers:${seed}`, run: () => runTimers(seed) });
  }
  for (let seed = 1; seed <= 2; seed++) {
    runs.push({ name: `edge-limits:${seed}`, run: () => runEdgeLimits(seed) });
    runs.push({ name: `edge-sessions:${seed}`, run: () => runEdgeSessions(seed) });
    runs.push({ name: `edge-resumes:${seed}`, run: () => runEdgeResumes(seed) });
    runs.push({ name: `quiet-timers:${seed}`, run: () => runQuietTimers(seed) });
    runs.push({ name: `edge-shapes:${seed}`, run: () => runEdgeShapes(seed) });
    runs.push({ name: `edge-holds:${seed}`, run: () => runEdgeHolds(seed) });
    runs.push({ name: `edge-bytes:${seed}`, run: () => runEdgeBytes(seed) });
    runs.push({ name: `edge-http:${seed}`, run: () => runEdgeHttp(seed) });
  }
  // Held answers and sessions in random traffic on the desk.
  for (let seed = 1; seed <= DESK_SWARM_SEEDS; seed++) {
    runs.push({ name: `desk-swarm:${seed}`, run: () => runDeskSwarm(seed) });
  }
  // Number literals and bytes at the protocol's edges, drawn, over TCP and WebSocket.
  for (let seed = 1; seed <= DESK_SWARM_SEEDS; seed++) {
    runs.push({ name: `bytes-swarm:${seed}`, run: () => runBytesSwarm(seed) });
  }
  for (let seed = 1; seed <= 2; seed++) {
    runs.push({
      name: `targeted:${seed}`,
      run: () => buildTargeted(seed).sim.run({ shutdownAtMs: TARGETED_SHUTDOWN_MS }),
    });
  }
  // Sessions: resumes, holds, leaves and shutdowns with identities held.
  for (let seed = 1; seed <= 3; seed++) {
    runs.push({
      name: `resume:${seed}`,
      run: async () => (await SCENARIOS.resume.run(seed)).report,
    });
  }
  for (let seed = 1; seed <= 3; seed++) {
    runs.push({
      name: `cards-hold:${seed}`,
      run: async () => (await SCENARIOS["cards-hold"].run(seed)).report,
    });
  }
  for (const name of ["broadcast-break", "steady-reader"] as const) {
    runs.push({ name: `${name}:1`, run: async () => (await SCENARIOS[name].run(1)).report });
  }
  for (let seed = 1; seed <= SWARM_SEEDS; seed++) {
    runs.push({ name: `swarm:${seed}`, run: async () => (await runSwarm(seed)).report });
  }
  return runs;
}
