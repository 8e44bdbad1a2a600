/**
 * The simulator's only source of chance: a small seeded generator, so one seed decides a
 * whole run on every runtime.
 *
 * @module
 */

/**
 * A mulberry32 generator: 32 bits of state, integer arithmetic only (`Math.imul`, shifts), so
 * Node and Deno draw the same numbers from the same seed.
 *
 * @example
 * ```ts
 * import { Random } from "./random.ts";
 * const a = new Random(42);
 * const b = new Random(42);
 * a.int(1, 6) === b.int(1, 6); // true: same seed, same draws
 * ```
 */
export class Random {
  /**
   * The state's 32 bits as a signed integer: a small integer to the engine, never a boxed
   * number (the same bits as unsigned, so the same draws).
   */
  #state: number;

  /** Seeds above 2^32 keep their low 32 bits. */
  constructor(seed: number) {
    this.#state = seed | 0;
  }

  /** Starts again from `seed`, as a new generator of that seed would. */
  reseed(seed: number): this {
    this.#state = seed | 0;
    return this;
  }

  /** The next 32-bit unsigned integer. */
  uint32(): number {
    this.#state = (this.#state + 0x6d2b79f5) | 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.uint32() / 4294967296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** True with probability `p` (never for p <= 0, always for p >= 1). */
  chance(p: number): boolean {
    return p > 0 && this.float() < p;
  }

  /** One of `items`, which must not be empty. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }

  /**
   * An independent generator seeded from this one: give each link its own, so that what one
   * link draws does not shift another's draws.
   */
  fork(): Random {
    return new Random(this.uint32() ^ 0x9e3779b9);
  }

  /** Fills `bytes` with draws, a byte each: a server's random source, seeded (session tokens). */
  fill(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) bytes[i] = this.uint32() & 0xff;
  }
}
