/**
 * A cache that forgets the least recently used entries past a count or a byte budget.
 *
 * @module
 */

/**
 * Values by key, at most `maxEntries` of them and `maxBytes` in all (each value's size is
 * given when it is set); the least recently read or set go first. A value larger than the
 * whole budget is not kept.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LruCache } from "./lru_cache.ts";
 * const cache = new LruCache<string, number>(2, 100);
 * cache.set("a", 1, 10);
 * cache.set("b", 2, 10);
 * cache.get("a"); // now "b" is the least recently used
 * cache.set("c", 3, 10);
 * assert.deepEqual([cache.get("a"), cache.get("b"), cache.get("c")], [1, undefined, 3]);
 * cache.set("d", 4, 95); // over the byte budget: "a" and "c" go
 * assert.deepEqual([cache.size, cache.bytes], [1, 95]);
 * ```
 */
export class LruCache<K, V> {
  // A Map iterates in insertion order: re-inserting on use keeps the oldest first.
  readonly #entries = new Map<K, { readonly value: V; readonly bytes: number }>();
  #bytes = 0;

  constructor(readonly maxEntries: number, readonly maxBytes: number) {}

  /** Entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Their sizes, summed. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The value under `key`, now the most recently used; or undefined. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Keeps `value` as the most recently used, then forgets the oldest over the budget. */
  set(key: K, value: V, bytes: number): void {
    this.delete(key);
    if (bytes > this.maxBytes || this.maxEntries < 1) return;
    this.#entries.set(key, { value, bytes });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.maxEntries && this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes;
    }
  }

  /** Forgets `key`. */
  delete(key: K): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }
}
