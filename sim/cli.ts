/**
 * `npm run sim` / `deno task sim`: replays one simulated run from its seed and prints what
 * happened. Example: `SIM_SEED=1234 npm run sim`; or replays a fault list:
 * `SIM_REPLAY=targeted:3:drop-recipient:c5.half-close=50 npm run sim`; or runs many seeds:
 * `npm run sim -- --seeds 100000`.
 *
 * @module
 */
import process from "node:process";
import { replay } from "./scenarios/replay.ts";
import { replayList } from "./scenarios/replay_list.ts";
import { longRunMain } from "./scenarios/long_run_cli.ts";

const print = (line: string) => console.log(line);
const args = process.argv.slice(2);
process.exitCode = args.length > 0
  ? await longRunMain(args, {
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
  })
  : process.env.SIM_REPLAY
  ? await replayList(process.env.SIM_REPLAY, print)
  : await replay(process.env, print);
