/**
 * `npm run sim` / `deno task sim`: replays one simulated run from its seed and prints what
 * happened, or runs seeds 1-10 of a scenario or a planted bug named without a seed. Example:
 * `SIM_SEED=1234 npm run sim`; `npm run sim -- --help` prints the usage. `--deno-task` (the
 * `deno task sim` task passes it) makes the replay lines say `deno task sim`.
 *
 * @module
 */
import process from "node:process";
import { NPM_SIM, replay } from "./scenarios/replay.ts";
import { usageLines } from "./scenarios/replay_request.ts";

const args = process.argv.slice(2);
const runner = args.includes("--deno-task") ? "deno task sim" : NPM_SIM;
const unknown = args.filter((arg) => !["--deno-task", "--help", "-h"].includes(arg));
const print = (line: string) => console.log(line);
if (args.includes("--help") || args.includes("-h") || unknown.length > 0) {
  for (const line of usageLines(runner)) print(line);
  if (unknown.length > 0) {
    print(`\nerror: unknown argument ${unknown[0]} (the options are SIM_* variables)`);
  }
  process.exitCode = unknown.length > 0 ? 2 : 0;
} else {
  process.exitCode = await replay(process.env, print, runner);
}
