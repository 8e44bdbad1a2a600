/**
 * Resumes and ends under more shapes, on the desk (`desk.ts`): a resume that takes over an
 * identity whose connection is still open, with more commands and a bad message after it in
 * the same read; a resume of a held identity with commands after it in its message; a held
 * answer of two deliveries that fails, and shouts while it waits; clients that send and
 * half-close at once while a slow turn keeps the server busy; identities ended by the server
 * while held, and held at the shutdown, whose holds would expire after it. Judged by reply
 * accounting, turn order (once), identities (gone once) and what the game handled being
 * answered.
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
import { replyAccounting } from "../invariants/reply_accounting.ts";
import { identities } from "../invariants/session_invariants.ts";
import { turnOrder } from "../invariants/turn_order.ts";
import { wholeMessages } from "../invariants/wire_invariants.ts";
import { deskModel, deskOn, tokenIn } from "./desk.ts";
import type { HookCall } from "./resume_app.ts";
import type { StoryOptions } from "./swarm_limits.ts";

/** When the edge-resumes story's server shuts down, in virtual ms. */
export const EDGE_RESUMES_SHUTDOWN_MS = 120;

const HOLD_MS = 400;

/**
 * Builds the edge-resumes story of `seed` (the seed draws whether the other links cut
 * segments, and when the half-closers send).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runEdgeResumes } from "./edge_resumes.ts";
 * const report = await runEdgeResumes(1);
 * assert.ok(report.ok, report.violations.map((v) => v.message).join("; "));
 * ```
 */
export function buildEdgeResumes(seed: number, options: StoryOptions = {}): Simulation {
  const random = new Random(seed);
  const shutdownAtMs = EDGE_RESUMES_SHUTDOWN_MS;
  let calls: HookCall[] = [];
  const accounting = replyAccounting(deskModel({
    shutdownAtMs,
    marginMs: 2,
    holdMs: HOLD_MS,
    resumes: (client) => client === "twin" || client === "comeback",
  }));
  const handled = handledAnswered((command) => command.code !== "news" && command.code !== "heard");
  const sim: Simulation = new Simulation({
    seed,
    trace: options.trace,
    faults: options.faults,
    mix: { ...NO_FAULTS, fragmentRate: random.pick([0, 0.5]) },
    server: {
      holdMs: HOLD_MS,
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
      handled,
      turnOrder(),
      identities(() => calls, () => []),
      noEscapedErrors(),
      wholeMessages(),
    ],
  });
  const say = (n: number): Command => ({ code: "say", n });
  const whole = { fragmentRate: 0 }; // what it writes at once, the server reads at once
  // A takeover: "twin" resumes the identity of "holder" while holder is still connected, and
  // in the same read says more and sends a bad message: all of it is answered to twin, and
  // holder is told and hears nothing more.
  const twin = sim.client({ name: "twin", link: whole }).send(50, say(4));
  sim.client({ name: "holder" }).send(5, say(1)).send(40, say(9)).onMessage((commands) => {
    const token = tokenIn(commands);
    if (token === undefined) return;
    const resume = JSON.stringify([{ code: "resume", token }, say(2)]);
    twin.send(20, `${resume}\0{"code":\0${JSON.stringify(say(3))}\0`);
  });
  // A resume of a held identity, with commands after it in its message.
  const comeback = sim.client({ name: "comeback" });
  sim.client({ name: "leaver" }).send(5, say(5)).abort(10).onMessage((commands) => {
    const token = tokenIn(commands);
    if (token !== undefined) {
      comeback.send(30, [{ code: "resume", token }, say(6), { code: "poll" }]);
    }
  });
  // A held answer of two deliveries fails (its error comes once), another succeeds; shouts
  // meanwhile reach everyone once, the keeper after its held answers.
  sim.client({ name: "keeper" }).send(5, say(7))
    .send(60, { code: "durable", ms: 12, loud: true, fail: true, n: 1 })
    .send(62, { code: "durable", ms: 4, loud: true, n: 2 });
  sim.client({ name: "shouter" }).send(64, { code: "shout", n: 3 })
    .send(66, [{ code: "shout", n: 4 }, say(8)]);
  // A slow turn keeps the server busy while two clients send and half-close at once: what
  // they sent before their end is answered before the server closes, even when their
  // transport reports the end without waiting for the core to take what came before.
  const busyAt = random.int(80, 84);
  const eager = { eagerFeed: true };
  sim.client({ name: "slowpoke" }).send(busyAt, { code: "slow", ms: 10 });
  sim.client({ name: "hasty", link: eager }).send(busyAt, [{ code: "slow", ms: 3 }, say(10)])
    .end(busyAt + 1);
  sim.client({ name: "brief", link: eager }).send(busyAt + 1, say(11)).end(busyAt + 1);
  // The server ends a held identity; another is held when the shutdown comes: neither may
  // hear onDisconnect again when its hold would have expired.
  const dropped = sim.client({ name: "dropped" }).send(5, say(12)).abort(20);
  sim.client({ name: "late" }).send(5, say(13)).abort(110);
  sim.at(50, () => dropped.index === undefined ? undefined : sim.server.disconnect(dropped.index));
  return sim;
}

/** Runs the edge-resumes story of `seed`. */
export function runEdgeResumes(seed: number): Promise<SimulationReport> {
  return buildEdgeResumes(seed).run({ shutdownAtMs: EDGE_RESUMES_SHUTDOWN_MS, untilMs: 5_000 });
}
