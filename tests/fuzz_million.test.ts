/**
 * The million-message fuzzer (`bench/fuzz_million.ts`) at 20,000 messages per seed: mutated
 * and random messages from 8 clients, split at random, through the real parser and server
 * core. No crash, no error to anyone but its sender, no delivery outside the sender's rooms,
 * every message sent parses, and (where a GC can be called) the heap back near its start.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runInNewContext } from "node:vm";
import v8 from "node:v8";
import { fuzzMillion } from "../bench/fuzz_million.ts";
import { fuzzSeeds } from "./helpers/fuzz_random.ts";

/** Node can expose its GC at run time; Deno needs `--v8-flags=--expose-gc`. */
function exposeGc(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed || typeof Deno !== "undefined") return exposed;
  v8.setFlagsFromString("--expose-gc");
  return runInNewContext("gc");
}

for (const seed of fuzzSeeds(2)) {
  test(`20,000 fuzzed messages (seed ${seed}): no crash, errors to the sender alone`, async () => {
    const report = await fuzzMillion({ messages: 20_000, seed, gc: exposeGc() });
    assert.deepEqual(report.crashes, []);
    assert.deepEqual(report.violations.slice(0, 5), []);
    // The mix reached the server: good commands, refusals of many kinds, and resets.
    assert.ok(
      report.kinds.valid > 5000 && report.kinds.badUtf8 > 200,
      JSON.stringify(report.kinds),
    );
    const kinds = Object.keys(report.errors);
    for (
      const error of [
        "message is not valid UTF-8",
        "message is not valid JSON",
        "a number is out of range",
      ]
    ) {
      assert.ok(kinds.includes(error), `${error} in ${kinds.join("; ")}`);
    }
    const { before, gone } = report.heap;
    if (before !== undefined && gone !== undefined) {
      assert.ok(gone - before < 8 * 2 ** 20, `heap ${before} before, ${gone} after`);
    }
  });
}
