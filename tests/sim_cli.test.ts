/**
 * The simulator's command line as a newcomer meets it (`npm run sim`, `deno task sim`): a
 * scenario or a planted bug without a seed runs a range of seeds, every mistake gets its own
 * message, and the replay lines name the command that was typed. And `npm run bench --
 * --help`, which lists the benchmarks and their flags instead of starting them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { replay } from "../sim/scenarios/replay.ts";
import { DEFAULT_SEEDS, readReplayRequest } from "../sim/scenarios/replay_request.ts";
import { ROOT } from "./helpers/cli_process.ts";

async function replayed(env: Record<string, string>, runner?: string) {
  const lines: string[] = [];
  const code = await replay(env, (line) => lines.push(line), runner);
  return { code, lines, text: lines.join("\n") };
}

/** sim/cli.ts with `args`, as a process on the runtime the tests run on. */
function simCli(args: string[], env: Record<string, string>) {
  const onDeno = typeof Deno !== "undefined";
  const [command, ...runtimeArgs] = onDeno
    ? [Deno.execPath(), "run", "--allow-env", "--allow-read"]
    : [process.execPath, "--import", "tsx"];
  const child = spawnSync(command, [...runtimeArgs, "sim/cli.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, SIM_SEED: "", SIM_PLANT: "", SIM_SCENARIO: "", ...env },
    encoding: "utf8",
  });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

test("a scenario without a seed runs the default seeds, one line each", async () => {
  const { code, lines } = await replayed({ SIM_SCENARIO: "cards" });
  assert.equal(code, 0);
  assert.equal(lines[0], `scenario cards, seeds ${DEFAULT_SEEDS.join(", ")}:`);
  const seeds = lines.filter((line) => /^ {2}seed \d+: ok: \d+ clients/.test(line));
  assert.equal(seeds.length, DEFAULT_SEEDS.length);
  assert.match(lines.at(-1) ?? "", /^all 10 seeds ok; SIM_SEED=<n> replays one in full$/);
});

test("a planted bug without a seed: each failing seed with its first violation and replay", async () => {
  const { code, text } = await replayed({ SIM_PLANT: "drop-recipient" }, "deno task sim");
  assert.equal(code, 1);
  assert.match(text, /^scenario targeted, planted bug drop-recipient, seeds 1, 2/);
  assert.match(text, /\n {2}seed \d+: \d+ violation\(s\), first \[per-index delivery\]/);
  assert.match(text, /\n {4}replay: SIM_SEED=\d+ SIM_PLANT=drop-recipient deno task sim\n/);
  assert.match(text, /\n\d+ of 10 seeds failed; replay one to see its client logs$/);
});

test("unknown names and bad seeds get a message of their own, after the usage", async () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ SIM_SCENARIO: "chess" }, /^unknown scenario "chess"; the scenarios are swarm, targeted, /],
    [{ SIM_PLANT: "nope" }, /^unknown planted bug "nope" for scenario targeted; its planted bugs/],
    [
      { SIM_SCENARIO: "connect-storm", SIM_PLANT: "x" },
      /^unknown planted bug "x" for scenario connect-storm; it has no planted bugs$/,
    ],
    [{ SIM_SEED: "-3" }, /^SIM_SEED must be an integer >= 0, not "-3"$/],
    [{ SIM_SEED: "1.5" }, /^SIM_SEED must be an integer >= 0, not "1.5"$/],
  ];
  for (const [env, message] of cases) {
    const request = readReplayRequest(env);
    assert.equal(request.kind, "usage");
    assert.match(request.kind === "usage" ? request.problem ?? "" : "", message);
    const { code, lines } = await replayed(env, "deno task sim");
    assert.equal(code, 2);
    assert.match(lines[0], /^usage: SIM_SEED=<integer> .* deno task sim$/);
    assert.match(lines.at(-1) ?? "", new RegExp(`^\\nerror: ${message.source.slice(1)}`));
  }
});

test("sim/cli.ts: --deno-task names deno task sim in the replay line; --help prints the usage", () => {
  const replayedByDeno = simCli(["--deno-task"], { SIM_SEED: "5" });
  assert.equal(replayedByDeno.code, 0, replayedByDeno.stderr);
  assert.match(replayedByDeno.stdout, /\nreplay: SIM_SEED=5 deno task sim\n$/);
  const help = simCli(["--help"], {});
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^usage: SIM_SEED=<integer> .* npm run sim\n {2}without SIM_SEED/);
  const wrong = simCli(["--seed", "5"], {});
  assert.equal(wrong.code, 2);
  assert.match(
    wrong.stdout,
    /\nerror: unknown argument --seed \(the options are SIM_\* variables\)\n$/,
  );
});

test("bench/run.sh --help lists every benchmark and its flags, and starts none", {
  // `npm run bench`'s script, run by bash: not on a machine with only Deno.
  skip: typeof Deno !== "undefined" && "npm run bench's script; runs on Node",
}, () => {
  const help = spawnSync("bash", ["bench/run.sh", "--help"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(help.status, 0, help.stderr);
  for (const name of ["fanout", "parser", "memory", "sim", "stalled-reader"]) {
    assert.match(help.stdout, new RegExp(`\\n {2}${name} +\\S`), name);
  }
  assert.match(help.stdout, /--clients 10,100,500/);
  assert.doesNotMatch(help.stdout, /open-file limit/); // nothing started
  const unknown = spawnSync("bash", ["bench/run.sh", "fanuot"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /^unknown benchmark or option: fanuot\n/);
});
