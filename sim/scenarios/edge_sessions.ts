/**
 * Sessions and the shutdown at their edges: a server with a hold, whose clients put a resume
 * or a leave in the middle of a message, resume with a token that names nobody, poll for news
 * when there is none (an empty delivery), and, while a slow command holds the shutdown up,
 * send more, half-close or vanish. Judged by reply accounting against a model of the session
 * protocol and the game, by what the game handled being answered, and by the shutdown's
 * promises.
 *
 * @module
 */
import type { Command } from "../../mod.ts";
import { NO_FAULTS } from "../engine/faults.ts";
import { Random } from "../engine/random.ts";
import type { SimulationReport } from "../engine/report.ts";
import { Simulation } from "../engine/simulation.ts";
import { handledAnswered } from "../invariants/handled_answered.ts";
import { noEscapedErrors } from "../invariants/health_invariants.ts";
import { nothingLeft } from "../invariants/quiet_invariants.ts";
import { replyAccounting } from "../invariants/reply_accounting.ts";
import { turnOrder } from "../invariants/turn_order.ts";
import { identities } from "../invariants/session_invariants.ts";
import { endedByServer, type ServerEnd } from "../invariants/ended_by_server.ts";
import {
  noHoldWhileShuttingDown,
  nothingTakenAfterShutdown,
} from "../invariants/shutdown_invariants.ts";
import type { HookCall } from "./resume_app.ts";
import { deskModel, deskOn } from "./desk.ts";
import { wholeMessages } from "../invariants/wire_invariants.ts";
import type { StoryOptions } from "./swarm_limits.ts";

/** When the edge-sessions story's server shuts down, in virtual ms. */
export const EDGE_SESSIONS_SHUTDOWN_MS = 100;

const HOLD_MS = 500;

/**
 * Builds the edge-sessions story of `seed` (the seed draws whether links cut segments).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runEdgeSessions } from "./edge_sessions.ts";
 * const report = await runEdgeSessions(1);
 * assert.ok(report.ok, report.violations.map((v) => v.message).join("; "));
 * ```
 */
export function buildEdgeSessions(seed: number, options: StoryOptions = {}): Simulation {
  const random = new Random(seed);
  const shutdownAtMs = EDGE_SESSIONS_SHUTDOWN_MS;
  let calls: HookCall[] = [];
  // Only "returner" resumes: the bucket of resumes, spent by then, has refilled one.
  const accounting = replyAccounting(
    deskModel({
      shutdownAtMs,
      marginMs: 2,
      holdMs: HOLD_MS,
      resumes: (client) => client === "returner",
    }),
  );
  // What the game handled once the shutdown began would change its state unanswered.
  const handled = handledAnswered((command) => command.code !== "news" && command.code !== "heard");
  const sim: Simulation = new Simulation({
    seed,
    trace: options.trace,
    faults: options.faults,
    mix: { ...NO_FAULTS, fragmentRate: random.pick([0, 0.5]) },
    server: {
      holdMs: HOLD_MS,
      // Three resumes at once, then one each 50 ms: the resumes of nobody spend them.
      limits: { resumeBurst: 3, resumesPerSecond: 20 },
      random: (bytes) => random.fill(bytes),
    },
    closeTimeoutMs: 5,
    application: () => {
      const desk = deskOn(() => sim);
      calls = desk.calls;
      return handled.watch(desk.application);
    },
    invariants: () => [
      accounting,
      nothingTakenAfterShutdown(accounting, { shutdownAtMs }),
      noHoldWhileShuttingDown(() => calls, { shutdownAtMs }),
      handled,
      turnOrder(),
      identities(() => calls, () => []),
      endedByServer(() => calls, () => ends, 1),
      noEscapedErrors(),
      wholeMessages(),
      nothingLeft({ quietAfterMs: 20 }),
    ],
  });
  const say = (n: number): Command => ({ code: "say", n });
  const nobody = (n: number): Command => ({ code: "resume", token: `nobody-${n}` });
  // Resumes and a leave in the middle of messages: answered by the session layer alone.
  sim.client({ name: "screen" }).send(5, say(1)).send(10, [say(2), nobody(1), say(3)])
    .send(15, [nobody(2), say(4)]).send(20, { code: "poll" })
    .send(40, [say(5), { code: "leave" }, say(6)]);
  // Polls before anyone said anything: an empty delivery, then news.
  sim.client({ name: "poller" }).send(1, { code: "poll" }).send(30, [{ code: "poll" }, say(7)]);
  // Its first message resumes nobody: answered, then it is a new player.
  sim.client({ name: "opener" }).send(5, [nobody(3), say(8)]).send(25, say(9));
  // A slow turn, then a held answer, hold the shutdown up; meanwhile others send (their turn
  // would run once the slow one is done, while the held answer still waits), half-close and
  // vanish.
  sim.client({ name: "slowpoke" }).send(5, say(10)).send(97, { code: "slow", ms: 20 });
  sim.client({ name: "keeper" }).send(5, say(15)).send(60, { code: "durable", ms: 15 })
    .send(80, [{ code: "durable", ms: 5, fail: true }, { code: "durable", ms: 3 }])
    .send(97, { code: "durable", ms: 40 });
  // The verb in `command` rather than `code`: the session layer reads it there too.
  sim.client({ name: "verbal" }).send(5, [{ command: "say", n: 16 }, {
    command: "resume",
    token: "nobody-4",
  }, { command: "say", n: 17 }]).send(30, [{ command: "leave" }, { command: "say", n: 18 }]);
  // Shouts while the keeper's answer is held: the keeper hears them after that answer.
  sim.client({ name: "shouter" }).send(65, { code: "shout", n: 1 })
    .send(70, [{ code: "shout", n: 2 }, { code: "shout", n: 3 }]);
  sim.client({ name: "latecomer" }).send(6, say(11)).send(102, [say(12), { code: "poll" }]);
  sim.client({ name: "closer" }).send(7, say(13)).end(104);
  sim.client({ name: "vanisher" }).send(8, say(14)).abort(105);
  // The server ends two identities for good: one connected, one held since its drop.
  const kicked = sim.client({ name: "kicked" }).send(5, say(19)).send(60, say(20));
  const dropped = sim.client({ name: "dropped" }).send(5, say(21)).abort(20);
  // Its identity is held; a first resume of it comes while the bucket is empty (refused),
  // a second once it has refilled.
  for (let n = 5; n <= 7; n++) sim.client({ name: `guesser${n}` }).send(5 + n, [nobody(n)]);
  const early = sim.client({ name: "early" });
  const returner = sim.client({ name: "returner" });
  sim.client({ name: "away" }).send(5, say(22)).abort(20).onMessage((commands) => {
    const token = commands.find((command) => command.code === "session")?.token;
    if (token === undefined) return;
    early.send(30, [{ code: "resume", token }]);
    returner.send(80, [{ code: "resume", token }]);
  });
  const ends: ServerEnd[] = [];
  sim.at(50, () =>
    Promise.all([kicked, dropped].map((client) => {
      ends.push({ index: client.index, atMs: 50 });
      return client.index === undefined ? undefined : sim.server.disconnect(client.index);
    })));
  return sim;
}

/** Runs the edge-sessions story of `seed`. */
export function runEdgeSessions(seed: number): Promise<SimulationReport> {
  return buildEdgeSessions(seed).run({ shutdownAtMs: EDGE_SESSIONS_SHUTDOWN_MS, untilMs: 5_000 });
}
