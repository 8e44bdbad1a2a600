/**
 * The connections of a broadcast's audience, looked up once for the messages that follow: a
 * room hears message after message, and finding each member's connection by its index is
 * most of what addressing one delivery costs.
 *
 * @module
 */
import type { Index } from "./types.ts";

/** Audiences smaller than this are looked up index by index: a cache would not pay. */
export const MIN_CACHED_AUDIENCE = 8;
/** Indexes held in all, at most: past this the cache starts over. */
export const MAX_CACHED_INDEXES = 65_536;

/** One audience: its indexes as first seen, and their connections then. */
interface Entry<C> {
  readonly indexes: readonly Index[];
  readonly connections: readonly (C | undefined)[];
}

/**
 * The connections of audiences, by their indexes. Told a delivery's audience first
 * (`addressing`), it answers `connectionOf` for its indexes, asked in order, from what it
 * found for the same audience before. An audience is found again by its first index and
 * checked element by element, so it may be any array with the same indexes in the same
 * order; each answer is checked against the index asked; and every entry is dropped the
 * moment the connections change (`generation`, which the registry moves on each add,
 * replace and delete). So an index is never answered with another's connection, whatever
 * order it is asked in.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AudienceCache } from "./audience_cache.ts";
 * const live = new Map([1, 2, 3, 4, 5, 6, 7, 8].map((index) => [index, `c${index}`]));
 * let generation = 0;
 * const cache = new AudienceCache((index) => live.get(index), () => generation);
 * const room = [1, 2, 3, 4, 5, 6, 7, 8];
 * cache.addressing(room);
 * assert.deepEqual(room.map((index) => cache.connectionOf(index)), [...live.values()]);
 * live.delete(8);
 * generation++; // the registry changed
 * cache.addressing(room);
 * assert.equal(cache.connectionOf(8), undefined);
 * ```
 */
export class AudienceCache<C> {
  readonly #lookup: (index: Index) => C | undefined;
  readonly #generation: () => number;
  readonly #byFirst = new Map<Index, Entry<C>>();
  #forGeneration = NaN;
  #held = 0;
  /** The audience being addressed, and the position of the next index asked. */
  #current: Entry<C> | undefined;
  #at = 0;

  constructor(lookup: (index: Index) => C | undefined, generation: () => number) {
    this.#lookup = lookup;
    this.#generation = generation;
  }

  /** The connection of `index` (undefined when it is not live). */
  connectionOf(index: Index): C | undefined {
    const current = this.#current;
    if (
      current !== undefined && current.indexes[this.#at] === index &&
      this.#generation() === this.#forGeneration
    ) {
      return current.connections[this.#at++];
    }
    return this.#lookup(index);
  }

  /** A delivery to `indexes` begins: what `connectionOf` is asked next is for them, in order. */
  addressing(indexes: readonly Index[]): void {
    this.#current = this.#entryOf(indexes);
    this.#at = 0;
  }

  /** The entry of an audience large enough to keep, found again or made now. */
  #entryOf(indexes: readonly Index[]): Entry<C> | undefined {
    const count = indexes.length;
    if (count < MIN_CACHED_AUDIENCE) return undefined;
    const generation = this.#generation();
    if (generation !== this.#forGeneration || this.#held + count > MAX_CACHED_INDEXES) {
      this.#byFirst.clear();
      this.#held = 0;
      this.#forGeneration = generation;
    }
    const found = this.#byFirst.get(indexes[0]);
    if (found !== undefined && sameIndexes(found.indexes, indexes)) return found;
    const entry = {
      indexes: indexes.slice(),
      connections: indexes.map((index) => this.#lookup(index)),
    };
    if (found !== undefined) this.#held -= found.indexes.length;
    this.#byFirst.set(indexes[0], entry);
    this.#held += count;
    return entry;
  }
}

function sameIndexes(a: readonly Index[], b: readonly Index[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}
