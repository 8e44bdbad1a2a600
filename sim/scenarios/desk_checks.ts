/**
 * The simulation and checks of the desk stories that hold answers and resume identities
 * (`edge_holds.ts`, `desk_swarm.ts`): reply accounting first (the others read what it matched), then who hears
 * each broadcast and how soon, held answers first, what the game handled being answered, turn
 * order, identities, the shutdown's promises and, with views, what a resumed player is shown.
 *
 * @module
 */
import type { Invariant } from "../engine/invariant.ts";
import { NO_FAULTS } from "../engine/faults.ts";
import type { LinkFaults } from "../engine/faults.ts";
import type { Random } from "../engine/random.ts";
import { Simulation } from "../engine/simulation.ts";
import { handledAnswered } from "../invariants/handled_answered.ts";
import { everyoneHears, noWaitForOthers } from "../invariants/broadcasts.ts";
import { heldAnswersFirst } from "../invariants/held_first.ts";
import { noEscapedErrors } from "../invariants/health_invariants.ts";
import type { ReplyAccounting } from "../invariants/reply_accounting.ts";
import { identities } from "../invariants/session_invariants.ts";
import {
  goneByShutdownEnd,
  noHoldWhileShuttingDown,
  nothingTakenAfterShutdown,
} from "../invariants/shutdown_invariants.ts";
import { turnOrder } from "../invariants/turn_order.ts";
import { wholeMessages } from "../invariants/wire_invariants.ts";
import { differs, resumeViews } from "../invariants/resume_invariants.ts";
import { type Desk, DESK_BROADCASTS, deskAnswer, deskOn, deskView } from "./desk.ts";
import type { StoryOptions } from "./swarm_limits.ts";

/** What {@linkcode deskChecks} judges by. */
export interface DeskRun {
  readonly accounting: ReplyAccounting;
  /** What the game handled must be answered (`handledAnswered`, watching the desk). */
  readonly handled: Invariant;
  /** The desk of the run, once made. */
  readonly desk: () => Desk | undefined;
  readonly shutdownAtMs: number;
  /** Whether the desk sends views on resume (`deskOn`'s `views`): then they are judged. */
  readonly views?: boolean;
}

/**
 * The checks of a desk story with holds, in the order they must run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { handledAnswered } from "../invariants/handled_answered.ts";
 * import { replyAccounting } from "../invariants/reply_accounting.ts";
 * import { deskChecks } from "./desk_checks.ts";
 * import { deskModel } from "./desk.ts";
 * const story = { shutdownAtMs: 100, marginMs: 2, holdMs: 400, resumes: () => false };
 * const accounting = replyAccounting(deskModel(story));
 * const checks = deskChecks({
 *   accounting,
 *   handled: handledAnswered(() => true),
 *   desk: () => undefined,
 *   shutdownAtMs: 100,
 * });
 * assert.equal(checks[0], accounting);
 * ```
 */
export function deskChecks(run: DeskRun): Invariant[] {
  const { accounting, shutdownAtMs } = run;
  const calls = () => run.desk()?.calls ?? [];
  return [
    accounting,
    nothingTakenAfterShutdown(accounting, { shutdownAtMs }),
    everyoneHears(accounting, DESK_BROADCASTS),
    noWaitForOthers(accounting, DESK_BROADCASTS, 2),
    heldAnswersFirst(accounting, DESK_BROADCASTS),
    run.handled,
    turnOrder(),
    identities(calls, () => run.desk()?.heldWhileRegistered ?? []),
    goneByShutdownEnd(calls),
    noHoldWhileShuttingDown(calls, { shutdownAtMs }),
    noEscapedErrors(),
    wholeMessages(),
    ...run.views
      ? [resumeViews({
        freshView: (index) => deskView(index),
        judge: (commands, fresh) => differs(commands[0], fresh),
      })]
      : [],
  ];
}

/** What {@linkcode heldDeskSimulation} builds a run from. */
export interface HeldDeskStory {
  readonly seed: number;
  readonly options: StoryOptions;
  readonly accounting: ReplyAccounting;
  readonly shutdownAtMs: number;
  /** How long the server holds a vanished identity (`holdMs`). */
  readonly holdMs: number;
  /** Draws the server's session tokens. */
  readonly random: Random;
  /** The links' faults, where the story fixes them. */
  readonly link?: Partial<LinkFaults>;
}

/**
 * A simulation of the desk with holds and resume views, judged by {@linkcode deskChecks}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Random } from "../engine/random.ts";
 * import { replyAccounting } from "../invariants/reply_accounting.ts";
 * import { heldDeskSimulation } from "./desk_checks.ts";
 * import { deskModel } from "./desk.ts";
 * const story = { shutdownAtMs: 60, marginMs: 2, holdMs: 400, resumes: () => false };
 * const sim = heldDeskSimulation({
 *   seed: 1,
 *   options: {},
 *   accounting: replyAccounting(deskModel(story)),
 *   shutdownAtMs: 60,
 *   holdMs: 400,
 *   random: new Random(1),
 * });
 * sim.client().send(2, { code: "say", n: 1 });
 * assert.ok((await sim.run({ shutdownAtMs: 60 })).ok);
 * ```
 */
export function heldDeskSimulation(story: HeldDeskStory): Simulation {
  const { accounting, shutdownAtMs, random } = story;
  const handled = handledAnswered(deskAnswer);
  let desk: Desk | undefined;
  const sim: Simulation = new Simulation({
    seed: story.seed,
    trace: story.options.trace,
    faults: story.options.faults,
    mix: NO_FAULTS,
    ...story.link ? { link: story.link } : {},
    server: { holdMs: story.holdMs, random: (bytes) => random.fill(bytes) },
    closeTimeoutMs: 5,
    application: () => {
      desk = deskOn(() => sim, true);
      return handled.watch(desk.application);
    },
    invariants: () =>
      deskChecks({ accounting, handled, desk: () => desk, shutdownAtMs, views: true }),
  });
  return sim;
}
