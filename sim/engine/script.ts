/**
 * When a simulated client's scripted actions happen, and which of its scripted faults the
 * run's fault plan lets strike.
 *
 * @module
 */
import type { FaultPlan } from "./fault_plan.ts";
import type { World } from "./world.ts";

/**
 * Schedules a client's actions at virtual times (never before it connects), and asks the
 * plan about each scripted fault, numbered per kind: recording, it strikes as scripted;
 * replaying a list, only if the list has it, at the listed time or value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application } from "../../mod.ts";
 * import { FaultPlan } from "./fault_plan.ts";
 * import { Script } from "./script.ts";
 * import { Simulation } from "./simulation.ts";
 * const world = new Simulation({ seed: 1, application: new Application({ storage: null }) });
 * const script = new Script(world, FaultPlan.replaying(1, []), "c1", 0);
 * assert.equal(script.given("abort after connect", 0, 1), undefined); // not in the list
 * let ran = false;
 * script.at(5, () => (ran = true));
 * await world.run();
 * assert.equal(ran, true);
 * ```
 */
export class Script {
  readonly #world: World;
  readonly #plan: FaultPlan;
  readonly #name: string;
  readonly #connectAtUs: number;
  /** How many faults of each kind it asked for so far. */
  readonly #counts = new Map<string, number>();

  constructor(world: World, plan: FaultPlan, name: string, connectAtUs: number) {
    this.#world = world;
    this.#plan = plan;
    this.#name = name;
    this.#connectAtUs = connectAtUs;
  }

  /** Runs `run` at `atMs` (virtual ms), or when the client connects if that is later. */
  at(atMs: number, run: () => void): void {
    const at = this.#usAt(atMs);
    this.#world.schedule(Math.max(0, at - this.#world.now), run);
  }

  /** A fault of the script: its value if the plan lets it strike, else undefined. */
  given(kind: string, atUs: number, value: number): number | undefined {
    const seq = this.#counts.get(kind) ?? 0;
    this.#counts.set(kind, seq + 1);
    return this.#plan.given(this.#name, kind.replaceAll(" ", "-"), seq, atUs, value);
  }

  /** A scripted fault at a virtual time (the plan may move or drop it); `run` when it strikes. */
  faultAt(kind: string, atMs: number, run: () => void): void {
    const at = this.given(kind, this.#usAt(atMs), atMs);
    if (at !== undefined) this.at(at, run);
  }

  #usAt(atMs: number): number {
    return Math.max(Math.round(atMs * 1000), this.#connectAtUs);
  }
}
