/**
 * A swarm on the desk (`desk.ts`): a seed draws a handful of clients, each sending a few
 * messages of one to three commands (says, shouts, polls, saves held for the disk, loud,
 * or silent until they fail, failing or not, slow turns) at random times over links of random delays; some vanish
 * and a newcomer resumes their identity (now and then while a slow turn keeps both the resume
 * and the drop waiting), some half-close, one may take over a live identity, and a newcomer
 * may resume nobody and vanish before its turn. Held answers and sessions inside random traffic, judged by every check the desk
 * stories have: reply accounting, who hears each broadcast and how soon, held answers first,
 * turn order, identities, and the shutdown's promises.
 *
 * @module
 */
import type { Command } from "../../mod.ts";
import type { SimClient } from "../engine/client.ts";
import { Random } from "../engine/random.ts";
import type { SimulationReport } from "../engine/report.ts";
import type { Simulation } from "../engine/simulation.ts";
import { replyAccounting, type ReplyModel } from "../invariants/reply_accounting.ts";
import { itemsOf, readFrames } from "../invariants/wire.ts";
import { deskModel, tokenIn } from "./desk.ts";
import { heldDeskSimulation } from "./desk_checks.ts";
import type { StoryOptions } from "./swarm_limits.ts";

/** When the desk swarm's server shuts down, in virtual ms. */
export const DESK_SWARM_SHUTDOWN_MS = 200;

const HOLD_MS = 1_000;
/** The last time a script sends at (virtual ms): the held answers have 60 ms to settle. */
const LAST_SEND_MS = DESK_SWARM_SHUTDOWN_MS - 60;

/**
 * `model`, owing only what the server took in before its shutdown: a connection's message is
 * read once its earlier ones' turns are done (their answers written), and one not read when
 * the shutdown comes never is. Owed: what was sent up to the first message whose earlier
 * ones had not all been answered (read by the client) 40 ms before the shutdown.
 */
function takenIn(model: ReplyModel, shutdownAtMs: number): ReplyModel {
  return (client, sim) => {
    const base = model(client, sim);
    if (base.answeredBefore === undefined) return base;
    // Read well before: the next message is read once the last answer has also drained.
    const read = readFrames(client).filter((frame) => frame.time < (shutdownAtMs - 40) * 1000)
      .flatMap((frame) => frame.commands ?? []).filter((command) => base.mine(command));
    const answered = Math.max(0, read.length - base.greeting.length);
    const items = itemsOf(client);
    const last = items[answered]?.time ?? Infinity;
    const next = items.find((item) => item.time > last)?.time ?? Infinity;
    return { ...base, answeredBefore: Math.min(base.answeredBefore, next) };
  };
}

/**
 * One random command of the desk; `n` tells each apart. Slow turns and loud saves hold
 * everyone back (nothing is then judged for timing): they come seldom.
 */
function drawCommand(random: Random, n: number): Command {
  const ms = random.int(1, 25);
  const draw = random.int(0, 19);
  if (draw < 5) return { code: "shout", n };
  if (draw < 7) return { code: "poll" };
  if (draw < 8) return { code: "slow", ms: random.int(1, 8) };
  if (draw < 12) return { code: "durable", ms, n, ...random.chance(0.3) ? { fail: true } : {} };
  if (draw < 13) {
    return { code: "durable", ms, n, loud: true, ...random.chance(0.3) ? { fail: true } : {} };
  }
  // Quiet: it answers nothing but its failure (every command here is answered).
  if (draw < 16) return { code: "durable", ms, n, quiet: true, fail: true };
  return { code: "say", n };
}

/**
 * Builds the desk swarm of `seed`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runDeskSwarm } from "./desk_swarm.ts";
 * const report = await runDeskSwarm(1);
 * assert.ok(report.ok, report.violations.map((v) => v.message).join("; "));
 * ```
 */
