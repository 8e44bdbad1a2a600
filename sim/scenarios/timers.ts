/**
 * The timers scenario: clients arm, replace and cancel one-shot and periodic timers through
 * one controller under several keys, send batches with a failing command in the middle, and
 * split their messages right at and beside the zero byte; checked by reply accounting, the
 * timed-commands model and "nothing left" after the shutdown.
 *
 * @module
 */
import { type Command, MemoryStore } from "../../mod.ts";
import type { SimClient } from "../engine/client.ts";
import { NO_FAULTS, randomFaultMix } from "../engine/faults.ts";
import { FaultPlan } from "../engine/fault_plan.ts";
import { Random } from "../engine/random.ts";
import { SlowStore } from "../engine/slow_store.ts";
import type { TraceMode } from "../engine/trace.ts";
import { handledAnswered } from "../invariants/handled_answered.ts";
import type { SimulationReport } from "../engine/report.ts";
import { Simulation } from "../engine/simulation.ts";
import { defaultInvariants } from "../invariants/mod.ts";
import { nothingLeft } from "../invariants/quiet_invariants.ts";
import { replyAccounting } from "../invariants/reply_accounting.ts";
import { nothingTakenAfterShutdown } from "../invariants/shutdown_invariants.ts";
import { timedCommands } from "../invariants/timer_invariants.ts";
import { createTimersApp, FIRING_CODES, TIMER_KEYS, timersModel } from "./timers_app.ts";

/** When the timers scenario's server shuts down, in virtual ms. */
export const TIMERS_SHUTDOWN_MS = 200;

/** How a timers run is built: its trace and, to replay, its faults. */
export interface TimersOptions {
  trace?: TraceMode;
  /** Replays these faults (the story's choices included); default: a new recording. */
  faults?: FaultPlan;
}

/**
 * Builds the timers scenario of `seed` (not yet run). Most seeds run the server's timers
 * late (fault `server.late-timers`: up to that many ms, each timer's own lateness drawn as
 * `server.late-timer`) and give the application a store that takes virtual time
 * (`server.slow-store-ms`), so turns queue behind one another and the shutdown finds some
 * still running.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildTimers, TIMERS_SHUTDOWN_MS } from "./timers.ts";
 * const sim = buildTimers(1);
 * const report = await sim.run({ shutdownAtMs: TIMERS_SHUTDOWN_MS, untilMs: 5_000 });
 * assert.ok(report.ok, report.violations.map((v) => v.message).join("; "));
 * ```
 */
export function buildTimers(seed: number, options: TimersOptions = {}): Simulation {
  const random = new Random(seed);
  const drawn = randomFaultMix(random.fork());
  const plan = options.faults ?? FaultPlan.recording(seed);
  // Drawn apart from the story's own generator: the script is the same with them on or off.
  const story = plan.keyed("timers.story", 0);
  // One or the other: a firing's turn queued behind a slow store is late by the queue, which
  // no timer bound can foresee; alone, late timers are judged to the microsecond.
  const kind = story.float();
  const lateMs = plan.given(
    "server",
    "late-timers",
    0,
    0,
    kind < 0.45 ? story.int(1, 6) : undefined,
  );
  const storeMs = plan.given(
    "server",
    "slow-store-ms",
    0,
    0,
    kind >= 0.45 && kind < 0.85 ? story.int(1, 4) : undefined,
  );
  const handled = handledAnswered((command) => !FIRING_CODES.has(String(command.code)));
  // A slow store makes turns queue: what was sent shortly before the shutdown may wait.
  const accounting = replyAccounting(timersModel(TIMERS_SHUTDOWN_MS, 10 + 6 * (storeMs ?? 0)));
  const sim: Simulation = new Simulation({
    seed,
    faults: plan,
    trace: options.trace,
    mix: { ...NO_FAULTS, jitterMs: Math.min(drawn.jitterMs, 3), fragmentRate: drawn.fragmentRate },
    lateTimersMs: lateMs,
    application: (logger) => {
      const store = storeMs === undefined ? new MemoryStore() : new SlowStore(new MemoryStore(), {
        plan,
        maxDelayMs: storeMs,
        now: () => sim.now / 1000,
        after: (delayMs, resume) => sim.park(delayMs, resume),
      });
      return handled.watch(createTimersApp(() => sim.now / 1000, logger, store));
    },
    closeTimeoutMs: 5,
    invariants: () => [
      ...defaultInvariants(),
      accounting,
      // Scripts run past the shutdown: what reaches the server then is not taken.
      nothingTakenAfterShutdown(accounting, { shutdownAtMs: TIMERS_SHUTDOWN_MS }),
      timedCommands({
        dueBeforeMs: TIMERS_SHUTDOWN_MS - 10 - (lateMs ?? 0),
        lateMs: storeMs === undefined ? lateMs : Infinity,
      }),
      handled,
      nothingLeft({ quietAfterMs: 20 }),
    ],
  });
  for (let n = random.int(2, 4); n > 0; n--) script(sim.client({ at: random.int(0, 10) }), random);
  // Saves in flight when the shutdown comes: taken in, so they must be answered.
  if (storeMs !== undefined) {
    for (const client of sim.clients) {
      const at = TIMERS_SHUTDOWN_MS - story.int(4, 9);
      const saves = [1, 2, 3, 4].map((n) => ({ code: "save", key: "t1", id: `z${n}`, value: at }));
      if (story.chance(0.8)) client.send(at, saves);
    }
  }
  // Times on the server's clock (`Timing.at`), once and as a periodic start; added last, so
  // the draws above are those of the seed without it.
  sim.client({ name: "clock", at: 1 }).send(12, { code: "arm", key: "t1", id: "x", at: 60 })
    .send(14, { code: "every", key: "t2", id: "p", periodMs: 11, at: 45 })
    .send(30, { code: "arm", key: "t3", id: "y", at: 30 + random.int(5, 40) })
    .send(120, { code: "cancel", key: "t2", id: "p" })
    // Internal commands nested exactly as deep as the server allows (maxInternalDepth 8).
    .send(40, { code: "chain", key: "t1", n: 8 });
  // Equal due times: a one-shot queued between two ticks of a periodic job runs before the
  // tick queued after it; a timer whose command cancels another due with it, armed first,
  // runs alone. On a link of fixed delay, so the server's times are the script's plus one.
  const fixed = { upDelayMs: 1, jitterMs: 0, fragmentRate: 0 };
  sim.client({ name: "racer", at: 1, link: fixed })
    .send(5, { code: "every", key: "t1", id: "p", periodMs: 10 })
    .send(18, { code: "arm", key: "t1", id: "o", afterMs: 17 })
    .send(40, [{ code: "arm", key: "t2", id: "a", afterMs: 20, cancels: "b" }, {
      code: "arm",
      key: "t2",
      id: "b",
      afterMs: 20,
    }])
    .send(90, { code: "cancel", key: "t1", id: "p" });
  return sim;
}

