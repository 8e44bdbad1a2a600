/**
 * Where the deck's order comes from: a {@linkcode RandomSource}, seeded for tests and the
 * simulator (so a hand can be replayed), cryptographic in production (so it cannot be
 * predicted from earlier hands).
 *
 * @module
 */

/** Uniform random integers. */
export interface RandomSource {
  /** An integer in [0, bound), each equally likely; `bound` is an integer in [1, 2^32]. */
  int(bound: number): number;
}

const TWO_32 = 2 ** 32;

/**
 * A {@linkcode RandomSource} over a generator of uniform 32-bit unsigned integers. Draws
 * that would favour low results are rejected (no modulo bias): of the 2^32 values, only the
 * largest multiple of `bound` are used.
 *
 * @example
 * ```ts
 * import { fromUint32 } from "./random.ts";
 * let next = 0;
 * const counting = fromUint32(() => next++);
 * counting.int(10); // 0, then 1, 2, ...
 * ```
 */
export function fromUint32(next: () => number): RandomSource {
  return {
    int(bound) {
      if (!Number.isInteger(bound) || bound < 1 || bound > TWO_32) {
        throw new RangeError("bound must be an integer in [1, 2^32]");
      }
      const limit = TWO_32 - (TWO_32 % bound);
      for (;;) {
        const value = next();
        if (value < limit) return value % bound;
      }
    },
  };
}

/**
 * A deterministic source (mulberry32): the same seed gives the same draws on every runtime.
 * Not for production: anyone who learns the seed knows every deck.
 *
 * @example
 * ```ts
 * import { seededRandom } from "./random.ts";
 * seededRandom(7).int(52) === seededRandom(7).int(52); // true
 * ```
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return fromUint32(() => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  });
}

/**
 * A cryptographic source: `globalThis.crypto.getRandomValues` (Node 20, Deno, browsers),
 * drawn in batches.
 *
 * @example
 * ```ts
 * import { cryptoRandom } from "./random.ts";
 * const card = cryptoRandom().int(52); // 0..51
 * ```
 */
export function cryptoRandom(batch = 64): RandomSource {
  const values = new Uint32Array(batch);
  let used = batch;
  return fromUint32(() => {
    if (used === batch) {
      globalThis.crypto.getRandomValues(values);
      used = 0;
    }
    return values[used++];
  });
}

/**
 * Shuffles `items` in place (Fisher-Yates: every order equally likely) and returns them.
 *
 * @example
 * ```ts
 * import { newDeck } from "./cards.ts";
 * import { seededRandom, shuffle } from "./random.ts";
 * const deck = shuffle(newDeck(), seededRandom(1));
 * ```
 */
export function shuffle<T>(items: T[], random: RandomSource): T[] {
  for (let last = items.length - 1; last > 0; last--) {
    const other = random.int(last + 1);
    [items[last], items[other]] = [items[other], items[last]];
  }
  return items;
}
