/**
 * Shrinking a failing run's fault list: delta debugging, then one fault at a time, then
 * smaller values, keeping each step only if the run still fails the same way.
 *
 * @module
 */
import type { FaultEvent } from "./fault_plan.ts";
import { faultKey } from "./fault_plan.ts";

/**
 * Reruns with only `faults`: the faults that struck if it still fails the same way, else
 * undefined.
 */
export type StillFails = (
  faults: readonly FaultEvent[],
) => Promise<readonly FaultEvent[] | undefined>;

/** What shrinking found: the smallest list that still fails, and how many reruns it took. */
export interface Shrunk {
  readonly faults: readonly FaultEvent[];
  readonly reruns: number;
}

/**
 * Minimises `faults` within `maxReruns` reruns. Each kept rerun's list is what struck in it,
 * so faults the run no longer reaches fall away at once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shrinkFaults } from "./shrink.ts";
 * const faults = Array.from({ length: 40 }, (_, n) => ({ at: n, client: "c1", kind: "up-delay", seq: n, value: 8 }));
 * // The "bug" needs faults 7 and 31, with a delay of at least 2 ms on 31.
 * const { faults: shrunk, reruns } = await shrinkFaults(faults, (list) =>
 *   Promise.resolve(list.some((f) => f.seq === 7) && list.some((f) => f.seq === 31 && f.value >= 2) ? [...list] : undefined));
 * assert.deepEqual(shrunk.map((f) => [f.seq, f.value]), [[7, 1], [31, 2]]);
 * assert.ok(reruns <= 60);
 * ```
 */
export async function shrinkFaults(
  faults: readonly FaultEvent[],
  stillFails: StillFails,
  maxReruns = 200,
): Promise<Shrunk> {
  let current: readonly FaultEvent[] = faults;
  let reruns = 0;
  const attempt = async (candidate: readonly FaultEvent[]): Promise<boolean> => {
    if (reruns >= maxReruns) return false;
    reruns++;
    const struck = await stillFails(candidate);
    if (struck) current = struck;
    return struck !== undefined;
  };
  if (current.length > 0 && !(await attempt([]))) {
    await deltaDebug();
    await oneAtATime();
    await simplify();
  }
  return { faults: current, reruns };

  async function deltaDebug(): Promise<void> {
    let parts = 2;
    while (current.length >= 2 && reruns < maxReruns) {
      const chunks = split(current, parts);
      let reduced = false;
      for (const chunk of chunks) {
        if (await attempt(chunk)) {
          parts = 2;
          reduced = true;
          break;
        }
      }
      for (let n = 0; !reduced && parts > 2 && n < chunks.length; n++) {
        if (await attempt(chunks.filter((_, other) => other !== n).flat())) {
          parts = Math.max(parts - 1, 2);
          reduced = true;
        }
      }
      if (!reduced) {
        if (parts >= current.length) return;
        parts = Math.min(current.length, parts * 2);
      }
    }
  }

  async function oneAtATime(): Promise<void> {
    for (const fault of [...current].reverse()) {
      const key = faultKey(fault);
      if (!current.some((kept) => faultKey(kept) === key)) continue;
      await attempt(current.filter((kept) => faultKey(kept) !== key));
    }
  }

  /** For each fault with a size, the smallest that still fails (by bisection). */
  async function simplify(): Promise<void> {
    for (const fault of [...current]) {
      const smallest = SIMPLER.get(fault.kind);
      if (smallest === undefined) continue;
      const key = faultKey(fault);
      let [low, high] = [smallest, fault.value];
      while (low < high && reruns < maxReruns) {
        const value = Math.floor((low + high) / 2);
        const kept = await attempt(
          current.map((other) => faultKey(other) === key ? { ...other, value } : other),
        );
        if (!current.some((other) => faultKey(other) === key)) break;
        if (kept) high = value;
        else low = value + 1;
      }
    }
  }
}

/** Faults whose smaller values are simpler, with their smallest. */
const SIMPLER = new Map([
  ["up-delay", 1],
  ["down-delay", 1],
  ["up-jitter", 1],
  ["down-jitter", 1],
  ["storm", 1],
]);

function split<T>(items: readonly T[], parts: number): T[][] {
  const chunks: T[][] = [];
  const size = Math.ceil(items.length / parts);
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }
  return chunks;
}
