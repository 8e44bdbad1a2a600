/**
 * What makes a parsed message unfit to be handled, beyond its shape.
 *
 * @module
 */
import type { Command } from "../core/types.ts";

/** The error for a number JSON.parse turned into Infinity (it would come back as null). */
export const NUMBER_OUT_OF_RANGE = "a number is out of range";
/** The error for a number with nonzero digits that JSON.parse turned into 0. */
export const NUMBER_UNDERFLOW = "a number is out of range (too close to zero)";
/** The error for an integer literal a double cannot hold exactly. */
export const INTEGER_NOT_EXACT = "an integer is beyond 2^53 and cannot be kept exactly";

/** The walk's limit, and what it saw that only the text can judge. */
interface Walk {
  readonly maxDepth: number;
  /** A 0: maybe nonzero digits that underflowed (1e-400). */
  zero: boolean;
  /** A value past 2^53: maybe an integer literal a double cannot hold. */
  unsafe: boolean;
}

/**
 * The first problem in a parsed message, if any: nesting past `maxDepth` (so no handler
 * recurses without bound, the command itself being level 1), a `__proto__` key (a trap for
 * any code that merges objects), or a number JSON cannot carry exactly: overflow to
 * Infinity, nonzero digits that became 0, an integer literal beyond 2^53 (numbers written
 * with a fraction or an exponent are approximate by nature and pass).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { problemInMessage } from "./value_check.ts";
 * const text = '{"v":[1,1e-400]}';
 * assert.equal(problemInMessage([JSON.parse(text)], text, 32), "a number is out of range (too close to zero)");
 * assert.equal(problemInMessage([{ v: [0.5] }], '{"v":[0.5]}', 32), undefined);
 * ```
 */
export function problemInMessage(
  commands: readonly Command[],
  text: string,
  maxDepth: number,
): string | undefined {
  const walk: Walk = { maxDepth, zero: false, unsafe: false };
  for (const command of commands) {
    const problem = problemIn(command, 1, walk);
    if (problem) return problem;
  }
  // Underflow needs a negative exponent or more than 300 zeros: most texts with a 0 have
  // neither, and are not scanned.
  if (walk.unsafe || (walk.zero && MAYBE_UNDERFLOW.some((part) => text.includes(part)))) {
    return numberLiteralProblem(text);
  }
  return undefined;
}

function problemIn(value: object, depth: number, walk: Walk): string | undefined {
  if (depth > walk.maxDepth) return `a command is nested deeper than ${walk.maxDepth} levels`;
  // Members are checked by problemInMember, which makes no call for a number or a string:
  // a coloring page's state is an array of a thousand numbers.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = problemInMember(value[i], depth, walk);
      if (problem) return problem;
    }
    return undefined;
  }
  for (const key in value) {
    if (key === "__proto__") return 'the key "__proto__" is not allowed';
    const problem = problemInMember((value as Record<string, unknown>)[key], depth, walk);
    if (problem) return problem;
  }
  return undefined;
}

/** {@linkcode problemIn} for a member of a container at `depth`. */
function problemInMember(member: unknown, depth: number, walk: Walk): string | undefined {
  if (typeof member === "number") {
    // One test for the common case, a nonzero safe number (and so finite).
    if (member !== 0 && member <= Number.MAX_SAFE_INTEGER && member >= -Number.MAX_SAFE_INTEGER) {
      return undefined;
    }
    // Infinity - Infinity is NaN: one subtraction tells a finite number.
    if (member - member !== 0) return NUMBER_OUT_OF_RANGE;
    // Only the text tells 0 from 1e-400, or 2**60 from 1152921504606846977.
    if (member === 0) walk.zero = true;
    else walk.unsafe = true;
    return undefined;
  }
  if (typeof member !== "object" || member === null) return undefined;
  return problemIn(member, depth + 1, walk);
}

const MAYBE_UNDERFLOW = ["e-", "E-", "0".repeat(300)];
// Strings are matched whole, so a number inside one is never taken for a literal.
const LITERALS = /"(?:[^"\\]|\\.)*"|(-?\d+(\.\d+)?)([eE][+-]?\d+)?/g;

/** Reads the number literals of valid JSON text for the ones a double cannot carry. */
function numberLiteralProblem(text: string): string | undefined {
  for (const [literal, mantissa, fraction, exponent] of text.matchAll(LITERALS)) {
    if (mantissa === undefined) continue; // a string
    const value = Number(literal);
    if (value === 0 && /[1-9]/.test(mantissa)) return NUMBER_UNDERFLOW;
    if (fraction === undefined && exponent === undefined && !Number.isSafeInteger(value)) {
      return INTEGER_NOT_EXACT;
    }
  }
  return undefined;
}
