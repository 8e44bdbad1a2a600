/**
 * The size of a state measured from the state it replaces: a list that shares its elements
 * with the stored one costs the elements that changed, not the whole list.
 *
 * @module
 */
import type { JsonValue } from "../core/types.ts";
import { serializeState, stateTooLarge, utf8Length } from "./store_limits.ts";

/**
 * Past this many elements to measure one by one, serializing the whole list at once is
 * cheaper (a list parsed afresh from a client shares none of its elements).
 */
const MAX_PIECES = 16;

/** A state's size in UTF-8 bytes of JSON, and its text when measuring it meant writing it. */
export interface StateSize {
  readonly bytes: number;
  readonly text: string | undefined;
}

/**
 * The sizes of the states one store measured, kept beside them (weakly: a state no longer
 * held is forgotten; lists only, the states measured this way), so that a list built from a stored one (copied, then an element set,
 * added or removed) is measured by the elements that differ: `[` and `]`, the elements'
 * JSON and a comma between each two, added up. The result is the exact length of the
 * list's JSON, as long as stored states are not changed in place, which the
 * {@linkcode StateStore} contract rules out; the very list stored, set again, is measured anew.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StateSizes } from "./state_sizes.ts";
 * const sizes = new StateSizes();
 * const list = [{ a: "é" }, ..."x".repeat(500)]; // 2 + 10 + 500 * 4 bytes
 * assert.equal(sizes.measure(list, 3000).bytes, 2012);
 * const next = [...list, 23]; // a copy, one element added: measured, not serialized
 * assert.deepEqual(sizes.measure(next, 3000, list), { bytes: 2015, text: undefined });
 * assert.equal(new TextEncoder().encode(JSON.stringify(next)).length, 2015);
 * assert.throws(() => sizes.measure([...next, "x".repeat(984)], 3000, next),
 *   /the state is too large \(3002 bytes of JSON; at most 3000\)/);
 * ```
 */
export class StateSizes {
  readonly #bytes = new WeakMap<object, number>();

  /**
   * The size of `next`, measured from `before` (the state it replaces) where that is
   * cheaper; throws a StateQuotaError, as {@linkcode serializeState} does, for a state larger
   * than `maxStateBytes`.
   */
  measure(next: JsonValue, maxStateBytes: number, before?: JsonValue): StateSize {
    const known = Array.isArray(next) && Array.isArray(before) && next !== before
      ? this.#bytes.get(before)
      : undefined;
    const bytes = known === undefined
      ? undefined
      : listBytes(next as JsonValue[], before as JsonValue[], known);
    if (bytes === undefined) {
      const measured = serializeState(next, maxStateBytes);
      this.#remember(next, measured.bytes);
      return measured;
    }
    if (bytes > maxStateBytes) throw stateTooLarge(bytes, maxStateBytes);
    this.#remember(next, bytes);
    return { bytes, text: undefined };
  }

  #remember(state: JsonValue, bytes: number): void {
    // An object is not kept: a WeakMap entry for each save would cost more than it saves.
    if (Array.isArray(state)) this.#bytes.set(state, bytes);
  }
}

/**
 * The JSON size of `next` from that of `before`, or undefined when too many elements differ
 * to be worth measuring one by one.
 */
function listBytes(
  next: readonly JsonValue[],
  before: readonly JsonValue[],
  beforeBytes: number,
): number | undefined {
  const common = Math.min(next.length, before.length);
  let pieces = next.length + before.length - 2 * common;
  if (pieces > MAX_PIECES) return undefined;
  const changed: number[] = [];
  for (let i = 0; i < common; i++) {
    if (next[i] === before[i]) continue;
    if (++pieces > MAX_PIECES) return undefined;
    changed.push(i);
  }
  // JSON of a list: its brackets, its elements, and a comma between each two.
  let bytes = beforeBytes + commas(next.length) - commas(before.length);
  for (const i of changed) bytes += elementBytes(next[i]) - elementBytes(before[i]);
  for (let i = common; i < next.length; i++) bytes += elementBytes(next[i]);
  for (let i = common; i < before.length; i++) bytes -= elementBytes(before[i]);
  return bytes;
}

function commas(length: number): number {
  return length > 0 ? length - 1 : 0;
}

/** An element's JSON size; what JSON cannot say (`undefined` in a hole) is written `null`. */
function elementBytes(element: JsonValue): number {
  // A number, the usual element (a colour, a position), is written as String writes it, in
  // ASCII; NaN and the infinities are written `null`.
  if (typeof element === "number") return Number.isFinite(element) ? String(element).length : 4;
  return utf8Length(JSON.stringify(element) ?? "null");
}
