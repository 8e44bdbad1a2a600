/**
 * A state store that takes virtual time, as a file or a database does: a turn that reads or
 * writes state ends later than it began, so turns queue behind it and a shutdown finds some
 * still running. A fault family of its own (`server.slow-store`).
 *
 * @module
 */
import type { JsonValue, StateStore } from "../../mod.ts";
import type { FaultPlan } from "./fault_plan.ts";

/** The fault kind of a slow store call: its seq is the n-th call, its value the ms it took. */
export const SLOW_STORE = "slow-store";

/** What a {@linkcode SlowStore} needs of its run. */
export interface SlowStoreOptions {
  /** The run's faults: each call's delay is drawn (and recorded, or replayed) there. */
  readonly plan: FaultPlan;
  /** Calls take up to this many virtual ms. */
  readonly maxDelayMs: number;
  /** The virtual time, in ms. */
  now(): number;
  /** Runs `resume` once `delayMs` of virtual time has passed (and lets the core settle). */
  after(delayMs: number, resume: () => void): void;
}

/**
 * Wraps a store so that each call answers a fault-drawn 0..`maxDelayMs` virtual ms later
 * (whole microseconds; about a quarter at once). What it answers is the inner store's,
 * taken when the call was made, as a store that reads and writes in call order would.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryStore } from "../../mod.ts";
 * import { FaultPlan } from "./fault_plan.ts";
 * import { SlowStore } from "./slow_store.ts";
 * const waiting: [number, () => void][] = [];
 * const store = new SlowStore(new MemoryStore(), {
 *   plan: FaultPlan.recording(1),
 *   maxDelayMs: 4,
 *   now: () => 0,
 *   after: (delayMs, resume) => void waiting.push([delayMs, resume]),
 * });
 * const saved = store.set("k", 1);
 * const read = store.get("k");
 * for (const [delayMs, resume] of waiting) {
 *   assert.ok(delayMs >= 0 && delayMs <= 4);
 *   resume();
 * }
 * await saved;
 * assert.equal(await read, 1);
 * ```
 */
export class SlowStore implements StateStore {
  readonly #inner: StateStore;
  readonly #options: SlowStoreOptions;
  #calls = 0;

  constructor(inner: StateStore, options: SlowStoreOptions) {
    this.#inner = inner;
    this.#options = options;
  }

  get limits(): StateStore["limits"] {
    return this.#inner.limits;
  }

  get(key: string): Promise<JsonValue | undefined> {
    return this.#late(this.#inner.get(key));
  }

  set(key: string, value: JsonValue): Promise<void> {
    return this.#late(this.#inner.set(key, value));
  }

  #late<T>(answer: Promise<T>): Promise<T> {
    const { plan, maxDelayMs, now, after } = this.#options;
    const maxUs = Math.round(maxDelayMs * 1000);
    const delay = plan.drawn("server", SLOW_STORE, ++this.#calls, Math.round(now() * 1000), (
      random,
    ) => random.chance(0.25) ? undefined : random.int(1, maxUs) / 1000);
    if (delay === undefined) return answer;
    // Settled either way after the delay: a store that fails fails late too.
    return new Promise<T>((resolve, reject) => {
      after(delay, () => void answer.then(resolve, reject));
    });
  }
}
