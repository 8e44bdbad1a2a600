/**
 * Internal and timed commands: deliveries addressed to nobody, which the server handles
 * itself (at once, later, or periodically) instead of writing them anywhere.
 *
 * @module
 */
import type { Command, Delivery, Index } from "./types.ts";

/**
 * The index internal and timed commands are handled under: the server itself, so a
 * controller can tell the server's own commands from a client's.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application, CommandError, SERVER_INDEX } from "../../mod.ts";
 * const app = new Application({
 *   storage: null,
 *   defaultController: {
 *     handleCommand(_, { index }) {
 *       if (index !== SERVER_INDEX) throw new CommandError("only the server deals");
 *       return [];
 *     },
 *   },
 * });
 * assert.deepEqual(await app.handleCommands(SERVER_INDEX, [{ code: "deal" }]), []);
 * assert.deepEqual(await app.handleCommands(3, [{ code: "deal" }]), [
 *   [[3], [{ error: "only the server deals", code: "deal" }]],
 * ]);
 * ```
 */
export const SERVER_INDEX: Index = 0;

/**
 * When a timed command runs. Give `afterMs` or `at`; add `periodMs` to repeat.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { later, type Timing } from "../../mod.ts";
 * const timing: Timing = { afterMs: 500, periodMs: 1_000, id: "tick" };
 * assert.deepEqual(later({ code: "tick" }, timing), [
 *   [],
 *   [{ code: "tick", after_ms: 500, period_ms: 1_000, id: "tick" }],
 * ]);
 * ```
 */
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
 * import assert from "node:assert/strict";
 * import { deliver, internal, type Result } from "../../mod.ts";
 * const result: Result = [...deliver([1], { code: "fold" }), internal({ code: "next-turn" })];
 * assert.deepEqual(result, [[[1], [{ code: "fold" }]], [[], [{ code: "next-turn" }]]]);
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
 * import assert from "node:assert/strict";
 * import { later } from "../../mod.ts";
 * const turnTimer = later({ code: "timeout", key: "table-1" }, { afterMs: 30_000, id: "t1" });
 * assert.deepEqual(turnTimer, [
 *   [],
 *   [{ code: "timeout", key: "table-1", after_ms: 30_000, id: "t1" }],
 * ]);
 * const heartbeat = later({ code: "tick" }, { periodMs: 1_000 });
 * assert.deepEqual(heartbeat, [[], [{ code: "tick", period_ms: 1_000 }]]);
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
 * import assert from "node:assert/strict";
 * import { cancelTimer } from "../../mod.ts";
 * assert.deepEqual(cancelTimer("t1"), [[], [{ cancel: "t1" }]]);
 * ```
 */
export function cancelTimer(id: string): Delivery {
  return internal({ cancel: id });
}

/**
 * What an internal command asks of the server's timers, if anything.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type TimerRequest, timerRequestOf } from "../../mod.ts";
 * const request: TimerRequest | undefined = timerRequestOf({ cancel: "t1" });
 * assert.deepEqual(request, { kind: "cancel", id: "t1" });
 * ```
 */
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
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timerRequestOf } from "../../mod.ts";
 * assert.equal(timerRequestOf({ code: "deal" }), undefined);
 * assert.deepEqual(timerRequestOf({ code: "timeout", after_ms: 30_000, id: "t1" }), {
 *   kind: "schedule",
 *   id: "t1",
 *   when: { afterMs: 30_000 },
 *   periodMs: undefined,
 *   command: { code: "timeout", id: "t1" },
 * });
 * assert.throws(() => timerRequestOf({ code: "tick", period_ms: 0 }), RangeError);
 * ```
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
