/**
 * The default state store: a Map in memory, gone when the process ends.
 *
 * @module
 */
import type { JsonValue } from "../core/types.ts";
import type { StateStore } from "./state_store.ts";
import { StateSizes } from "./state_sizes.ts";
import {
  checkKey,
  DEFAULT_STORE_LIMITS,
  type StoreLimits,
  storeLimitsWith,
  utf8Length,
} from "./store_limits.ts";
import { StoreUsage } from "./store_usage.ts";

/**
 * A {@linkcode StateStore} in a Map. Any well-formed string up to `maxKeyBytes` is a key
 * (`"__proto__"` and `""` included), the same keys a FileStore takes. Values are kept as
 * given, not copied: callers treat them as immutable. Each is measured as JSON when it is
 * set (a list built from the stored one by the elements that differ, see
 * {@linkcode StateSizes}), against the limits (default {@linkcode DEFAULT_STORE_LIMITS}: states of at most 60 KiB,
 * 10,000 keys, 64 MiB in all, counting keys and states).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryStore } from "../../mod.ts";
 * const store = new MemoryStore([], { maxStateBytes: 1000 });
 * await store.set("__proto__", { x: 1 });
 * assert.deepEqual(await store.get("__proto__"), { x: 1 });
 * assert.equal(store.size, 1);
 * assert.equal(store.storedBytes, 9 + 7); // the key and the state's JSON
 * await assert.rejects(store.set("big", "x".repeat(1000)), /the state is too large/);
 * ```
 */
export class MemoryStore implements StateStore {
  /** The limits this store applies. */
  readonly limits: Readonly<StoreLimits>;
  readonly #values = new Map<string, JsonValue>();
  readonly #usage: StoreUsage<string>;
  readonly #sizes = new StateSizes();

  /**
   * Creates a store, optionally filled with initial states; throws a StateKeyError if those
   * break the limits.
   */
  constructor(
    initial: Iterable<readonly [string, JsonValue]> = [],
    limits: Partial<StoreLimits> = {},
  ) {
    this.limits = Object.freeze(storeLimitsWith(limits, DEFAULT_STORE_LIMITS));
    this.#usage = new StoreUsage(this.limits);
    for (const [key, value] of initial) this.#put(key, value);
  }

  /** The state under `key`, or undefined; rejects with a StateKeyError for a key no store holds. */
  get(key: string): Promise<JsonValue | undefined> {
    try {
      checkKey(key, this.limits.maxKeyBytes);
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve(this.#values.get(key));
  }

  set(key: string, value: JsonValue): Promise<void> {
    try {
      this.#put(key, value);
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve();
  }

  /** How many keys hold a state. */
  get size(): number {
    return this.#values.size;
  }

  /** Bytes held, as counted against `maxTotalBytes`: each key's UTF-8 and its state's JSON. */
  get storedBytes(): number {
    return this.#usage.bytes;
  }

  /** The keys that hold a state, in the order they were first set. */
  keys(): string[] {
    return [...this.#values.keys()];
  }

  #put(key: string, value: JsonValue): void {
    checkKey(key, this.limits.maxKeyBytes);
    // Only a list is measured from the one before it.
    const before = Array.isArray(value) ? this.#values.get(key) : undefined;
    const { bytes } = this.#sizes.measure(value, this.limits.maxStateBytes, before);
    this.#usage.reserve(key, utf8Length(key) + bytes);
    this.#values.set(key, value);
  }
}
