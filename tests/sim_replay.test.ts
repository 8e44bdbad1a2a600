/**
 * Replaying a seed: `npm run sim` prints the seed, the fault mix, the violations, the logs of
 * the clients they name, and the command that replays it; on both runtimes, as a process.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { replay } from "../sim/scenarios/replay.ts";
import { ROOT } from "./helpers/cli_process.ts";

async function replayed(env: Record<string, string | undefined>) {
  const lines: string[] = [];
  const code = await replay(env, (line) => lines.push(line));
  return { code, text: lines.join("\n") };
}

/** Runs a script of this repository on the runtime the tests run on. */
function runScript(script: string, env: Record<string, string>) {
  const onDeno = typeof Deno !== "undefined";
  const [command, ...args] = onDeno
    ? [Deno.execPath(), "run", "--allow-env", "--allow-read", script]
    : [process.execPath, "--import", "tsx", script];
  const child = spawnSync(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

test("a failing seed replays with its violations, the failing client's log and the command", async () => {
  const { code, text } = await replayed({ SIM_SEED: "101", SIM_PLANT: "wrong-index" });
  assert.equal(code, 1);
  assert.match(text, /^seed 101, faults: delay<=\d+ms .*planted bug: wrong-index/);
  assert.match(
    text,
    /\[per-index delivery\] c\d at [\d.]+ms: message \d+ is .*the core addressed it to c\d/,
  );
  assert.match(text, /\[hidden information\] c\d: received the secret of c\d/);
  // The failing client's log: raw reads, what each decoded to, and what the core addressed.
  assert.match(text, /client c\d \(index \d+\), link closed: delay up \d+ms/);
  assert.match(text, /\n\s+[\d.]+ {2}read +\d+B {2}\[\{"code":/);
  assert.match(text, /\n\s+=> \[\{"code":"secret"/);
  assert.match(text, /the core addressed \d+ deliveries to index \d+:/);
  assert.match(text, /\nreplay: SIM_SEED=101 SIM_PLANT=wrong-index npm run sim$/);
});

test("a clean seed replays with exit code 0; SIM_TRACE and SIM_CLIENT show more", async () => {
  const { code, text } = await replayed({ SIM_SEED: "5", SIM_TRACE: "1", SIM_CLIENT: "c1" });
  assert.equal(code, 0);
  assert.match(text, /^seed 5, faults: .*\nok: \d+ clients, \d+ events/);
  assert.match(text, /\n +[\d.]+ c1 connect\n/);
  assert.match(text, /\n +[\d.]+ core send \[/);
  assert.match(text, /\nclient c1 \(index (\d+|none)\)/);
  assert.match(text, /\nreplay: SIM_SEED=5 npm run sim$/);
});

test("the same seed prints the same replay, twice", async () => {
  const first = await replayed({ SIM_SEED: "42", SIM_TRACE: "1" });
  const second = await replayed({ SIM_SEED: "42", SIM_TRACE: "1" });
  assert.equal(first.text, second.text);
});

test("a missing or bad seed prints the usage", async () => {
  for (const env of [{}, { SIM_SEED: "x" }, { SIM_SEED: "1", SIM_PLANT: "no-such-bug" }]) {
    const { code, text } = await replayed(env);
    assert.equal(code, 2);
    assert.match(text, /^usage: SIM_SEED=<integer>/);
    assert.match(
      text,
      /planted bugs: sequential-drain, drop-recipient, wrong-index, forgetful-controller/,
    );
  }
});

test("sim/cli.ts, as a process on this runtime, replays a seed and exits 1 on a violation", () => {
  const { code, stdout, stderr } = runScript("sim/cli.ts", {
    SIM_SEED: "103",
    SIM_PLANT: "drop-recipient",
  });
  assert.equal(code, 1, stderr);
  assert.match(stdout, /^seed 103, faults: /);
  assert.match(stdout, /\[per-index delivery\] c\d/);
  assert.match(stdout, /replay: SIM_SEED=103 SIM_PLANT=drop-recipient npm run sim\n$/);
});

test("an unhandled rejection in a controller is reported as an escaped error", () => {
  const { code, stdout, stderr } = runScript("tests/helpers/sim_stray_rejection.ts", {});
  assert.equal(code, 0, stderr);
  assert.equal(
    stdout.trim(),
    "[no escaped errors] unhandled rejection: Error: nobody waits for me",
  );
});