export function buildDeskSwarm(seed: number, options: StoryOptions = {}): Simulation {
  const random = new Random(seed);
  const shutdownAtMs = DESK_SWARM_SHUTDOWN_MS;
  const resumers = new Set<string>();
  const accounting = replyAccounting(takenIn(
    deskModel({
      shutdownAtMs,
      marginMs: 2,
      holdMs: HOLD_MS,
      resumes: (client) => resumers.has(client),
    }),
    shutdownAtMs,
  ));
  const sim = heldDeskSimulation({
    seed,
    options,
    accounting,
    shutdownAtMs,
    holdMs: HOLD_MS,
    random,
  });
  let n = 0;
  // A client whose identity is taken over holds nothing then: it says, shouts and polls only,
  // and stops well before (what the identity is owed after goes to its new connection).
  // Now and then a resume where only a first command may resume (a client that is no heir):
  // the session layer answers it, and the player stays.
  const script = (client: SimClient, from: number, to: number, plain = false, heir = false) => {
    for (let k = random.int(2, 6); k > 0; k--) {
      // Alone half the time: a save that answers nothing shows then whether its sender waits.
      const batch = Array.from({ length: random.pick([1, 1, 2, 3]) }, () => {
        const late = !heir && random.chance(0.04);
        const command = late ? { code: "resume", token: "stale" } : drawCommand(random, ++n);
        return plain && !["shout", "poll", "resume"].includes(String(command.code))
          ? { code: "say", n }
          : command;
      });
      client.send(random.int(from, to), batch.length === 1 ? batch[0] : batch);
    }
  };
  const link = () => ({
    upDelayMs: random.int(1, 3),
    downDelayMs: random.int(1, 3),
    jitterMs: random.pick([0, 0, 1]),
    // Mostly whole segments and a large server window: when a message reached the server is
    // then known, and the timing checks judge it.
    fragmentRate: random.pick([0, 0, 0, 0.5]),
    serverWindowBytes: 1 << 20,
  });
  // Slow turns that keep the others' turns waiting while a race plays out behind them.
  const blocker = sim.client({ name: "blocker", link: link() });
  const block = (atMs: number) => blocker.send(atMs, { code: "slow", ms: random.int(6, 14) });
  if (random.chance(0.5)) {
    // A newcomer whose first message resumes nobody, gone before that turn comes.
    const at = random.int(30, 120);
    block(at - 2);
    sim.client({ name: "ghost", link: link() })
      .send(at, [{ code: "resume", token: `nobody-${seed}` }]).abort(at + random.int(1, 3));
  }
  for (let c = random.int(4, 7); c > 0; c--) {
    const client = sim.client({ name: `d${c}`, link: link() });
    client.send(random.int(1, 5), { code: "say", n: ++n });
    const fate = random.int(0, 5);
    const at = random.int(70, 100); // when a client taken over vanishes, or is taken over
    const taken = fate === 1 || fate === 2;
    // Scripts end well before the shutdown: a message behind its sender's own held answer is
    // taken in only once that is written (what is not taken in by then is not answered).
    script(client, 6, taken ? at - 60 : LAST_SEND_MS, taken);
    if (fate === 0) client.end(random.int(40, shutdownAtMs + 10));
    if (taken) {
      // It vanishes (or is still connected, for a takeover), and a newcomer resumes it.
      if (fate === 1) client.abort(at);
      const heir = sim.client({ name: `heir${c}`, link: link() });
      resumers.add(heir.name);
      // A race, now and then: the resume, then the drop, both queued behind a slow turn.
      const race = fate === 1 && random.chance(0.5);
      if (race) block(at - 5);
      const resumeAt = race ? at - 2 : at + random.int(-5, 10);
      client.onMessage((commands) => {
        const token = tokenIn(commands);
        if (token === undefined) return;
        const rest = random.chance(0.5) ? [drawCommand(random, ++n)] : [];
        heir.send(resumeAt, [{ code: "resume", token }, ...rest]);
      });
      script(heir, resumeAt + 1, LAST_SEND_MS, false, true);
    }
  }
  return sim;
}

/** Runs the desk swarm of `seed`. */
export function runDeskSwarm(seed: number): Promise<SimulationReport> {
  return buildDeskSwarm(seed).run({ shutdownAtMs: DESK_SWARM_SHUTDOWN_MS, untilMs: 5_000 });
}
