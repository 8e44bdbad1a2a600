/**
 * The server's clock, firing late: a real event loop runs a timer when it gets round to it,
 * never before its time and often after. A fault family of its own (`server.late-timer`).
 *
 * @module
 */
import type { Cancel, Clock } from "../../mod.ts";
import type { FaultPlan } from "./fault_plan.ts";

/** The fault kind of a late timer: its seq is the n-th timer armed, its value the ms late. */
export const LATE_TIMER = "late-timer";

/**
 * Wraps `clock` so that each timer armed fires a fault-drawn 0..`maxLateMs` ms after its time
 * (whole microseconds; about a third on time). Each timer's lateness is drawn from the plan's
 * generator keyed by its number, so no other draw of the run moves; replaying, only the listed
 * timers are late. `now()` is the inner clock's: a late timer sees the time it really runs at.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ManualClock } from "../../mod.ts";
 * import { FaultPlan } from "./fault_plan.ts";
 * import { LateClock } from "./late_clock.ts";
 * const inner = new ManualClock();
 * const plan = FaultPlan.recording(3);
 * const clock = new LateClock(inner, plan, 5);
 * const fired: number[] = [];
 * for (let n = 0; n < 6; n++) clock.schedule(10, () => fired.push(inner.now()));
 * inner.advance(20);
 * assert.equal(fired.length, 6);
 * assert.ok(fired.every((at) => at >= 10 && at <= 15));
 * const late = plan.events.filter((event) => event.kind === "late-timer");
 * assert.deepEqual(fired.filter((at) => at > 10).length, late.filter((e) => e.value > 0).length);
 * ```
 */
export class LateClock implements Clock {
  readonly #inner: Clock;
  readonly #plan: FaultPlan;
  readonly #maxLateUs: number;
  #armed = 0;

  constructor(inner: Clock, plan: FaultPlan, maxLateMs: number) {
    this.#inner = inner;
    this.#plan = plan;
    this.#maxLateUs = Math.round(maxLateMs * 1000);
  }

  now(): number {
    return this.#inner.now();
  }

  schedule(at: number, callback: () => void): Cancel {
    const seq = ++this.#armed;
    const armedAt = Math.round(this.#inner.now() * 1000);
    const late = this.#plan.drawn(
      "server",
      LATE_TIMER,
      seq,
      armedAt,
      (random) => random.chance(0.35) ? undefined : random.int(1, this.#maxLateUs) / 1000,
    ) ?? 0;
    return this.#inner.schedule(Math.max(at, this.#inner.now()) + late, callback);
  }
}

/** The server's clock of a run: `clock` itself unless `maxLateMs` is set. */
export function serverClock(clock: Clock, plan: FaultPlan, maxLateMs: number | undefined): Clock {
  return maxLateMs ? new LateClock(clock, plan, maxLateMs) : clock;
}
