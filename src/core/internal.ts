/**
 * Internal and timed commands: deliveries addressed to nobody, which the server handles
 * itself (at once, later, or periodically) instead of writing them anywhere.
 *
 * @module
 */
import type { Command, Delivery, Index } from "./types.ts";

/** The index internal and timed commands are handled under: the server itself. */
export const SERVER_INDEX: Index = 0;

/** When a timed command runs. Give `afterMs` or `at`; add `periodMs` to repeat. */
export interface Timing {
  /** Run this many milliseconds from now. */
  afterMs?: number;
  /** Run at this time on the server's clock. */
  at?: number;
  /** Then run again every `periodMs`, without drift. First run: `afterMs`/`at`, else one period. */
  periodMs?: number;
  /** Names the timer so it can be cancelled or replaced. */
  id?: string;
}

/** The wire names of the timing fields, as in the original design. */
const FIELDS = { afterMs: "after_ms", at: "at", periodMs: "period_ms", id: "id" } as const;

/**
 * Commands for the server itself: each is handled by the application with index
 * {@linkcode SERVER_INDEX}, and what it returns is sent (or handled internally again).
 *
 * @example
 * ```ts
 * import { deliver, internal, type Result } from "../../mod.ts";
 * const result: Result = [...deliver([1], { code: "fold" }), internal({ code: "next-turn" })];
 * ```
 */
export function internal(...commands: Command[]): Delivery {
  return [[], commands];
}

/**
 * A command the server runs later, once or periodically.
 *
 * @example
 * ```ts
 * import { later } from "../../mod.ts";
 * const turnTimer = later({ code: "timeout", key: "table-1" }, { afterMs: 30_000, id: "t1" });
 * const heartbeat = later({ code: "tick" }, { periodMs: 1_000, id: "tick" });
 * ```
 */
export function later(command: Command, timing: Timing): Delivery {
  const timed: Command = { ...command };
  for (const [name, field] of Object.entries(FIELDS)) {
    const value = timing[name as keyof Timing];
    if (value !== undefined) timed[field] = value;
  }
  return internal(timed);
}

/**
 * Cancels the timer with this id, if it is still waiting.
 *
 * @example
 * ```ts
 * import { cancelTimer } from "../../mod.ts";
 * const result = [cancelTimer("t1")];
 * ```
 */
export function cancelTimer(id: string): Delivery {
  return internal({ cancel: id });
}

/** What an internal command asks of the server's timers, if anything. */
export type TimerRequest =
  | { readonly kind: "cancel"; readonly id: string }
  | {
    readonly kind: "schedule";
    readonly id?: string;
    /** Milliseconds from now, or an absolute time. */
    readonly when: { readonly afterMs: number } | { readonly at: number };
    readonly periodMs?: number;
    /** The command to run, without its timing fields. */
    readonly command: Command;
  };

/**
 * Reads the timing fields of an internal command: `undefined` for a command to run at once,
 * a request otherwise. Throws a RangeError for timing fields that make no sense.
 */
export function timerRequestOf(command: Command): TimerRequest | undefined {
  if (Object.hasOwn(command, "cancel")) {
    if (typeof command.cancel !== "string") throw new RangeError("cancel takes a timer id");
    return { kind: "cancel", id: command.cancel };
  }
  const { after_ms: afterMs, at, period_ms: periodMs, id, ...rest } = command;
  if (afterMs === undefined && at === undefined && periodMs === undefined) return undefined;
  if (afterMs !== undefined && at !== undefined) throw new RangeError("give after_ms or at");
  const number = (value: unknown, name: string, min: number) => {
    if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
      throw new RangeError(`${name} must be a number >= ${min}`);
    }
    return value;
  };
  if (id !== undefined && typeof id !== "string") throw new RangeError("id must be a string");
  const period = periodMs === undefined ? undefined : number(periodMs, "period_ms", 1);
  const when = at !== undefined
    ? { at: number(at, "at", 0) }
    : { afterMs: afterMs === undefined ? period! : number(afterMs, "after_ms", 0) };
  return { kind: "schedule", id, when, periodMs: period, command: { ...rest, ...idOf(id) } };
}

function idOf(id: string | undefined): Command {
  return id === undefined ? {} : { id };
}
