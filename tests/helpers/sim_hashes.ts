/**
 * A script, run as a child process by the determinism test: prints the trace hash of a range
 * of seeds (`SIM_HASH_SEEDS`, default 30) of both scenarios, one `scenario seed hash` a line,
 * so that the other runtime's hashes can be compared with this one's.
 */
import process from "node:process";
import { traceHashes } from "./sim_apps.ts";

for (const line of await traceHashes(Number(process.env.SIM_HASH_SEEDS ?? 30))) console.log(line);