/** Runs the timers scenario of `seed`. */
export function runTimers(seed: number, options: TimersOptions = {}): Promise<SimulationReport> {
  return buildTimers(seed, options).run({ shutdownAtMs: TIMERS_SHUTDOWN_MS, untilMs: 5_000 });
}

/** The timers scenario of `seed`, run, with a summary: for the CLI's named scenarios. */
export async function timersScenario(seed: number, options: TimersOptions = {}) {
  const sim = buildTimers(seed, options);
  const report = await sim.run({ shutdownAtMs: TIMERS_SHUTDOWN_MS, untilMs: 5_000 });
  const given = (kind: string) => sim.faults.events.find((e) => e.kind === kind)?.value;
  const summary = `timers seed ${seed}: ${sim.clients.length} clients, timers late <= ${
    given("late-timers") ?? 0
  }ms, store <= ${given("slow-store-ms") ?? 0}ms`;
  return { seed, summary, sim, report };
}

function script(client: SimClient, random: Random): void {
  const frames: Uint8Array[] = [];
  for (let n = random.int(4, 10); n > 0; n--) {
    const message = random.chance(0.2)
      ? [
        command(random, true),
        { code: "boom", key: random.pick(TIMER_KEYS) },
        command(random, true),
      ]
      : command(random, false);
    frames.push(new TextEncoder().encode(JSON.stringify(message) + "\0"));
  }
  let time = random.int(10, 20);
  while (frames.length > 0) {
    const group = frames.splice(0, random.int(1, 3));
    const bytes = new Uint8Array(group.reduce((sum, frame) => sum + frame.length, 0));
    let at = 0;
    for (const frame of group) bytes.set(frame, (at += frame.length) - frame.length);
    for (const piece of cut(bytes, random)) client.send(time, piece);
    time += random.int(0, 25);
  }
}

/** Pieces of `bytes`, cut right at, before or after a zero byte far more often than elsewhere. */
function cut(bytes: Uint8Array, random: Random): Uint8Array[] {
  const zeros = [...bytes.keys()].filter((k) => bytes[k] === 0 && k < bytes.length - 1);
  const cuts = new Set<number>();
  for (const zero of zeros) if (random.chance(0.6)) cuts.add(zero + random.int(0, 2)); // before, at, after
  if (random.chance(0.5)) cuts.add(bytes.length - 1); // everything but the last zero byte
  if (random.chance(0.3)) cuts.add(random.int(1, bytes.length - 1));
  const points = [...cuts].filter((k) => k > 0 && k < bytes.length).sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    pieces.push(bytes.subarray(from, point));
    from = point;
  }
  return pieces;
}

/**
 * A command; never a save inside a batch: timers a batch arms count from the end of its
 * turn, and a save ends it later than its `arm` replied.
 */
function command(random: Random, batched: boolean): Command {
  const key = random.pick(TIMER_KEYS);
  const id = random.pick(["a", "b", "c"]);
  switch (random.int(0, 5)) {
    case 0:
    case 1: {
      const afterMs = random.pick([0, 5, 10, 10, 30, 80]);
      // Now and then its firing cancels another one-shot (maybe due with it).
      if (!random.chance(0.3)) return { code: "arm", key, id, afterMs };
      return { code: "arm", key, id, afterMs, cancels: random.pick(["a", "b", "c"]) };
    }
    case 2:
      return random.chance(0.5)
        ? { code: "every", key, id: random.pick(["p", "q"]), periodMs: random.int(7, 30) }
        : {
          code: "every",
          key,
          id: random.pick(["p", "q"]),
          periodMs: random.int(7, 30),
          afterMs: random.int(0, 20),
        };
    case 3:
      return { code: "cancel", key, id: random.pick(["a", "b", "p", "q"]) };
    case 4:
      return batched || random.chance(0.5)
        ? { code: "pair", key }
        : { code: "save", key, id, value: random.int(0, 99) };
    default:
      return random.chance(0.5) ? { code: "arm", key: "nokey", id } : { code: "zap", key };
  }
}
