/**
 * A clock that moves only when told to: for tests of timed commands, without waiting.
 *
 * @module
 */
import type { Cancel, Clock } from "./clock.ts";

interface Timer {
  at: number;
  sequence: number;
  callback: () => void;
}

/**
 * A {@linkcode Clock} whose time changes only through {@linkcode ManualClock.advance}.
 * Timers fire in order of (due time, creation), each at its own due time.
 *
 * @example
 * ```ts
 * import { ManualClock } from "../../mod.ts";
 * const clock = new ManualClock();
 * const fired: number[] = [];
 * clock.schedule(50, () => fired.push(clock.now()));
 * clock.advance(100);
 * // fired is [50]; clock.now() is 100
 * ```
 */
export class ManualClock implements Clock {
  #time: number;
  #sequence = 0;
  #timers: Timer[] = [];

  constructor(start = 0) {
    this.#time = start;
  }

  now(): number {
    return this.#time;
  }

  schedule(at: number, callback: () => void): Cancel {
    const timer = { at: Math.max(at, this.#time), sequence: this.#sequence++, callback };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((other) => other !== timer);
    };
  }

  /** How many timers are waiting. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.#time + ms;
    for (let timer = this.#next(target); timer; timer = this.#next(target)) {
      this.#timers = this.#timers.filter((other) => other !== timer);
      this.#time = timer.at;
      timer.callback();
    }
    this.#time = target;
  }

  #next(until: number): Timer | undefined {
    let first: Timer | undefined;
    for (const timer of this.#timers) {
      if (timer.at > until) continue;
      if (
        !first || timer.at < first.at || (timer.at === first.at && timer.sequence < first.sequence)
      ) {
        first = timer;
      }
    }
    return first;
  }
}
