/**
 * `npm run sim` / `deno task sim`: replays one simulated run from its seed and prints what
 * happened. Example: `SIM_SEED=1234 npm run sim`; or replays a fault list:
 * `SIM_REPLAY=targeted:3:drop-recipient:c5.half-close=50 npm run sim`.
 *
 * @module
 */
import process from "node:process";
import { replay } from "./scenarios/replay.ts";
import { replayList } from "./scenarios/replay_list.ts";

const print = (line: string) => console.log(line);
process.exitCode = process.env.SIM_REPLAY
  ? await replayList(process.env.SIM_REPLAY, print)
  : await replay(process.env, print);
