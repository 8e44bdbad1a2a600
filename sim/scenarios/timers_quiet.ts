/**
 * Everyone leaves and the server stays up: clients of the timers application arm one-shot
 * and periodic timers, cancel some, and leave (the application cancels what they armed); with
 * no shutdown to clear anything, the server must then go quiet, with nothing left armed.
 *
 * @module
 */
import { NO_FAULTS } from "../engine/faults.ts";
import { Random } from "../engine/random.ts";
import type { SimulationReport } from "../engine/report.ts";
import { Simulation } from "../engine/simulation.ts";
import { defaultInvariants } from "../invariants/mod.ts";
import { nothingLeft } from "../invariants/quiet_invariants.ts";
import { replyAccounting } from "../invariants/reply_accounting.ts";
import { timedCommands } from "../invariants/timer_invariants.ts";
import type { StoryOptions } from "./swarm_limits.ts";
import { createTimersApp, timersModel } from "./timers_app.ts";

/** When the last client of the quiet-timers story leaves, in virtual ms. */
export const QUIET_LEAVE_MS = 90;

/**
 * Builds the quiet-timers story of `seed`: three clients; each arms a far timer (due long
 * after everyone has left), a periodic one and a near one, re-arms the periodic one under its
 * id, cancels it (by then the next due: the clock's alarm is armed for it) and leaves by
 * half-closing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runQuietTimers } from "./timers_quiet.ts";
 * const report = await runQuietTimers(1);
 * assert.ok(report.ok, report.violations.map((v) => v.message).join("; "));
 * ```
 */
export function buildQuietTimers(seed: number, options: StoryOptions = {}): Simulation {
  const random = new Random(seed);
  const sim: Simulation = new Simulation({
    seed,
    trace: options.trace,
    faults: options.faults,
    mix: { ...NO_FAULTS, fragmentRate: random.pick([0, 0.5]) },
    application: (logger) =>
      createTimersApp(() => sim.now / 1000, logger, undefined, { cancelOnLeave: true }),
    invariants: () => [
      ...defaultInvariants(),
      replyAccounting(timersModel(QUIET_LEAVE_MS, 15)),
      timedCommands({ dueBeforeMs: QUIET_LEAVE_MS - 15 }),
      nothingLeft({ quietAfterMs: 20 }),
    ],
  });
  for (let n = 0; n < 3; n++) {
    const key = `t${n + 1}`;
    const far = 150 + random.int(0, 200);
    sim.client({ name: `leaver${n}`, at: n })
      .send(5 + n, { code: "arm", key, id: "far", afterMs: far })
      .send(6 + n, { code: "every", key, id: "p", periodMs: random.int(7, 13) })
      .send(10 + n, { code: "arm", key, id: "near", afterMs: random.int(10, 30) })
      // Re-armed under its id: the first periodic job is replaced, not kept beside the new one.
      .send(30 + n, { code: "every", key, id: "p", periodMs: 9 })
      // The periodic job is the next due now and then: cancelling it must move the alarm.
      .send(50 + random.int(0, 10), { code: "cancel", key, id: "p" })
      .end(QUIET_LEAVE_MS - 10 + 5 * n);
  }
  return sim;
}

/** Runs the quiet-timers story of `seed`, with no shutdown: the server must go quiet. */
export function runQuietTimers(seed: number): Promise<SimulationReport> {
  return buildQuietTimers(seed).run({ untilMs: 5_000 });
}
