/**
 * Deferred and periodic work on a {@linkcode Clock}: the queue behind timed commands.
 *
 * @module
 */
import type { Cancel, Clock } from "./clock.ts";

/**
 * One piece of timed work.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ManualClock, Scheduler, type TimedJob } from "../../mod.ts";
 * const clock = new ManualClock();
 * const scheduler = new Scheduler(clock);
 * const runs: number[] = [];
 * const tick: TimedJob = { id: "tick", at: 100, periodMs: 100, run: () => runs.push(clock.now()) };
 * scheduler.add(tick);
 * clock.advance(350);
 * assert.deepEqual(runs, [100, 200, 300]);
 * assert.equal(scheduler.cancel("tick"), true);
 * ```
 */
export interface TimedJob {
  /** Names the job, for cancel; adding a job with a live id replaces that job. */
  id?: string;
  /** When it is first due, on the clock's timeline. */
  at: number;
  /** If set, the job is due again every `periodMs` after each due time. */
  periodMs?: number;
  /** What to do when due. */
  run: () => void;
}

interface Queued extends TimedJob {
  sequence: number;
  cancelled: boolean;
}

/**
 * Keeps timed jobs in order of (due time, insertion) and runs each when the clock reaches it.
 * A job that is not yet due stays queued; periodic jobs are due at `at + k * periodMs`, so
 * they keep their rhythm however late a run happens. One clock timer is armed at a time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ManualClock, Scheduler } from "../../mod.ts";
 * const clock = new ManualClock();
 * const scheduler = new Scheduler(clock);
 * const ran: string[] = [];
 * scheduler.add({ id: "turn", at: 30_000, run: () => ran.push("first") });
 * scheduler.add({ id: "turn", at: 10_000, run: () => ran.push("replacement") });
 * scheduler.add({ at: 5_000, run: () => ran.push("once") });
 * assert.equal(scheduler.size, 2);
 * clock.advance(20_000);
 * assert.deepEqual(ran, ["once", "replacement"]);
 * assert.equal(scheduler.cancel("turn"), false); // it has run already
 * assert.equal(scheduler.size, 0);
 * ```
 */
export class Scheduler {
  readonly #clock: Clock;
  readonly #byId = new Map<string, Queued>();
  #queue: Queued[] = [];
  #sequence = 0;
  #armed: { at: number; cancel: Cancel } | undefined;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** The clock's current time. */
  now(): number {
    return this.#clock.now();
  }

  /** How many jobs are waiting. */
  get size(): number {
    return this.#queue.length;
  }

  /** Queues a job; throws a RangeError for a time or period that is not a finite number. */
  add(job: TimedJob): void {
    if (!Number.isFinite(job.at)) throw new RangeError("a due time must be a finite number");
    if (job.periodMs !== undefined && !(Number.isFinite(job.periodMs) && job.periodMs >= 1)) {
      throw new RangeError("a period must be at least 1 ms");
    }
    if (job.id !== undefined) this.cancel(job.id);
    const queued: Queued = { ...job, sequence: this.#sequence++, cancelled: false };
    if (job.id !== undefined) this.#byId.set(job.id, queued);
    this.#insert(queued);
    this.#arm();
  }

  /** Cancels the job with this id, even one due in the firing under way; returns whether one was waiting. */
  cancel(id: string): boolean {
    const job = this.#byId.get(id);
    if (!job) return false;
    this.#byId.delete(id);
    job.cancelled = true;
    const position = this.#queue.indexOf(job);
    if (position >= 0) this.#queue.splice(position, 1);
    this.#arm();
    return true;
  }

  /** Cancels every job and disarms the clock. */
  clear(): void {
    for (const job of this.#queue) job.cancelled = true;
    this.#queue = [];
    this.#byId.clear();
    this.#arm();
  }

  #insert(job: Queued): void {
    // Binary search for the first job due strictly later (or equal and queued later).
    let low = 0;
    let high = this.#queue.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const other = this.#queue[middle];
      if (other.at < job.at || (other.at === job.at && other.sequence < job.sequence)) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    this.#queue.splice(low, 0, job);
  }

  #arm(): void {
    const next = this.#queue[0];
    if (this.#armed && next && this.#armed.at === next.at) return;
    this.#armed?.cancel();
    this.#armed = undefined;
    if (!next) return;
    this.#armed = { at: next.at, cancel: this.#clock.schedule(next.at, () => this.#fire()) };
  }

  #fire(): void {
    this.#armed = undefined;
    const now = this.#clock.now();
    // Jobs added while running wait for the next firing: a job due now cannot loop here.
    const due: Queued[] = [];
    while (this.#queue.length > 0 && this.#queue[0].at <= now) due.push(this.#queue.shift()!);
    for (const job of due) {
      if (job.periodMs !== undefined) {
        job.at += job.periodMs;
        job.sequence = this.#sequence++;
        this.#insert(job);
      }
    }
    this.#arm();
    // A one-shot job keeps its id until it runs, so an earlier job of this firing can still
    // cancel it.
    for (const job of due) {
      if (job.cancelled) continue;
      if (job.periodMs === undefined && job.id !== undefined) this.#byId.delete(job.id);
      job.run();
    }
  }
}
