/**
 * What `npm run sim` (or `deno task sim`) was asked for, read from its environment: one seed,
 * a range of seeds (a scenario or a planted bug without a seed), or the usage with what is
 * wrong. Kept apart from running so that every mistake gets its own message.
 *
 * @module
 */
import { PLANTED_BUGS } from "./planted.ts";
import { scenarioNamed, SCENARIOS } from "./scenarios.ts";

/** The seeds run when a scenario or a planted bug is named without `SIM_SEED`. */
export const DEFAULT_SEEDS: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/** One replay request: its seeds, scenario and planted bug, or why there is none. */
export type ReplayRequest =
  | {
    readonly kind: "run";
    readonly seeds: readonly number[];
    /** True when `SIM_SEED` named the seed; false for {@linkcode DEFAULT_SEEDS}. */
    readonly seeded: boolean;
    readonly scenario: string;
    readonly plant: string | undefined;
    /** The plants of the scenario, by name, with what each does. */
    readonly plants: Readonly<Record<string, string>>;
  }
  | { readonly kind: "usage"; readonly problem: string | undefined };

/**
 * Reads `SIM_SEED`, `SIM_SCENARIO` and `SIM_PLANT`. Nothing set at all asks for the usage.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readReplayRequest } from "./replay_request.ts";
 * const request = readReplayRequest({ SIM_SCENARIO: "cards" });
 * assert.equal(request.kind === "run" && request.seeds.length, 10);
 * assert.deepEqual(readReplayRequest({ SIM_SCENARIO: "chess" }), {
 *   kind: "usage",
 *   problem: 'unknown scenario "chess"; the scenarios are swarm, targeted, never-reader, ' +
 *     "slow-reader, flood, steady-reader, broadcast-break, connect-storm, cards",
 * });
 * ```
 */
export function readReplayRequest(env: Record<string, string | undefined>): ReplayRequest {
  const { SIM_SEED: seedText, SIM_PLANT: plant, SIM_SCENARIO: named } = env;
  if (!seedText && !plant && !named) return { kind: "usage", problem: undefined };
  const scenario = named || (plant ? "targeted" : "swarm");
  const plants = plantsOf(scenario);
  if (!plants) {
    return usage(`unknown scenario "${scenario}"; the scenarios are ${scenarioNames().join(", ")}`);
  }
  if (plant && !Object.hasOwn(plants, plant)) {
    const known = Object.keys(plants);
    return usage(
      `unknown planted bug "${plant}" for scenario ${scenario}; ${
        known.length > 0 ? `its planted bugs are ${known.join(", ")}` : "it has no planted bugs"
      }`,
    );
  }
  if (!seedText) {
    return { kind: "run", seeds: DEFAULT_SEEDS, seeded: false, scenario, plant, plants };
  }
  const seed = Number(seedText);
  if (!/^\d+$/.test(seedText.trim()) || !Number.isSafeInteger(seed)) {
    return usage(`SIM_SEED must be an integer >= 0, not "${seedText}"`);
  }
  return { kind: "run", seeds: [seed], seeded: true, scenario, plant, plants };
}

/** The usage text, for `runner` (`npm run sim` or `deno task sim`). */
export function usageLines(runner: string): string[] {
  const lines = [
    `usage: SIM_SEED=<integer> [SIM_PLANT=<bug>] [SIM_SCENARIO=${
      scenarioNames().join("|")
    }] [SIM_CLIENT=c3] [SIM_TRACE=1] ${runner}`,
    `  without SIM_SEED, a scenario or a planted bug runs seeds ${DEFAULT_SEEDS[0]}-${
      DEFAULT_SEEDS.at(-1)
    }; example: SIM_SCENARIO=cards ${runner}`,
    `planted bugs: ${Object.keys(PLANTED_BUGS).join(", ")}`,
  ];
  for (const [name, named] of Object.entries(SCENARIOS)) {
    const own = Object.keys(named.plants);
    if (own.length > 0) lines.push(`planted bugs of ${name}: ${own.join(", ")}`);
  }
  return lines;
}

/** The plants of a scenario, by name, with what each does; undefined for an unknown one. */
export function plantsOf(scenario: string): Readonly<Record<string, string>> | undefined {
  if (scenario === "swarm" || scenario === "targeted") {
    return Object.fromEntries(
      Object.entries(PLANTED_BUGS).map(([name, plant]) => [name, plant.description]),
    );
  }
  return scenarioNamed(scenario)?.plants;
}

function scenarioNames(): string[] {
  return ["swarm", "targeted", ...Object.keys(SCENARIOS)];
}

function usage(problem: string): ReplayRequest {
  return { kind: "usage", problem };
}
