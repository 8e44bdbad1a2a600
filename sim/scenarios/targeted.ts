/**
 * The targeted scenario: a small fixed story, on links whose pace the seed draws, that gives
 * each planted bug the chance to show itself. The real core must pass it for every seed.
 *
 * @module
 */
import { NO_FAULTS, randomFaultMix } from "../engine/faults.ts";
import { type Plant, PLANTED_BUGS, type PlantedBug } from "./planted.ts";
import { Random } from "../engine/random.ts";
import { simulateSwarmApp } from "./swarm_app.ts";
import type { Swarm } from "./swarm.ts";
import type { TraceMode } from "../engine/trace.ts";
import type { FaultPlan } from "../engine/fault_plan.ts";

/** When the targeted scenario's server shuts down, in virtual ms. */
export const TARGETED_SHUTDOWN_MS = 300;

/**
 * Builds the targeted scenario of `seed`, with `bug` planted (or none). Five clients join
 * room r0, c1 first; c1 has a small window and reads nothing until 170 ms; c5 leaves at
 * 50 ms; c3 and c4 peek at their secrets; c2 says six things to the room; c3 says one more
 * after c5 left.
 * Delays, jitter, fragmentation and coalescing come from the seed; nobody vanishes.
 *
 * @example
 * ```ts
 * import { buildTargeted } from "./targeted.ts";
 * const { sim } = buildTargeted(3, "drop-recipient");
 * const report = await sim.run({ shutdownAtMs: 300 });
 * // report.ok is false: per-index delivery flags the dropped recipient
 * ```
 */
export function buildTargeted(
  seed: number,
  bug?: PlantedBug,
  trace?: TraceMode,
  faults?: FaultPlan,
): Swarm {
  const random = new Random(seed);
  const drawn = randomFaultMix(random.fork());
  const mix = {
    ...NO_FAULTS,
    maxDelayMs: drawn.maxDelayMs,
    jitterMs: drawn.jitterMs,
    fragmentRate: drawn.fragmentRate,
    coalesceRate: drawn.coalesceRate,
  };
  const plant: Partial<Plant> = bug === undefined ? {} : PLANTED_BUGS[bug];
  const { sim, app } = simulateSwarmApp({
    ...plant,
    seed,
    mix,
    trace,
    closeTimeoutMs: 5000,
    faults,
  });
  const stalled = sim.client({ link: { windowBytes: 128, highWaterMark: 0 } });
  const talker = sim.client();
  const [peeker, other, leaver] = [sim.client(), sim.client(), sim.client()];
  // Links are at most 30 ms late (delay plus jitter): c1 is in the room before anyone else,
  // so it comes first in every broadcast.
  stalled.pauseReading(0).send(0, { code: "goto", key: "r0" }).resumeReading(170);
  [leaver, talker, peeker, other].forEach((client, n) =>
    client.send(31 + n, { code: "goto", key: "r0" })
  );
  leaver.end(50);
  peeker.send(35, { code: "peek", key: "secret" }).send(37, { code: "get", key: "s-0" });
  other.send(36, { code: "peek", key: "secret" }).send(38, [{ code: "load", key: "s-1" }, {
    code: "hint",
    key: "secret",
  }]);
  for (let n = 0; n < 6; n++) {
    const state = {
      room: "r0",
      from: talker.name,
      n,
      text: random.pick(["héllo", "日本語", "🎲"]),
    };
    talker.send(40 + 5 * n, { code: random.pick(["set", "save"]), key: `s-${n}`, state });
  }
  peeker.send(90, {
    code: "update",
    key: "list-r0",
    index: 2,
    value: { room: "r0", from: peeker.name },
  });
  return { seed, mix, app, sim };
}
