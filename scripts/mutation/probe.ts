/**
 * Runs the probe's simulator runs in this process and prints one JSON line per run:
 * `{"run":..., "ok":..., "invariants":[...], "first":...}`. It stops at the first run with a
 * violation unless `--all` is given. The mutation runner starts it in a patched copy.
 *
 * @module
 */
import { probeRuns } from "./probe_runs.ts";

const all = process.argv.includes("--all");
const only = process.argv.find((arg) => arg.startsWith("--only="))?.slice(7);
for (const probe of probeRuns()) {
  if (only !== undefined && !probe.name.startsWith(only)) continue;
  const started = performance.now();
  const report = await probe.run();
  const invariants = [...new Set(report.violations.map((violation) => violation.invariant))];
  const first = report.violations[0];
  console.log(JSON.stringify({
    run: probe.name,
    ok: report.ok,
    invariants,
    first: first ? `${first.client ?? ""} ${first.message}`.slice(0, 300) : undefined,
    ms: Math.round(performance.now() - started),
  }));
  if (!report.ok && !all) break;
}
console.log(JSON.stringify({ done: true }));
