/**
 * What the protocol refuses inside well-formed JSON, worked out apart from the core's parser
 * (so a bug there cannot change the oracle): nesting deeper than the limit, the key
 * `__proto__`, and numbers a double cannot carry.
 *
 * @module
 */

/**
 * The error the protocol gives a message of valid JSON whose commands are `commands`, or
 * undefined when it is fine. `text` is the message as sent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { valueProblem } from "./value_problems.ts";
 * const text = '{"code":"x","n":1e-400}';
 * assert.equal(valueProblem([JSON.parse(text)], text, 32), "a number is out of range (too close to zero)");
 * assert.equal(valueProblem([{ a: { b: 1 } }], "", 2), "a command is nested deeper than 2 levels");
 * assert.equal(valueProblem([{ a: [1] }], '{"a":[1]}', 2), undefined);
 * ```
 */
export function valueProblem(
  commands: readonly object[],
  text: string,
  maxDepth: number,
): string | undefined {
  for (const command of commands) {
    const problem = walk(command, 1, maxDepth);
    if (problem) return problem;
  }
  return literalProblem(text);
}

function walk(value: unknown, depth: number, maxDepth: number): string | undefined {
  if (typeof value === "number" && !Number.isFinite(value)) return "a number is out of range";
  if (typeof value !== "object" || value === null) return undefined;
  if (depth > maxDepth) return `a command is nested deeper than ${maxDepth} levels`;
  if (!Array.isArray(value) && Object.hasOwn(value, "__proto__")) {
    return 'the key "__proto__" is not allowed';
  }
  for (const member of Object.values(value)) {
    const problem = walk(member, depth + 1, maxDepth);
    if (problem) return problem;
  }
  return undefined;
}

/** Scans the number literals outside strings, character by character. */
function literalProblem(text: string): string | undefined {
  let inString = false;
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (inString) {
      if (char === "\\") at++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') {
      inString = true;
      continue;
    }
    if (char !== "-" && !(char >= "0" && char <= "9")) continue;
    let end = at + 1;
    while (end < text.length && /[0-9.eE+-]/.test(text[end])) end++;
    const literal = text.slice(at, end);
    at = end - 1;
    const [mantissa, exponent] = literal.split(/[eE]/);
    const value = Number(literal);
    if (value === 0 && /[1-9]/.test(mantissa)) {
      return "a number is out of range (too close to zero)";
    }
    if (exponent === undefined && !mantissa.includes(".") && !Number.isSafeInteger(value)) {
      return "an integer is beyond 2^53 and cannot be kept exactly";
    }
  }
  return undefined;
}
