/**
 * What links and clients need from the simulation that runs them.
 *
 * @module
 */
import type { Trace } from "./trace.ts";

/** The simulation as its links and clients see it. Times in microseconds. */
export interface World {
  /** The virtual time. */
  readonly now: number;
  /** How many events have run: one event and what settles after it is one loop iteration. */
  readonly eventNumber: number;
  readonly trace: Trace;
  /** Runs `run` as its own event, `delayUs` from now, after the events already due then. */
  schedule(delayUs: number, run: () => void): void;
  /**
   * Runs `run` as its own event at the current time, before the events already due now
   * (follow-ups of this moment: a flush, the next chunk for the core).
   */
  soon(run: () => void): void;
  /**
   * Calls into the core. A synchronous throw or a rejection is recorded as an error that
   * escaped the core; the simulation lets the core settle after the current event. The
   * returned promise never rejects.
   */
  callCore(what: string, call: () => Promise<void>): Promise<void>;
  /** A promise the core holds (a drain, a close) was settled: let the core run after this event. */
  touch(): void;
  /** Counts one observable step of the core, so that settling goes on while the core works. */
  activity(): void;
}
