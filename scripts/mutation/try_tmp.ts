import { ENTRANCE_MUTANTS } from "./mutants_entrance.ts";
import { HELD_OUT_7 } from "./heldout7.ts";
import { runMutant } from "./runner.ts";
const only = process.argv[2] ?? "edge-http";
const ids = process.argv.slice(3);
const all = [
  ...ENTRANCE_MUTANTS,
  ...HELD_OUT_7.filter((m) =>
    ["h7-echo-no-status-code", "h7-upgrade-keeps-head-timer"].includes(m.id)
  ),
];
for (const m of all) {
  if (ids.length && !ids.includes(m.id)) continue;
  const o = await runMutant(m, { only });
  console.log(
    o.verdict.padEnd(8),
    m.id.padEnd(28),
    o.invariants.join(","),
    o.ms,
    o.detail.slice(0, 200),
  );
}
