/**
 * The scenarios of the hostile clients and of the card table, by name, as the replay command
 * and the tests run them: one seed names one run.
 *
 * @module
 */
import { buildBreakScenario } from "./broadcast_breaks.ts";
import {
  CARDS_PLANTS,
  CARDS_RESUME_PLANTS,
  type CardsPlant,
  type CardsResumePlant,
} from "./cards_planted.ts";
import { buildCardsScenario } from "./cards_scenario.ts";
import { buildStormScenario } from "./connect_storm.ts";
import { buildReaderScenario, READER_PLANTS, type ReaderPlant } from "./hostile_readers.ts";
import { buildSenderScenario, SENDER_PLANTS, type SenderPlant } from "./hostile_senders.ts";
import { buildResumeScenario } from "./resume_scenario.ts";
import { RESUME_PLANTS, type ResumePlant } from "./resume_planted.ts";
import { WEBSOCKET_PLANTS, type WebSocketPlantName } from "./ws_planted.ts";
import { buildWebSocketSwarm } from "./ws_swarm.ts";
import {
  buildSenderProgress,
  buildTightLimits,
  PROGRESS_SHUTDOWN_MS,
  TIGHT_SHUTDOWN_MS,
} from "./swarm_limits.ts";
import { timersScenario } from "./timers.ts";
import type { SimulationView } from "../engine/invariant.ts";
import type { SimulationReport } from "../engine/report.ts";
import type { TraceMode } from "../engine/trace.ts";
import type { FaultEvent, FaultPlan } from "../engine/fault_plan.ts";

/** A finished run of any scenario: its one-line summary, the simulation and its report. */
export interface ScenarioRun {
  readonly seed: number;
  /** The seed and what it drew, in one line. */
  readonly summary: string;
  readonly sim: SimulationView & {
    readonly trace: { readonly lines: readonly string[] };
    /** The faults that struck in the run. */
    readonly faults: { readonly events: readonly FaultEvent[] };
  };
  readonly report: SimulationReport;
}

/** A scenario other than the swarm's: its plants, and how to run a seed of it. */
export interface NamedScenario {
  /** Its planted bugs, by name, with what each does. */
  readonly plants: Readonly<Record<string, string>>;
  /** Runs a seed; with `faults`, the faults replay from their list. */
  run(seed: number, plant?: string, trace?: TraceMode, faults?: FaultPlan): Promise<ScenarioRun>;
}

/** Builds a scenario, runs it to its shutdown, and returns it with its report. */
async function finish<
  T extends {
    sim: { run(options: { shutdownAtMs: number }): Promise<SimulationReport> };
    shutdownAtMs: number;
  },
>(
  built: T,
): Promise<T & { report: SimulationReport }> {
  return { ...built, report: await built.sim.run({ shutdownAtMs: built.shutdownAtMs }) };
}

/**
 * The hostile-client scenarios (`never-reader`, `slow-reader`, `flood`, `steady-reader`,
 * `garbage-sender`, `byte-sender`, `batch-flooder`, `broadcast-break`, `connect-storm`), the card
 * table (`cards`, and `cards-hold` served with a hold and players who resume), the lobby of
 * players who drop and resume (`resume`) and the swarm of TCP and WebSocket clients (`ws-swarm`), by name.
 *
 * @example
 * ```ts
 * import { SCENARIOS } from "./scenarios.ts";
 * const run = await SCENARIOS["cards"].run(3);
 * // run.report.ok is true
 * ```
 */
export const SCENARIOS = {
  "never-reader": readers("never-reader"),
  "slow-reader": readers("slow-reader"),
  "flood": readers("flood"),
  "steady-reader": readers("steady-reader"),
  "garbage-sender": senders("garbage-sender"),
  "byte-sender": senders("byte-sender"),
  "batch-flooder": senders("batch-flooder"),
  "broadcast-break": named({
    plants: {},
    run: (seed, _plant, trace, faults) => finish(buildBreakScenario(seed, trace, faults)),
  }),
  "connect-storm": named({
    plants: {},
    run: (seed, _plant, trace, faults) => finish(buildStormScenario(seed, { trace, faults })),
  }),
  "cards": named({
    plants: CARDS_PLANTS,
    run: (seed, plant, trace, faults) =>
      finish(buildCardsScenario(seed, { plant: plant as CardsPlant | undefined, trace, faults })),
  }),
  "cards-hold": named({
    plants: CARDS_RESUME_PLANTS,
    run: (seed, plant, trace, faults) =>
      finish(
        buildCardsScenario(seed, {
          plant: plant as CardsResumePlant | undefined,
          trace,
          faults,
          resumes: true,
        }),
      ),
  }),
  "resume": named({
    plants: RESUME_PLANTS,
    run: (seed, plant, trace, faults) =>
      finish(
        buildResumeScenario(seed, { plant: plant as ResumePlant | undefined, trace, faults }),
      ),
  }),
  "tight-limits": named({
    plants: {},
    run: (seed, _plant, trace, faults) =>
      story(seed, "tight limits", TIGHT_SHUTDOWN_MS, buildTightLimits(seed, { trace, faults })),
  }),
  "sender-progress": named({
    plants: {},
    run: (seed, _plant, trace, faults) =>
      story(
        seed,
        "sender progress",
        PROGRESS_SHUTDOWN_MS,
        buildSenderProgress(seed, { trace, faults }),
      ),
  }),
  "timers": named({
    plants: {},
    run: (seed, _plant, trace, faults) => timersScenario(seed, { trace, faults }),
  }),
  "ws-swarm": named({
    plants: Object.fromEntries(
      Object.entries(WEBSOCKET_PLANTS).map(([name, { description }]) => [name, description]),
    ),
    run: (seed, plant, trace, faults) =>
      finish(
        buildWebSocketSwarm(seed, {
          plant: plant as WebSocketPlantName | undefined,
          trace,
          faults,
        }),
      ),
  }),
} as const satisfies Record<string, NamedScenario>;

/** The name of one of {@linkcode SCENARIOS}. */
export type NamedScenarioName = keyof typeof SCENARIOS;

/** The scenario of that name, if `name` is one of {@linkcode SCENARIOS}. */
export function scenarioNamed(name: string): NamedScenario | undefined {
  return Object.hasOwn(SCENARIOS, name) ? SCENARIOS[name as NamedScenarioName] : undefined;
}

/** Runs one of the limit stories to its shutdown. */
async function story(
  seed: number,
  label: string,
  shutdownAtMs: number,
  sim: ScenarioRun["sim"] & {
    readonly clients: readonly unknown[];
    run(options: { shutdownAtMs: number }): Promise<SimulationReport>;
  },
): Promise<ScenarioRun> {
  const report = await sim.run({ shutdownAtMs });
  return { seed, summary: `${label} seed ${seed}: ${sim.clients.length} clients`, sim, report };
}

function named(scenario: NamedScenario): NamedScenario {
  return scenario;
}

function readers(kind: Parameters<typeof buildReaderScenario>[0]): NamedScenario {
  return {
    plants: READER_PLANTS,
    run: (seed, plant, trace, faults) =>
      finish(
        buildReaderScenario(kind, seed, {
          plant: plant as ReaderPlant | undefined,
          trace,
          faults,
        }),
      ),
  };
}

function senders(kind: Parameters<typeof buildSenderScenario>[0]): NamedScenario {
  return {
    plants: SENDER_PLANTS,
    run: (seed, plant, trace) =>
      finish(buildSenderScenario(kind, seed, { plant: plant as SenderPlant | undefined, trace })),
  };
}
