/**
 * The connection registry: index -> entry. Private to the server core.
 *
 * @module
 */
import type { Index } from "./types.ts";

/**
 * Gives each entry the next index (1, 2, 3, ...; never reused) and finds it again.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Registry } from "./registry.ts";
 * const registry = new Registry<{ index: number }>();
 * const entry = registry.add((index) => ({ index }));
 * assert.equal(entry.index, 1);
 * assert.equal(registry.get(1), entry);
 * ```
 */
export class Registry<E extends { readonly index: Index }> {
  readonly #byIndex = new Map<Index, E>();
  #lastIndex = 0;
  #generation = 0;

  /** Registers the entry that `create` makes for the next index. */
  add(create: (index: Index) => E): E {
    const entry = create(++this.#lastIndex);
    if (entry.index !== this.#lastIndex) throw new Error("entry must keep the index it was given");
    this.#byIndex.set(entry.index, entry);
    this.#generation++;
    return entry;
  }

  /**
   * Registers `entry` under its index, one given before (replacing whatever is there): how a
   * resumed connection takes over the index of the identity it resumes.
   */
  put(entry: E): void {
    if (!(entry.index >= 1 && entry.index <= this.#lastIndex)) throw new Error("index not given");
    this.#byIndex.set(entry.index, entry);
    this.#generation++;
  }

  /** The live entry for an index, if any. */
  get(index: Index): E | undefined {
    return this.#byIndex.get(index);
  }

  /** Forgets an index; returns whether it was registered. */
  delete(index: Index): boolean {
    this.#generation++;
    return this.#byIndex.delete(index);
  }

  /** Moves on whenever an index is added, replaced or deleted: what caches of entries check. */
  get generation(): number {
    return this.#generation;
  }

  /** Whether an index is registered. */
  has(index: Index): boolean {
    return this.#byIndex.has(index);
  }

  /** How many entries are registered. */
  get size(): number {
    return this.#byIndex.size;
  }

  /** The registered indexes, oldest first. */
  indexes(): Index[] {
    return [...this.#byIndex.keys()];
  }
}
