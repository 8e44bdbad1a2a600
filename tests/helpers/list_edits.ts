/**
 * Random edits of a stored list, as games make them: read the list, copy it, set, add or
 * drop elements, write the copy. The stores measure such a copy by the elements that differ
 * from the stored list, so these edits are what checks that measure against the JSON.
 */
import type { JsonValue } from "../../mod.ts";
import { Fuzz } from "./fuzz_random.ts";

/** Elements of every kind and width: ASCII, 2-, 3- and 4-byte UTF-8, escapes, nesting. */
function element(fuzz: Fuzz): JsonValue {
  switch (fuzz.int(0, 7)) {
    case 0:
      // With numbers whose JSON is not plain digits: exponents, the extremes (not -0: JSON
      // gives it back as 0, and a store that keeps JSON text would not return it as given).
      if (fuzz.chance(0.2)) return fuzz.pick([1e21, -1.5e-7, Number.MAX_VALUE, 5e-324]);
      return fuzz.int(-1000, 1_000_000) / fuzz.pick([1, 7, 1000]);
    case 1:
      return fuzz.pick(["é", "日本", "🎲", "\uD800", 'a"\\\n', ""]).repeat(fuzz.int(1, 20));
    case 2:
      return null;
    case 3:
      return fuzz.chance(0.5);
    case 4:
      return { at: fuzz.int(0, 99), name: fuzz.pick(["x", "ü", "🎲"]), list: [1, [2]] };
    case 5:
      return [fuzz.int(0, 9), "é", { deep: [null] }];
    default:
      return fuzz.int(0, 99);
  }
}

/** `list` with one random edit, a new list; sometimes the very list given (set again). */
export function editList(fuzz: Fuzz, list: readonly JsonValue[]): JsonValue[] {
  const next = list.slice();
  switch (fuzz.int(0, 9)) {
    case 0: // several elements set at once
      for (let n = fuzz.int(2, 30); n > 0 && next.length > 0; n--) {
        next[fuzz.int(0, next.length - 1)] = element(fuzz);
      }
      return next;
    case 1: // padded with zeros up to an index past the end, as the rooms game does
      for (let pad = fuzz.int(1, 25); pad > 0; pad--) next.push(0);
      next.push(element(fuzz));
      return next;
    case 2: // shortened by a few
      return next.slice(0, Math.max(0, next.length - fuzz.int(1, 6)));
    case 3: // an element replaced by an equal copy: another object, the same JSON
      if (next.length > 0) {
        const at = fuzz.int(0, next.length - 1);
        next[at] = JSON.parse(JSON.stringify(next[at]));
      }
      return next;
    case 4: // the whole list afresh, as if parsed from a client
      return JSON.parse(JSON.stringify(next));
    case 5:
      return list as JsonValue[];
    case 6:
    case 7:
      next.push(element(fuzz));
      return next;
    default:
      if (next.length === 0) next.push(element(fuzz));
      else next[fuzz.int(0, next.length - 1)] = element(fuzz);
      return next;
  }
}

/** The UTF-8 length of a state's JSON, measured the plain way. */
export function jsonBytes(state: JsonValue): number {
  return new TextEncoder().encode(JSON.stringify(state)).length;
}

export { Fuzz };
