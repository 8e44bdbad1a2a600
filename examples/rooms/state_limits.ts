/**
 * Whether a state can be delivered to the clients that will `get` it: a check made before a
 * state is written, so a state nobody could read is refused to its writer instead.
 *
 * @module
 */
import {
  CommandError,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_STATE_BYTES,
  type JsonValue,
  serializeState,
  StateKeyError,
} from "../../mod.ts";

/** How large and how deep a state may be. */
export interface StateLimits {
  /** Largest state, in UTF-8 bytes of its JSON. Default 60 KiB (`DEFAULT_MAX_STATE_BYTES`). */
  readonly maxStateBytes: number;
  /**
   * Deepest nesting of a state, a list or an object being 1. Default 31: in a `get` reply
   * the state sits in a command (level 1), so it then stays within the parser's default
   * depth limit of 32.
   */
  readonly maxStateDepth: number;
}

/** The defaults: what a client reading with the parser's default limits can receive. */
export const DEFAULT_STATE_LIMITS: StateLimits = Object.freeze({
  maxStateBytes: DEFAULT_MAX_STATE_BYTES,
  maxStateDepth: DEFAULT_MAX_DEPTH - 1,
});

/**
 * Throws a {@linkcode CommandError} for a state nested deeper than `maxStateDepth` or larger
 * than `maxStateBytes` of JSON. The size is left to the store when it enforces as tight a
 * limit itself (`storeMaxStateBytes`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkDeliverable } from "./state_limits.ts";
 * const limits = { maxStateBytes: 100, maxStateDepth: 2 };
 * checkDeliverable([[1], { a: 2 }], limits);
 * assert.throws(() => checkDeliverable([[[1]]], limits), /the state is nested deeper than 2 levels/);
 * assert.throws(() => checkDeliverable("x".repeat(99), limits), /the state is too large/);
 * checkDeliverable("x".repeat(99), limits, 100); // the store will refuse it itself
 * ```
 */
export function checkDeliverable(
  state: JsonValue,
  limits: StateLimits,
  storeMaxStateBytes = Infinity,
): void {
  if (deeperThan(state, limits.maxStateDepth)) {
    throw new CommandError(`the state is nested deeper than ${limits.maxStateDepth} levels`);
  }
  // The store refuses the same states (or more) with the same error: one serialization, not two.
  if (storeMaxStateBytes <= limits.maxStateBytes) return;
  try {
    serializeState(state, limits.maxStateBytes);
  } catch (error) {
    if (error instanceof StateKeyError) throw new CommandError(error.message);
    throw error;
  }
}

/** Whether `value` nests more than `levels` lists or objects; stops looking at that depth. */
function deeperThan(value: JsonValue, levels: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (levels === 0) return true;
  const members = Array.isArray(value) ? value : Object.values(value);
  for (let i = 0; i < members.length; i++) {
    // Tested here, not by a call per member: a list of 1,000 numbers is the common state.
    const member = members[i];
    if (typeof member === "object" && member !== null && deeperThan(member, levels - 1)) {
      return true;
    }
  }
  return false;
}
