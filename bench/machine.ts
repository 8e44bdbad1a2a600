/**
 * A one-line description of the machine a benchmark ran on, printed with every result.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import process from "node:process";
import { openFileLimit } from "./proc_stats.ts";
import { ROOT } from "./processes.ts";

/** CPU model and core count, Node and Deno versions, and the open-file limit. */
export function describeMachine(): string {
  const cores = cpus();
  const deno = spawnSync(`${ROOT}node_modules/.bin/deno`, ["--version"], { encoding: "utf8" });
  const denoVersion = deno.stdout?.split("\n")[0]?.replace(/^deno /, "").split(" ")[0] ?? "n/a";
  const files = openFileLimit();
  return [
    `${cores.length} cores (${cores[0]?.model.trim() ?? "unknown CPU"})`,
    `Node ${process.version}`,
    `Deno ${denoVersion}`,
    `open-file limit ${files ? `${files.soft} soft / ${files.hard} hard` : "n/a"}`,
  ].join(", ");
}
