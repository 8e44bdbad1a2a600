// Every mutant of every set still applies to the tree as it is: a change to the core that
// moves a mutant's snippet shows here, not as a silently smaller mutation score.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { applyPatches } from "../scripts/mutation/mutant.ts";
import { MUTANTS } from "../scripts/mutation/mutants.ts";
import { HELD_OUT } from "../scripts/mutation/heldout.ts";
import { HELD_OUT_2 } from "../scripts/mutation/heldout2.ts";
import { HELD_OUT_3 } from "../scripts/mutation/heldout3.ts";
import { HELD_OUT_4 } from "../scripts/mutation/heldout4.ts";
import { HELD_OUT_5 } from "../scripts/mutation/heldout5.ts";
import { HELD_OUT_6 } from "../scripts/mutation/heldout6.ts";
import { HELD_OUT_7 } from "../scripts/mutation/heldout7.ts";
import { HELD_OUT_8 } from "../scripts/mutation/heldout8.ts";
import { REPO_ROOT } from "../scripts/mutation/runner.ts";

const SETS = [
  ["main", MUTANTS],
  ["held-out", HELD_OUT],
  ["held-out2", HELD_OUT_2],
  ["held-out3", HELD_OUT_3],
  ["held-out4", HELD_OUT_4],
  ["held-out5", HELD_OUT_5],
  ["held-out6", HELD_OUT_6],
  ["held-out7", HELD_OUT_7],
  ["held-out8", HELD_OUT_8],
] as const;

for (const [set, mutants] of SETS) {
  test(`each mutant of the ${set} set applies once and changes its file`, () => {
    for (const mutant of mutants) {
      const text = readFileSync(`${REPO_ROOT}/${mutant.file}`, "utf8");
      const patched = applyPatches(text, mutant.patches);
      assert.notEqual(patched, text, mutant.id);
    }
    assert.equal(new Set(mutants.map((mutant) => mutant.id)).size, mutants.length);
  });
}
