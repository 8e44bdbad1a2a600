/**
 * Reconnection under the simulator: players of a lobby served with a hold drop (vanish, are
 * reset, half-close) at random points, and a successor connects, now within the hold and now
 * past it, and resumes with the last token its predecessor read; some take over a socket
 * that is still open (some of those hang in a tunnel, unread bytes queued for them), some
 * resume and leave at once; all over links with the faults a seed
 * draws, on the virtual clock.
 *
 * @module
 */
import type { Command } from "../../mod.ts";
import type { SimClient } from "../engine/client.ts";
import { type FaultMix, randomFaultMix } from "../engine/faults.ts";
import type { FaultPlan } from "../engine/fault_plan.ts";
import { Random } from "../engine/random.ts";
import { Simulation } from "../engine/simulation.ts";
import type { TraceMode } from "../engine/trace.ts";
import { noEscapedErrors } from "../invariants/mod.ts";
import { identities, tokensOf, tokensPrivate } from "../invariants/session_invariants.ts";
import { differs, freshAfterResume, resumeViews } from "../invariants/resume_invariants.ts";
import { membersAfter, type ResumeLobby, resumeLobby } from "./resume_app.ts";
import { plantedSessionLayer, type ResumePlant } from "./resume_planted.ts";

/** A built resume scenario. */
export interface ResumeScenario {
  readonly seed: number;
  readonly mix: FaultMix;
  readonly summary: string;
  readonly sim: Simulation;
  readonly lobby: ResumeLobby;
  readonly holdMs: number;
  readonly shutdownAtMs: number;
}

/** Nobody connects after this (virtual ms). */
const LAST_CONNECT_MS = 6_000;

/**
 * Builds the resume scenario of `seed`: a fault mix drawn as the swarm draws it (without
 * storms or tight limits), a hold of 300 to 1500 ms, 2 to 5 players and their successors
 * (chains up to three long). Tokens come from the seed. Checked by: tokens private (no
 * client's raw bytes hold another's token), identities (an index is never spoken for by an
 * older connection once a newer one has it, never held while connected, gone exactly once),
 * fresh after resume (nothing from before a resume is read after its reply), resume view
 * (the view after the reply lists who the hooks say is here), and no escaped errors.
 *
 * @example
 * ```ts
 * import { buildResumeScenario } from "./resume_scenario.ts";
 * const scenario = buildResumeScenario(3);
 * const report = await scenario.sim.run({ shutdownAtMs: scenario.shutdownAtMs });
 * ```
 */
export function buildResumeScenario(
  seed: number,
  options: { plant?: ResumePlant; trace?: TraceMode; faults?: FaultPlan } = {},
): ResumeScenario {
  const random = new Random(seed);
  const mix = { ...randomFaultMix(random.fork()), stormRate: 0, tightLimitsRate: 0 };
  const holdMs = random.int(300, 1_500);
  const tokenRandom = random.fork();
  const { application, lobby } = resumeLobby(
    () => sim.now,
    (index) => sim.server.connections.has(index),
    { staleView: options.plant === "stale-view" },
  );
  // Read only once the run has begun, when `sim` exists.
  const sim: Simulation = new Simulation({
    seed,
    mix,
    trace: options.trace,
    faults: options.faults,
    application,
    server: {
      holdMs,
      random: (bytes) => tokenRandom.fill(bytes),
      sessionLayer: options.plant && plantedSessionLayer(options.plant),
    },
    invariants: [
      noEscapedErrors(),
      tokensPrivate(),
      identities(() => lobby.calls, () => lobby.heldWhileRegistered),
      freshAfterResume(),
      resumeViews({
        freshView: (index) => ({ index, members: membersAfter(lobby.calls) }),
        judge(commands, fresh) {
          const view = commands.find((command) => command.code === "view");
          const members = view?.members;
          const seen = Array.isArray(members)
            ? { index: view!.index, members: members.map(Number).sort((a, b) => a - b) }
            : undefined;
          return differs(seen, fresh);
        },
      }),
    ],
  });
  const players = random.int(2, 5);
  for (let n = 0; n < players; n++) {
    addPlayer(sim, random, holdMs, random.int(0, 500), undefined, 0);
  }
  const shutdownAtMs = LAST_CONNECT_MS + 3 * holdMs + 2_000;
  const summary = `scenario resume, seed ${seed}: ${players} players, hold ${holdMs}ms` +
    (options.plant ? `, planted bug: ${options.plant}` : "");
  return { seed, mix, summary, sim, lobby, holdMs, shutdownAtMs };
}

/**
 * A client that speaks now and then; with `predecessor`, its first command resumes the last
 * token the predecessor read (sometimes with a leave after it). It may drop, and a successor
 * may follow it (while it is still open, for a takeover).
 */
function addPlayer(
  sim: Simulation,
  random: Random,
  holdMs: number,
  at: number,
  predecessor: SimClient | undefined,
  depth: number,
): void {
  // In a tunnel: a small window, and reading stops; the connection hangs, and a successor
  // resumes from another one while the server still has bytes queued for the old.
  const tunnel = random.chance(0.25);
  const client = sim.client({ at, link: tunnel ? { windowBytes: random.int(16, 200) } : {} });
  const own = random.fork();
  const leaves = predecessor !== undefined && random.chance(0.15);
  const speak = (from: number) => {
    for (let k = own.int(1, 4); k > 0; k--) {
      client.send(from + own.int(1, 1_500), { code: "say", from: client.name, text: `${k}` });
    }
  };
  client.onMessage((commands, self) => {
    for (const command of commands) {
      if (command.code === "session" && command.token !== undefined) {
        if (!predecessor) {
          self.send(self.time + 1, { code: "say", from: self.name, text: "hello" });
          speak(self.time);
          continue;
        }
        const resume: Command = { code: "resume", token: tokensOf(predecessor).at(-1) ?? "none" };
        self.send(self.time + 1, leaves ? [resume, { code: "leave" }] : [resume]);
      } else if (command.code === "resume" && !leaves) {
        speak(self.time);
      }
    }
  });
  if (depth >= 3 || at > LAST_CONNECT_MS) return;
  if (tunnel) {
    const stallAt = at + random.int(20, 2_500);
    client.pauseReading(stallAt);
    addPlayer(sim, random, holdMs, stallAt + random.int(50, 1_000), client, depth + 1);
  } else if (random.chance(0.6)) {
    const dropAt = at + random.int(20, 2_500);
    const how = random.int(0, 2);
    if (how === 0) client.abort(dropAt);
    else if (how === 1) client.reset(dropAt, random.int(1, 40));
    else client.end(dropAt);
    if (random.chance(0.85)) {
      const after = random.int(0, Math.round(holdMs * 1.5));
      addPlayer(sim, random, holdMs, dropAt + after, client, depth + 1);
    }
  } else if (random.chance(0.4)) {
    addPlayer(sim, random, holdMs, at + random.int(50, 2_500), client, depth + 1);
  }
}
