/**
 * `npm run sim` / `deno task sim`: replays one simulated run from its seed and prints what
 * happened (`SIM_SEED=1234 npm run sim`), or runs seeds 1-10 of a scenario or a planted bug
 * named without a seed; replays a fault list
 * (`SIM_REPLAY=targeted:3:drop-recipient:c5.half-close=50 npm run sim`); or runs many seeds
 * with a live progress line (`npm run sim -- --seeds 100000`). `npm run sim -- --help`
 * prints the usage. `--deno-task` (the `deno task sim` task passes it) makes the replay
 * lines say `deno task sim`.
 *
 * @module
 */
import process from "node:process";
import { NPM_SIM, replay } from "./scenarios/replay.ts";
import { usageLines } from "./scenarios/replay_request.ts";
import { replayList } from "./scenarios/replay_list.ts";
import { longRunMain } from "./scenarios/long_run_cli.ts";

const LONG_RUN_FLAGS = ["--seeds", "--from", "--scenario", "--plant", "--keep-going"];

const args = process.argv.slice(2).filter((arg) => arg !== "--deno-task");
const runner = process.argv.includes("--deno-task") ? "deno task sim" : NPM_SIM;
const print = (line: string) => console.log(line);
const unknown = args.find((arg) => arg.startsWith("-") && !LONG_RUN_FLAGS.includes(arg));
if (args.includes("--help") || args.includes("-h") || unknown !== undefined) {
  for (const line of usageLines(runner)) print(line);
  print("  or: npm run sim -- --seeds <n> [--from <seed>] [--scenario <name>] [--plant <bug>]");
  if (unknown !== undefined && unknown !== "--help" && unknown !== "-h") {
    print(`\nerror: unknown argument ${unknown} (the options are SIM_* variables)`);
    process.exitCode = 2;
  }
} else if (args.length > 0) {
  process.exitCode = await longRunMain(args, {
    print,
    progress: (line) => {
      if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${line}`);
      else if (line) process.stderr.write(`${line}\n`);
    },
    onInterrupt: (stop) => {
      // The first Ctrl-C stops after the seed that runs; a second one at once.
      let interrupts = 0;
      process.on("SIGINT", () => ++interrupts === 1 ? stop() : process.exit(130));
    },
  });
} else {
  process.exitCode = process.env.SIM_REPLAY
    ? await replayList(process.env.SIM_REPLAY, print)
    : await replay(process.env, print, runner);
}
