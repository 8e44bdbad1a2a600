/**
 * The timers scenario: clients arm, replace and cancel one-shot and periodic timers through
 * one controller under several keys, send batches with a failing command in the middle, and
 * split their messages right at and beside the zero byte; checked by reply accounting, the
 * timed-commands model and "nothing left" after the shutdown.
 *
 * @module
 */
import type { Command } from "../../mod.ts";
import type { SimClient } from "../engine/client.ts";
import { NO_FAULTS, randomFaultMix } from "../engine/faults.ts";
import { Random } from "../engine/random.ts";
import type { SimulationReport } from "../engine/report.ts";
import { Simulation } from "../engine/simulation.ts";
import { defaultInvariants } from "../invariants/mod.ts";
import { nothingLeft } from "../invariants/quiet_invariants.ts";
import { replyAccounting } from "../invariants/reply_accounting.ts";
import { timedCommands } from "../invariants/timer_invariants.ts";
import { createTimersApp, TIMER_KEYS, timersModel } from "./timers_app.ts";

/** When the timers scenario's server shuts down, in virtual ms. */
export const TIMERS_SHUTDOWN_MS = 200;

/**
 * Builds the timers scenario of `seed` (not yet run).
 *
 * @example
 * ```ts
 * import { buildTimers, TIMERS_SHUTDOWN_MS } from "./timers.ts";
 * const report = await buildTimers(1).run({ shutdownAtMs: TIMERS_SHUTDOWN_MS, untilMs: 5_000 });
 * ```
 */
export function buildTimers(seed: number): Simulation {
  const random = new Random(seed);
  const drawn = randomFaultMix(random.fork());
  const sim: Simulation = new Simulation({
    seed,
    mix: { ...NO_FAULTS, jitterMs: Math.min(drawn.jitterMs, 3), fragmentRate: drawn.fragmentRate },
    application: (logger) => createTimersApp(() => sim.now / 1000, logger),
    closeTimeoutMs: 5,
    invariants: () => [
      ...defaultInvariants(),
      replyAccounting(timersModel(TIMERS_SHUTDOWN_MS)),
      timedCommands({ dueBeforeMs: TIMERS_SHUTDOWN_MS - 10 }),
      nothingLeft({ quietAfterMs: 20 }),
    ],
  });
  for (let n = random.int(2, 4); n > 0; n--) script(sim.client({ at: random.int(0, 10) }), random);
  return sim;
}

/** Runs the timers scenario of `seed`. */
export function runTimers(seed: number): Promise<SimulationReport> {
  return buildTimers(seed).run({ shutdownAtMs: TIMERS_SHUTDOWN_MS, untilMs: 5_000 });
}

function script(client: SimClient, random: Random): void {
  const frames: Uint8Array[] = [];
  for (let n = random.int(4, 10); n > 0; n--) {
    const message = random.chance(0.2)
      ? [command(random), { code: "boom", key: random.pick(TIMER_KEYS) }, command(random)]
      : command(random);
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

function command(random: Random): Command {
  const key = random.pick(TIMER_KEYS);
  const id = random.pick(["a", "b", "c"]);
  switch (random.int(0, 5)) {
    case 0:
    case 1:
      return { code: "arm", key, id, afterMs: random.pick([0, 5, 10, 10, 30, 80]) };
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
      return { code: "pair", key };
    default:
      return random.chance(0.5) ? { code: "arm", key: "nokey", id } : { code: "zap", key };
  }
}
