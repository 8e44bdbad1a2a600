/**
 * How much a store holds, against its quotas of keys and bytes.
 *
 * @module
 */
import { StateQuotaError } from "./state_store.ts";
import type { StoreLimits } from "./store_limits.ts";

/**
 * The bytes held under each id (a key, or a file name), their count and sum, checked against
 * `maxKeys` and `maxTotalBytes` before a write is let in.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StoreUsage } from "./store_usage.ts";
 * const usage = new StoreUsage<string>({ maxKeys: 2, maxTotalBytes: 100 });
 * usage.reserve("a", 60);
 * usage.reserve("a", 90); // a replacement counts its new size only
 * assert.throws(() => usage.reserve("b", 20), /the store is full \(at most 100 bytes stored\)/);
 * usage.reserve("b", 10);
 * assert.throws(() => usage.reserve("c", 0), /at most 2 keys/);
 * assert.deepEqual([usage.keys, usage.bytes], [2, 100]);
 * ```
 */
export class StoreUsage<Id> {
  readonly #sizes = new Map<Id, number>();
  #bytes = 0;

  constructor(readonly limits: Pick<StoreLimits, "maxKeys" | "maxTotalBytes">) {}

  /** Ids holding something. */
  get keys(): number {
    return this.#sizes.size;
  }

  /** Bytes held in all. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Bytes held under `id`, or undefined. */
  sizeOf(id: Id): number | undefined {
    return this.#sizes.get(id);
  }

  /**
   * Records `bytes` under `id`, replacing what it held; throws a {@linkcode StateQuotaError},
   * recording nothing, when that passes a quota.
   */
  reserve(id: Id, bytes: number): void {
    const old = this.#sizes.get(id);
    if (old === undefined && this.#sizes.size >= this.limits.maxKeys) {
      throw new StateQuotaError(`the store is full (at most ${this.limits.maxKeys} keys)`);
    }
    if (this.#bytes - (old ?? 0) + bytes > this.limits.maxTotalBytes) {
      throw new StateQuotaError(
        `the store is full (at most ${this.limits.maxTotalBytes} bytes stored)`,
      );
    }
    this.record(id, bytes);
  }

  /** Records `bytes` under `id` whatever the quotas: what a store found already there. */
  record(id: Id, bytes: number): void {
    this.#bytes += bytes - (this.#sizes.get(id) ?? 0);
    this.#sizes.set(id, bytes);
  }

  /** Forgets `id`. */
  forget(id: Id): void {
    this.#bytes -= this.#sizes.get(id) ?? 0;
    this.#sizes.delete(id);
  }
}
