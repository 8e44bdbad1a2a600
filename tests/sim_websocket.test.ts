/**
 * WebSocket clients in the simulator: TCP, message-mode and stream-mode clients in the same
 * rooms, through the real entrance, HTTP upgrade and WebSocket socket, under every invariant;
 * the client's own frame reader and reference decoder; and two bugs planted on the WebSocket
 * path that the invariants must catch.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { Application, deliver } from "../mod.ts";
import { ClientFrameReader, readMessage, ReferenceDecoder, Simulation } from "../sim/mod.ts";
import { runSpec } from "../sim/scenarios/replay.ts";
import { WEBSOCKET_PLANTS } from "../sim/scenarios/ws_planted.ts";
import { ROOT } from "./helpers/cli_process.ts";
import { assertClean } from "./helpers/sim_apps.ts";
import { webSocketSwarmSeeds, type WebSocketSwarmSummary } from "./helpers/sim_ws_seeds.ts";

/** Seeds of the mixed swarm (each also replayed from its fault list), and of each plant. */
const SEEDS = 200;
const PLANT_SEEDS = 25;

test(`ws-swarm: ${SEEDS} seeds of TCP, ws-message and ws-stream clients in one room keep every invariant; ${PLANT_SEEDS} seeds catch each planted WebSocket bug`, async () => {
  let summary: WebSocketSwarmSummary;
  if (typeof Deno !== "undefined") summary = await webSocketSwarmSeeds(SEEDS, PLANT_SEEDS);
  else {
    const child = spawnSync(
      process.execPath,
      ["--import", "tsx", "tests/helpers/sim_ws_seeds.ts"],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          SIM_WS_SEEDS: String(SEEDS),
          SIM_WS_PLANT_SEEDS: String(PLANT_SEEDS),
        },
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    assert.equal(child.status, 0, child.stderr);
    summary = JSON.parse(child.stdout);
  }
  assert.deepEqual(summary.diverged, [], "a seed replayed from its fault list traced differently");
  assert.deepEqual(summary.failures, [], summary.failures.join("\n\n"));
  for (const [what, count] of Object.entries(summary.seen)) {
    assert.ok(count > 0, `no seed exercised ${what}: ${JSON.stringify(summary.seen)}`);
  }
  for (const [name, { missed, caughtBy }] of Object.entries(summary.plants)) {
    assert.deepEqual(missed, [], `${name} slipped through these seeds`);
    const expected = [...WEBSOCKET_PLANTS[name as keyof typeof WEBSOCKET_PLANTS].caughtBy].sort();
    for (const caught of caughtBy) assert.deepEqual(caught, expected, name);
  }
});

test("determinism: a ws-swarm seed traces the same on Node and on Deno", async () => {
  // Both runtimes check this value; if the core's behaviour changes on purpose, update it.
  const run = await runSpec({ seed: 5, scenario: "ws-swarm" });
  assertClean(run.report);
  assert.equal(run.report.traceHash, "53580137");
  assert.ok(run.sim.clients.some((client) => client.protocol === "ws-stream"));
});

test("a WebSocket client answers the server's keep-alive pings and stays connected", async () => {
  const sim = new Simulation({
    seed: 3,
    application: new Application({
      storage: null,
      defaultController: { handleCommand: (command, { index }) => deliver([index], command) },
    }),
    websocket: { pingIntervalMs: 10_000 },
    link: { fragmentRate: 0.5 },
  });
  const quiet = sim.client({ protocol: "ws-message" }).send(1, { code: "hello" });
  const stream = sim.client({ protocol: "ws-stream" }).send(1, { code: "hello" });
  const report = await sim.run({ shutdownAtMs: 65_000 });
  assertClean(report);
  for (const client of [quiet, stream]) {
    // Silent for 65 s at 10 s a ping: pinged every other interval, and never dropped for it.
    assert.ok(client.webSocket!.pingsAnswered >= 3, `${client.name} answered no pings`);
    assert.deepEqual(client.messages.map((message) => message.text), ['[{"code":"hello"}]']);
    assert.ok(
      client.log.some((entry) => entry.note === "the server closed the WebSocket with 1000"),
    );
  }
});

test("reference decoder: split at zero bytes across reads, strict UTF-8, JSON, commands only", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  const decoder = new ReferenceDecoder();
  assert.deepEqual(decoder.decode(bytes('{"code":"a"}\0[{"co')), [
    { text: '[{"code":"a"}]', commands: [{ code: "a" }] },
  ]);
  assert.deepEqual(decoder.decode(bytes('de":"b"}]\0')).map((m) => m.text), ['[{"code":"b"}]']);
  // "é" cut between its two bytes is still one character once the message is whole.
  const accent = bytes('[{"t":"é"}]\0');
  assert.deepEqual(decoder.decode(accent.subarray(0, 7)), []);
  assert.equal(decoder.decode(accent.subarray(7))[0].text, '[{"t":"é"}]');
  assert.equal(readMessage(new Uint8Array([0x5b, 0xc3, 0x28, 0x5d])).commands, undefined);
  assert.match(readMessage(new Uint8Array([0x5b, 0xc3, 0x28, 0x5d])).text, /^<not UTF-8/);
  assert.equal(readMessage(bytes("\ufeff[]")).commands, undefined, "a BOM is no JSON");
  for (const text of ["5", "null", '"x"', "[1]", "[{}, []]", "{not json"]) {
    assert.deepEqual(readMessage(bytes(text)), { text: `<${text}>`, commands: undefined }, text);
  }
  assert.deepEqual(readMessage(bytes("[]")).commands, []);
});

test("client frame reader: what a server must not send is a violation", () => {
  const cases: [string, number[]][] = [
    ["a masked frame from the server", [0x81, 0x81, 1, 2, 3, 4, 0x61]],
    ["a reserved bit set", [0xc1, 0]],
    ["unknown opcode 3", [0x83, 0]],
    ["a length not in its shortest form", [0x82, 126, 0, 5]],
    ["a fragmented control frame", [0x09, 0]],
    ["a control frame of 126 bytes", [0x89, 126, 0, 126]],
    ["a continuation outside a message", [0x80, 0]],
    ["a new message inside a fragmented one", [0x01, 1, 0x61, 0x81, 0]],
    ["a frame after the close frame", [0x88, 0, 0x81, 0]],
  ];
  for (const [reason, bytes] of cases) {
    const errors: string[] = [];
    const reader = new ClientFrameReader({
      payload() {},
      messageEnd() {},
      control() {},
      error: (why) => errors.push(why),
    });
    // Cut after every byte: the reader must decide the same however the frames arrive.
    for (const byte of bytes) reader.feed(new Uint8Array([byte]));
    assert.deepEqual(errors, [reason]);
  }
});
