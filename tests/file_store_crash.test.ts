/**
 * A FileStore killed (SIGKILL) in the middle of a save flood: reopened, it holds every
 * acknowledged save, whole, and no temp file. The process is the store alone, no server.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { FileStore } from "../src/store/file_store.ts";
import { CliProcess, type CliRuntime } from "./helpers/cli_process.ts";
import { floodState } from "./helpers/save_flood.ts";
import { withTempDir } from "./helpers/temp_dir.ts";

const onDeno = typeof Deno !== "undefined";
const SCRIPT = "tests/helpers/save_flood.ts";
const RUNTIMES: CliRuntime[] = [
  { name: "node", command: "node", args: ["--import", "tsx", SCRIPT], skip: false },
  {
    name: "deno",
    command: onDeno ? Deno.execPath() : "node_modules/.bin/deno",
    args: ["run", "--allow-read", "--allow-write", "--allow-env", SCRIPT],
    skip: !onDeno && "runs when the tests run on Deno",
  },
];

for (const runtime of RUNTIMES) {
  for (const seed of [1, 2]) {
    test(
      `FileStore on ${runtime.name}, killed during saves (seed ${seed}): every acknowledged save is kept`,
      {
        skip: runtime.skip,
      },
      async () => {
        await withTempDir(async (directory) => {
          const child = new CliProcess(runtime, [directory, String(seed)]);
          try {
            await child.line(/^ready$/);
            // Kill at a moment that depends on the seed, well into the flood.
            await child.line(new RegExp(`^ack k\\d+ ${150 + seed * 37}$`));
          } finally {
            await child.stop();
          }
          const acknowledged = new Map<string, number>();
          for (const line of child.stdout) {
            const [, key, n] = line.match(/^ack (k\d+) (\d+)$/) ?? [];
            if (key) acknowledged.set(key, Math.max(acknowledged.get(key) ?? -1, Number(n)));
          }
          assert.ok(acknowledged.size > 0, child.output());
          const store = await FileStore.open(directory);
          for (const [key, n] of acknowledged) {
            const state = await store.get(key) as { n: number };
            assert.ok(state.n >= n, `${key}: ${state.n} stored, ${n} acknowledged`);
            assert.deepEqual(state, floodState(state.n), `${key} is whole`);
          }
          const files = await readdir(directory);
          assert.deepEqual(files.filter((name) => !name.startsWith("h_")), [], "no temp file left");
        });
      },
    );
  }
}
