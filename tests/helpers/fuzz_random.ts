/**
 * The fuzz tests' source of chance: a seeded generator (the mulberry32 of the card example),
 * so a seed replays a whole run on either runtime, and the loop that runs many seeds and says
 * which one failed.
 */
import process from "node:process";
import { type RandomSource, seededRandom } from "../../examples/cards/random.ts";

/** Seeded draws for building hostile and good traffic. */
export class Fuzz {
  readonly #source: RandomSource;

  constructor(readonly seed: number) {
    this.#source = seededRandom(seed);
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + this.#source.int(max - min + 1);
  }

  /** True with probability `p`, to a millionth. */
  chance(p: number): boolean {
    return this.#source.int(1_000_000) < p * 1_000_000;
  }

  /** One of `items`, which must not be empty. */
  pick<T>(items: readonly T[]): T {
    return items[this.#source.int(items.length)];
  }

  /** `items` in a random order (a copy). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.#source.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  /** `length` random bytes, zero bytes included. */
  bytes(length: number): Uint8Array {
    return Uint8Array.from({ length }, () => this.#source.int(256));
  }
}

/**
 * The seeds to run: `count` seeds from `first`, or only the one in the environment variable
 * `FUZZ_SEED` (to replay a failure). `FUZZ_RUNS` overrides `count` for a longer hunt.
 */
export function fuzzSeeds(count: number, first = 1): number[] {
  const replay = process.env.FUZZ_SEED;
  if (replay !== undefined && replay !== "") return [Number(replay)];
  const runs = Number(process.env.FUZZ_RUNS || count);
  return Array.from({ length: runs }, (_, n) => first + n);
}

/**
 * Runs `run` for each seed in turn, stopping early (not a failure) once `budgetMs` has passed,
 * so a slow machine stays within the test's time; a hunt with `FUZZ_RUNS` has no budget. A
 * failure is rethrown with its seed and how to replay it. Returns how many seeds ran.
 */
export async function forEachSeed(
  seeds: readonly number[],
  budgetMs: number,
  run: (seed: number) => Promise<void>,
): Promise<{ ran: number }> {
  const deadline = process.env.FUZZ_RUNS ? Infinity : Date.now() + budgetMs;
  let ran = 0;
  for (const seed of seeds) {
    if (ran > 0 && Date.now() > deadline) break;
    try {
      await run(seed);
    } catch (error) {
      const reason = error instanceof Error ? error : new Error(String(error));
      reason.message = `seed ${seed} failed (replay with FUZZ_SEED=${seed}): ${reason.message}`;
      throw reason;
    }
    ran++;
  }
  return { ran };
}
