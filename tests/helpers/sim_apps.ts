/**
 * Small applications for simulator tests, and assertions on simulation reports.
 */
import assert from "node:assert/strict";
import {
  Application,
  type Command,
  type Controller,
  deliver,
  type Index,
  type Logger,
} from "../../mod.ts";
import { formatViolation, type SimulationReport } from "../../sim/mod.ts";
import { runSpec } from "../../sim/scenarios/replay.ts";

/** Who is connected: the storage of {@linkcode lobbyApplication}. */
export interface Lobby {
  readonly connected: Set<Index>;
}

/**
 * A lobby: onConnect greets the newcomer, code `say` goes to everyone connected, any other
 * code is echoed to the sender. `overrides` replaces parts of the controller (planted bugs).
 */
export function lobbyApplication(
  logger?: Logger,
  overrides: Partial<Controller<Lobby>> = {},
): Application<Lobby> {
  const controller: Controller<Lobby> = {
    onConnect({ index, storage }) {
      storage.connected.add(index);
      return deliver([index], { code: "welcome", index });
    },
    onDisconnect({ index, storage }) {
      storage.connected.delete(index);
      return [];
    },
    handleCommand(command: Command, { index, storage }) {
      if (command.code === "say") {
        return deliver([...storage.connected], { ...command, from: index });
      }
      return deliver([index], { ...command, echo: true });
    },
    ...overrides,
  };
  return new Application({
    storage: { connected: new Set<Index>() },
    defaultController: controller,
    logger,
  });
}

/** Asserts that a run broke no invariant, printing every violation if it did. */
export function assertClean(report: SimulationReport, context = ""): void {
  assert.equal(
    report.ok,
    true,
    `${context} seed ${report.seed}:\n${report.violations.map(formatViolation).join("\n")}`,
  );
}

/** The names of the invariants a run broke, each once, sorted. */
export function brokenInvariants(report: SimulationReport): string[] {
  return [...new Set(report.violations.map((violation) => violation.invariant))].sort();
}

/** `scenario seed hash` for seeds 1..`seeds` of the swarm and of the targeted scenario. */
export async function traceHashes(seeds: number): Promise<string[]> {
  const lines: string[] = [];
  for (const scenario of ["swarm", "targeted"] as const) {
    for (let seed = 1; seed <= seeds; seed++) {
      lines.push(`${scenario} ${seed} ${(await runSpec({ seed, scenario })).report.traceHash}`);
    }
  }
  return lines;
}
