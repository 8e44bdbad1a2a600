/**
 * Held answers and sessions racing turns, on the desk (`desk.ts`): saves held for the disk
 * (one done before a shout, one still waiting, one that answers nothing and fails while its
 * sender says more, one loud) while others shout; a resume of a connected identity whose old
 * connection vanishes while a slow turn keeps both waiting; a newcomer whose first message
 * resumes nobody and that vanishes before that turn comes; an identity held when the shutdown
 * comes. Judged by who hears each shout and how soon (*everyone hears*, *no wait for
 * others*), reply accounting, identities (no hold while a connection has the index), turn
 * order and the shutdown's promises (*gone by the shutdown's end*).
 *
 * @module
 */
import type { Command } from "../../mod.ts";
import { Random } from "../engine/random.ts";
import type { SimulationReport } from "../engine/report.ts";
import type { Simulation } from "../engine/simulation.ts";
import { replyAccounting } from "../invariants/reply_accounting.ts";
import { deskModel, tokenIn } from "./desk.ts";
import { heldDeskSimulation } from "./desk_checks.ts";
import type { StoryOptions } from "./swarm_limits.ts";

/** When the edge-holds story's server shuts down, in virtual ms. */
export const EDGE_HOLDS_SHUTDOWN_MS = 150;

const HOLD_MS = 400;

/**
 * Builds the edge-holds story of `seed` (the seed moves when the races begin, by a ms or
 * two, and how long the saves take).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runEdgeHolds } from "./edge_holds.ts";
 * const report = await runEdgeHolds(1);
 * assert.ok(report.ok, report.violations.map((v) => v.message).join("; "));
 * ```
 */
export function buildEdgeHolds(seed: number, options: StoryOptions = {}): Simulation {
  const random = new Random(seed);
  const shutdownAtMs = EDGE_HOLDS_SHUTDOWN_MS;
  const shift = seed % 3; // the races move by a ms or two from seed to seed
  const accounting = replyAccounting(deskModel({
    shutdownAtMs,
    marginMs: 2,
    holdMs: HOLD_MS,
    resumes: (client) => client === "heir",
  }));
  const sim = heldDeskSimulation({
    seed,
    options,
    accounting,
    shutdownAtMs,
    holdMs: HOLD_MS,
    random,
    link: { fragmentRate: 0, upDelayMs: 1, downDelayMs: 1, serverWindowBytes: 1 << 20 },
  });
  const say = (n: number): Command => ({ code: "say", n });
  // A save done before the shout: nothing of early's is held when it comes.
  sim.client({ name: "early" }).send(2, say(1)).send(5, { code: "durable", ms: 5 + shift });
  sim.client({ name: "ear" }).send(2, say(2));
  // A save still waiting when the shout comes: only the saver hears it late.
  sim.client({ name: "saver" }).send(2, say(3)).send(20, { code: "durable", ms: 60 });
  sim.client({ name: "crier" }).send(2, say(4)).send(30, { code: "shout", n: 1 })
    .send(38, { code: "shout", n: 5 }).send(46, [{ code: "shout", n: 3 }, say(12)]);
  // A save that answers nothing and fails while its sender says more and hears a shout: its
  // error comes first.
  sim.client({ name: "silent" }).send(2, say(5))
    .send(35, { code: "durable", ms: 20, quiet: true, fail: true }).send(40 + shift, say(6));
  // A loud save: everyone hears it once it is durable, and a shout while it waits after it.
  sim.client({ name: "herald" }).send(2, say(7)).send(50, {
    code: "durable",
    ms: 10,
    loud: true,
    n: 2,
  }).send(52, { code: "shout", n: 4 });
  // A slow turn keeps everyone waiting while a resume and a drop of the same identity queue.
  const at = 90 + shift;
  sim.client({ name: "slowpoke" }).send(2, say(8)).send(at, { code: "slow", ms: 20 });
  const heir = sim.client({ name: "heir" }).send(at + 30, say(10));
  const victim = sim.client({ name: "victim" }).send(2, say(9)).abort(at + 4);
  victim.onMessage((commands) => {
    const token = tokenIn(commands);
    if (token !== undefined) heir.send(at + 2, [{ code: "resume", token }, say(11)]);
  });
  // Its first message resumes nobody, and it vanishes before that turn comes.
  sim.client({ name: "ghost" }).send(at + 2, [{ code: "resume", token: "nobody" }])
    .abort(at + 4);
  // Held when the shutdown comes: the shutdown ends it, not its hold.
  sim.client({ name: "lingerer" }).send(2, say(13)).abort(shutdownAtMs - 20);
  return sim;
}

/** Runs the edge-holds story of `seed`. */
export function runEdgeHolds(seed: number): Promise<SimulationReport> {
  return buildEdgeHolds(seed).run({ shutdownAtMs: EDGE_HOLDS_SHUTDOWN_MS, untilMs: 5_000 });
}
