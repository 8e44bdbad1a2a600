/**
 * `npm run sim` / `deno task sim`: replays one simulated run from its seed and prints what
 * happened. Example: `SIM_SEED=1234 npm run sim`.
 *
 * @module
 */
import process from "node:process";
import { replay } from "./scenarios/replay.ts";

process.exitCode = await replay(process.env, (line) => console.log(line));
