/**
 * The shape of an invariant, and the view of a finished (or running) simulation it judges.
 *
 * @module
 */
import type { Index, Limits, Server } from "../../mod.ts";
import type { SimClient } from "./client.ts";
import type { Addressed, Records } from "./records.ts";

/** One broken rule, with enough to find it again. */
export interface Violation {
  readonly invariant: string;
  readonly message: string;
  /** The client it concerns (its name), if any. */
  readonly client?: string;
  /** Virtual time, in microseconds, if it happened at one. */
  readonly time?: number;
}

/** Hears what the core does while the simulation runs. */
export interface SimObserver {
  /** A turn began with a hook or a message of `index` (not yet handled). */
  turnStarted?(index: Index): void;
  /** The core addressed a delivery to a live index. */
  addressed?(index: Index, entry: Addressed): void;
  /** An index's onDisconnect finished. */
  departed?(index: Index): void;
  /** A turn's result went to the send path (every turn, even one that addressed nobody). */
  sent?(): void;
}

/** What an invariant may look at. */
export interface SimulationView {
  readonly seed: number;
  /** Virtual time, in microseconds. */
  readonly now: number;
  readonly server: Server;
  /** The limits the server runs under. */
  readonly limits: Limits;
  readonly clients: readonly SimClient[];
  readonly records: Records;
  /** The client the server knows by `index`. */
  clientOf(index: Index): SimClient | undefined;
  /** Adds an observer, for invariants that must watch the run as it goes. */
  observe(observer: SimObserver): void;
}

/**
 * A rule a run must keep. `attach` runs before the run (to observe it); `check` after it.
 *
 * @example
 * ```ts
 * import type { Invariant } from "./invariant.ts";
 * const everyoneHeardSomething: Invariant = {
 *   name: "everyone heard something",
 *   check: (sim) =>
 *     sim.clients.filter((c) => c.messages.length === 0).map((c) => ({
 *       invariant: "everyone heard something",
 *       client: c.name,
 *       message: "received nothing",
 *     })),
 * };
 * ```
 */
export interface Invariant {
  readonly name: string;
  attach?(sim: SimulationView): void;
  check(sim: SimulationView): Violation[];
}
