/**
 * The simulator runs the real connection layer: its promises are invariants, and a bug
 * planted in the layer is caught by them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { LayerConnection, Socket, SocketConnectionOptions } from "../mod.ts";
import { Simulation } from "../sim/mod.ts";
import { uncountedHeldBytes, writeThrough } from "../sim/scenarios/planted.ts";
import { assertClean, lobbyApplication } from "./helpers/sim_apps.ts";

type Connect = (socket: Socket, options: SocketConnectionOptions) => LayerConnection;

/** A talker saying ten things per message, every 5 ms, to a room with a reader that stopped. */
async function stalledRoom(seed: number, connect?: Connect) {
  const sim = new Simulation({
    seed,
    application: lobbyApplication(),
    connect,
    logLevel: "info",
    server: {
      limits: { highWaterMarkBytes: 512, maxBufferedBytes: 4096, drainWaitMs: 10 },
    },
  });
  const stalled = sim.client({ link: { windowBytes: 256, highWaterMark: 0 } }).pauseReading(0);
  const talker = sim.client();
  const say = (n: number) =>
    Array.from({ length: 10 }, (_, k) => ({ code: "say", n, k, pad: "p".repeat(200) }));
  for (let n = 0; n < 10; n++) talker.send(10 + 5 * n, say(n));
  const report = await sim.run({ shutdownAtMs: 200 });
  return { sim, report, stalled, talker };
}

const brokenBy = (report: { violations: readonly { invariant: string }[] }) => [
  ...new Set(report.violations.map((violation) => violation.invariant)),
];

test("the real layer keeps its cap: the stalled reader is cut at maxBufferedBytes", async () => {
  const { sim, report, stalled } = await stalledRoom(61);
  assertClean(report);
  assert.ok(stalled.link.maxUnsentOnBacklog > 0, "writes found a backlog");
  assert.ok(stalled.link.maxUnsentOnBacklog <= 4096);
  const cut = sim.records.logged.find((line) => /reason="buffer over hard cap"/.test(line.message));
  assert.ok(cut, "the stalled reader was cut by the cap");
});

test("planted in the layer: held bytes not counted pass the cap, and the simulator says so", async () => {
  const { report } = await stalledRoom(61, uncountedHeldBytes);
  assert.deepEqual(brokenBy(report), ["transport layer"]);
  assert.match(report.violations[0].message, /left \d+ bytes unsent \(cap 4096\)/);
});

test("planted in the layer: every write flushed alone breaks batching, and is caught", async () => {
  const { report } = await stalledRoom(61, writeThrough);
  assert.ok(brokenBy(report).includes("transport layer"), JSON.stringify(brokenBy(report)));
  assert.ok(
    report.violations.some((violation) =>
      /socket write \d+ of one iteration/.test(violation.message)
    ),
  );
});

test("a talker's ten answers of one turn leave as one socket write", async () => {
  const { report, talker } = await stalledRoom(62);
  assertClean(report);
  // Each message of ten says is one turn: ten deliveries to the talker, one write.
  assert.ok(talker.link.counts.socketWrites <= 1 + 10 + 1, `${talker.link.counts.socketWrites}`);
  assert.ok(talker.link.writes >= 100);
});
