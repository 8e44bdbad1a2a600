/**
 * Mutation testing of `src/core` and `src/parser` by the simulator alone:
 * `node --import tsx scripts/mutation/run.ts [--set main|held-out|held-out2|held-out3|held-out4|held-out5|held-out6|held-out7|held-out8|all] [--only <id>]`.
 * Prints one line per mutant, a table, and the score of each set.
 *
 * @module
 */
import { HELD_OUT } from "./heldout.ts";
import { HELD_OUT_2 } from "./heldout2.ts";
import { HELD_OUT_3 } from "./heldout3.ts";
import { HELD_OUT_4 } from "./heldout4.ts";
import { HELD_OUT_5 } from "./heldout5.ts";
import { HELD_OUT_6 } from "./heldout6.ts";
import { HELD_OUT_7 } from "./heldout7.ts";
import { HELD_OUT_8 } from "./heldout8.ts";
import { MUTANTS } from "./mutants.ts";
import type { Mutant } from "./mutant.ts";
import { type Outcome, runMutant } from "./runner.ts";

const args = process.argv.slice(2);
const value = (flag: string) => {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
};
const set = value("--set") ?? "all";
const only = value("--only");
const sets: [string, readonly Mutant[]][] = [];
if (set === "main" || set === "all") sets.push(["main", MUTANTS]);
if (set === "held-out" || set === "all") sets.push(["held-out", HELD_OUT]);
if (set === "held-out2" || set === "all") sets.push(["held-out2", HELD_OUT_2]);
if (set === "held-out3" || set === "all") sets.push(["held-out3", HELD_OUT_3]);
if (set === "held-out4" || set === "all") sets.push(["held-out4", HELD_OUT_4]);
if (set === "held-out5" || set === "all") sets.push(["held-out5", HELD_OUT_5]);
if (set === "held-out6" || set === "all") sets.push(["held-out6", HELD_OUT_6]);
if (set === "held-out7" || set === "all") sets.push(["held-out7", HELD_OUT_7]);
if (set === "held-out8" || set === "all") sets.push(["held-out8", HELD_OUT_8]);

const baseline = await runMutant(undefined);
if (baseline.verdict !== "missed") {
  console.error(
    `the unpatched core does not pass the probe: ${baseline.verdict} ${baseline.detail}`,
  );
  process.exit(1);
}
console.log(`baseline: every probe run passes (${baseline.ms} ms)`);
const scores: string[] = [];
for (const [name, mutants] of sets) {
  const outcomes: Outcome[] = [];
  for (const mutant of mutants) {
    if (only !== undefined && mutant.id !== only) continue;
    const outcome = await runMutant(mutant);
    outcomes.push(outcome);
    console.log(
      `${outcome.verdict.padEnd(8)} ${mutant.id.padEnd(28)} ${
        outcome.invariants.join(", ").padEnd(30)
      } ${String(outcome.ms).padStart(6)} ms  ${outcome.detail.slice(0, 140)}`,
    );
  }
  const caught = outcomes.filter((outcome) => outcome.verdict === "caught").length;
  const percent = outcomes.length === 0 ? 0 : (100 * caught) / outcomes.length;
  scores.push(`${name}: ${caught} of ${outcomes.length} caught (${percent.toFixed(1)}%)`);
  const missed = outcomes.filter((outcome) => outcome.verdict !== "caught");
  if (missed.length > 0) {
    scores.push(`  not caught: ${missed.map((o) => `${o.id} (${o.verdict})`).join(", ")}`);
  }
}
console.log(scores.join("\n"));
