/**
 * The shape of a mutant: a precise textual patch of one file of `src/core` or `src/parser`.
 *
 * @module
 */

/** One replacement: `find` must occur exactly once in the file. */
export interface Patch {
  readonly find: string;
  readonly replace: string;
}

/** A realistic bug, as patches of one file. */
export interface Mutant {
  /** A short name, unique across both sets. */
  readonly id: string;
  /** The file, relative to the repository root. */
  readonly file: string;
  /** What the bug is, in words. */
  readonly description: string;
  readonly patches: readonly Patch[];
}

/**
 * Applies a mutant's patches to a file's text; throws when a snippet is missing or not unique
 * (the mutant is then invalid and must be fixed, never counted).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyPatches } from "./mutant.ts";
 * assert.equal(applyPatches("a < b", [{ find: "<", replace: "<=" }]), "a <= b");
 * assert.throws(() => applyPatches("a < b < c", [{ find: "<", replace: "<=" }]));
 * ```
 */
export function applyPatches(text: string, patches: readonly Patch[]): string {
  let out = text;
  for (const { find, replace } of patches) {
    const at = out.indexOf(find);
    if (at < 0) throw new Error(`snippet not found: ${JSON.stringify(find.slice(0, 60))}`);
    if (out.indexOf(find, at + 1) >= 0) {
      throw new Error(`snippet not unique: ${JSON.stringify(find.slice(0, 60))}`);
    }
    out = out.slice(0, at) + replace + out.slice(at + find.length);
  }
  return out;
}
