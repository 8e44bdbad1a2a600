/**
 * Long runs: seeds one after another with a progress line, a stop at the first failure with
 * its shrunk replay, and Ctrl-C saying where the run got to, in-process and as a process.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { formatProgress, runSeeds } from "../sim/scenarios/long_run.ts";
import { longRunMain, parseLongRun } from "../sim/scenarios/long_run_cli.ts";
import { CLI_WAIT_MS, CliProcess, type CliRuntime } from "./helpers/cli_process.ts";
import { within } from "./helpers/timeout.ts";

test("a long run stops at the first failing seed and tells it shrunk, with its replay", async () => {
  const lines: string[] = [];
  const code = await longRunMain(["--seeds", "20", "--plant", "wrong-index", "--from", "2"], {
    print: (line) => lines.push(line),
    progress: () => {},
    onInterrupt: () => {},
  });
  assert.equal(code, 1);
  const text = lines.join("\n");
  assert.match(text, /^seed 2, faults: .*planted bug: wrong-index/);
  assert.match(
    text,
    /shrunk from \d+ faults to \d+ in \d+ reruns; still fails "per-index delivery"/,
  );
  assert.match(text, /replay: SIM_REPLAY=targeted:2:wrong-index:\S* npm run sim/);
  assert.match(lines.at(-1)!, /^seeds 1\/20 \(5\.0%\) \| \S+ events\/s \| 1 failing \| /);
});

test("a long run of the real core passes, tells its progress, and stops when asked", async () => {
  const told: number[] = [];
  let calls = 0;
  const end = await runSeeds({
    scenario: "swarm",
    from: 1,
    count: 1000,
    everyMs: 0,
    progress: (progress) => told.push(progress.done),
    stop: () => ++calls > 12,
  });
  assert.equal(end.stopped, true);
  assert.equal(end.done, 12);
  assert.equal(end.next, 13);
  assert.equal(end.failures, 0);
  assert.ok(end.events > 12 * 50);
  assert.deepEqual(told, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.match(
    formatProgress(end),
    /^seeds 12\/1000 \(1\.2%\) \| \S+ events\/s \| 0 failing \| \S+ left$/,
  );
});

test("the flags of a long run are checked", () => {
  assert.deepEqual(parseLongRun(["--seeds", "5", "--plant", "drop-recipient", "--keep-going"]), {
    scenario: "targeted",
    from: 1,
    count: 5,
    keepGoing: true,
    plant: "drop-recipient",
  });
  for (
    const wrong of [[], ["--seeds", "0"], ["--seeds", "5", "--plant", "nope"], ["--nope", "1"], [
      "--seeds",
      "5",
      "--scenario",
      "nope",
    ]]
  ) {
    assert.equal(typeof parseLongRun(wrong), "string", wrong.join(" "));
  }
  assert.deepEqual(parseLongRun(["--seeds", "9", "--scenario", "cards", "--plant", "lazy-timer"]), {
    scenario: "cards",
    from: 1,
    count: 9,
    keepGoing: false,
    plant: "lazy-timer",
  });
  assert.equal(
    typeof parseLongRun(["--seeds", "9", "--scenario", "cards", "--plant", "nope"]),
    "string",
  );
});

test("npm run sim -- --seeds: Ctrl-C prints where the run got to and how to go on", async () => {
  const onDeno = typeof Deno !== "undefined";
  const runtime: CliRuntime = {
    name: onDeno ? "deno" : "node",
    command: onDeno ? Deno.execPath() : process.execPath,
    args: onDeno ? ["run", "--allow-env", "--allow-read", "sim/cli.ts"] : [
      "--import",
      "tsx",
      "sim/cli.ts",
    ],
    skip: false,
  };
  const cli = new CliProcess(runtime, ["--seeds", "100000"]);
  try {
    await within(
      (async () => {
        while (!cli.stderr.some((line) => line.startsWith("seeds "))) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })(),
      CLI_WAIT_MS,
      "a progress line",
    );
    cli.signal("SIGINT");
    assert.equal(await cli.exit(), 130, cli.output());
    const [, done, next] =
      (await cli.line(/^stopped after (\d+) seeds \(1 to \d+\).*--from (\d+)$/))
        .map(Number);
    assert.ok(done > 0);
    assert.equal(next, done + 1);
  } finally {
    await cli.stop();
  }
});
