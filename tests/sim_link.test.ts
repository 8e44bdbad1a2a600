/**
 * The simulated network's faults, each switched on alone, against the real server core: what
 * the core sees, what the client reads, and that the default invariants still hold.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { deliver, later } from "../mod.ts";
import { Simulation } from "../sim/mod.ts";
import { assertClean, lobbyApplication } from "./helpers/sim_apps.ts";

const UNICODE = "héllo 日本語 🎲 ünï©ødé";

/** Whether a read boundary falls inside a multi-byte UTF-8 character. */
function splitsACharacter(reads: { bytes: Uint8Array }[]): boolean {
  return reads.some(({ bytes }) => bytes.length > 0 && (bytes[0] & 0xc0) === 0x80);
}

test("fragmentation: writes arrive cut at random bytes, inside characters too, and decode whole", async () => {
  const sim = new Simulation({
    seed: 11,
    application: lobbyApplication(),
    link: { fragmentRate: 1 },
  });
  const client = sim.client();
  for (let n = 0; n < 5; n++) client.send(1 + n, { code: "note", text: UNICODE, n });
  const report = await sim.run({ shutdownAtMs: 50 });
  assertClean(report);
  const reads = client.inbox.reads();
  assert.ok(
    reads.length > client.messages.length,
    `${reads.length} reads for ${client.messages.length} messages`,
  );
  assert.ok(splitsACharacter(reads), "some read starts inside a character");
  assert.deepEqual(
    client.messages.slice(1).map((message) => message.commands?.[0].text),
    Array(5).fill(UNICODE),
  );
  assert.ok(client.link.segmentCounts.fragments > 0);
});

test("batching: what the core writes in one iteration leaves as one write, read as one", async () => {
  const sim = new Simulation({
    seed: 12,
    application: lobbyApplication(),
    link: { coalesceRate: 1 },
  });
  const client = sim.client();
  for (let n = 0; n < 3; n++) client.send(5, { code: "note", n });
  // Two commands in one message: two deliveries of one turn, one socket write.
  client.send(5, [{ code: "a" }, { code: "b" }]);
  const report = await sim.run({ shutdownAtMs: 50 });
  assertClean(report);
  const replies = client.log.filter((entry) =>
    entry.kind === "read" && (entry.decoded?.length ?? 0) > 1
  );
  assert.equal(replies.length, 1, "one read carried both answers of the batch");
  assert.equal(client.messages.length, 1 + 5);
  assert.equal(client.link.writes, 6, "the core wrote six times");
  assert.equal(client.link.counts.socketWrites, 5, "the socket was written five times");
});

test("latency and jitter: replies come back within the two delays plus jitter, in order", async () => {
  const sim = new Simulation({
    seed: 13,
    application: lobbyApplication(),
    link: { upDelayMs: 7, downDelayMs: 11, jitterMs: 4 },
  });
  const client = sim.client();
  for (let n = 0; n < 20; n++) client.send(10 + n, { code: "note", n });
  assertClean(await sim.run({ shutdownAtMs: 200 }));
  const replies = client.messages.slice(1);
  assert.deepEqual(replies.map((message) => message.commands?.[0].n), [...Array(20).keys()]);
  replies.forEach((message, n) => {
    const sentAt = (10 + n) * 1000;
    assert.ok(message.time - sentAt >= 18_000 && message.time - sentAt <= 18_000 + 8_000);
  });
});

test("bounded window: the link's drain waits while its reader reads nothing, until it reads", async () => {
  const sim = new Simulation({ seed: 14, application: lobbyApplication() });
  const reader = sim.client({ link: { windowBytes: 64, highWaterMark: 16 } });
  reader.pauseReading(0).resumeReading(300);
  const drained: number[] = [];
  sim.at(20, async () => {
    const connection = reader.link.connection!;
    connection.write(new TextEncoder().encode(`[{"pad":"${"w".repeat(200)}"}]\0`));
    assert.equal(connection.bufferedBytes, 0, "held for the end of the iteration, nothing unsent");
    await connection.drain(); // sends what is held, then waits: it overfills the window
    drained.push(sim.now);
  });
  assertClean(await sim.run({ shutdownAtMs: 1000 }));
  assert.equal(reader.link.counts.drainWaits, 1);
  assert.equal(drained.length, 1);
  assert.ok(drained[0] >= 300_000, `drained at ${drained[0]} µs, before the reader read`);
  assert.ok(reader.link.reader.maxUnreadBytes <= 64);
});

test("bounded window through the core: a stalled reader gets everything once it reads", async () => {
  const sim = new Simulation({ seed: 14, application: lobbyApplication() });
  const talker = sim.client();
  const listener = sim.client({ link: { windowBytes: 64, highWaterMark: 0 } });
  const bystander = sim.client();
  listener.pauseReading(0).resumeReading(500);
  for (let n = 0; n < 6; n++) talker.send(10 + n, { code: "say", n, pad: "x".repeat(40) });
  const report = await sim.run({ shutdownAtMs: 1000 });
  // Concurrent drain holds: the bystander hears each message as soon as it is sent.
  assertClean(report);
  assert.ok(listener.link.counts.drainWaits > 0, "the server had to wait for the listener");
  const said = (client: typeof talker) =>
    client.messages.filter((message) => message.commands?.[0].code === "say").map((message) =>
      message.time
    );
  assert.equal(said(bystander).length, 6);
  assert.equal(said(listener).length, 6);
  assert.ok(said(listener)[1] >= 500_000, "the listener read only after resuming");
  assert.ok(listener.link.reader.maxUnreadBytes <= 64);
});

test("close flushes within its bound: a stalled reader is closed unflushed at the bound", async () => {
  const sim = new Simulation({ seed: 15, application: lobbyApplication(), closeTimeoutMs: 300 });
  const stalled = sim.client({ link: { windowBytes: 32, highWaterMark: 0 } });
  stalled.pauseReading(0).send(5, { code: "note", pad: "y".repeat(100) });
  const report = await sim.run({ shutdownAtMs: 100 });
  assertClean(report);
  assert.equal(stalled.link.state, "closed");
  assert.equal(stalled.link.lossless, false);
  assert.ok(report.virtualMs >= 400 && report.virtualMs < 450, `closed at ${report.virtualMs} ms`);
  assert.deepEqual(sim.records.hooksOf(stalled.index!), {
    connects: 1,
    disconnects: 1,
    connectedAt: sim.records.hooksOf(stalled.index!).connectedAt,
    disconnectedAt: 100_000,
  });
});

test("reset before a write: that write throws, the core drops the connection once", async () => {
  const sim = new Simulation({ seed: 16, application: lobbyApplication() });
  const victim = sim.client().resetBeforeWrite(2);
  const other = sim.client();
  victim.send(5, { code: "note" });
  other.send(20, { code: "say" });
  const report = await sim.run({ shutdownAtMs: 200 });
  assertClean(report);
  assert.equal(victim.link.counts.writeFailures, 1);
  assert.equal(victim.messages.length, 1, "only the greeting arrived");
  assert.equal(sim.server.connections.has(victim.index!), false);
  assert.equal(sim.records.hooksOf(victim.index!).disconnects, 1);
});

test("a reset the server hears of late: the first write to it reports the error", async () => {
  const sim = new Simulation({ seed: 17, application: lobbyApplication() });
  const victim = sim.client().reset(10, 100);
  const talker = sim.client();
  talker.send(30, { code: "say" });
  const report = await sim.run({ shutdownAtMs: 300 });
  assertClean(report);
  assert.equal(victim.link.counts.lostWrites, 1, "the broadcast to it was lost, once");
  assert.equal(sim.records.hooksOf(victim.index!).disconnects, 1);
  // The failed write, not the late notice, made the core let go of it.
  assert.ok(sim.records.hooksOf(victim.index!).disconnectedAt! < 110_000);
});

test("half-close: the last message still gets its reply, then the server closes", async () => {
  const sim = new Simulation({
    seed: 18,
    application: lobbyApplication(),
    link: { fragmentRate: 0.5 },
  });
  const client = sim.client();
  client.send(5, { code: "last" }).end(5);
  const report = await sim.run();
  assertClean(report);
  assert.deepEqual(client.messages.map((message) => message.commands?.[0].code), [
    "welcome",
    "last",
  ]);
  assert.equal(client.closedByServer, true);
  assert.equal(client.link.lossless, true);
});

test("abort mid-message: half a message, then gone; the core tidies up", async () => {
  const sim = new Simulation({ seed: 19, application: lobbyApplication() });
  const client = sim.client();
  client.send(5, '{"code":"no').abort(6);
  const report = await sim.run();
  assertClean(report);
  assert.equal(sim.records.hooksOf(client.index!).disconnects, 1);
  assert.equal(sim.server.connections.count, 0);
});

test("abort while the server awaits the drain: the drain fails, the core lets go once", async () => {
  const sim = new Simulation({ seed: 20, application: lobbyApplication() });
  const slow = sim.client({ link: { windowBytes: 16, highWaterMark: 0 } }).abortWhileDraining();
  slow.pauseReading(0);
  sim.client().send(10, { code: "say", pad: "z".repeat(50) });
  const report = await sim.run({ shutdownAtMs: 100 });
  assertClean(report);
  assert.ok(slow.link.counts.drainWaits > 0 && slow.link.counts.drainFailures > 0);
  assert.equal(slow.link.clientGone, true);
  assert.equal(sim.records.hooksOf(slow.index!).disconnects, 1);
});

test("abort between onConnect and its send: the greeting goes nowhere, hooks run once each", async () => {
  const sim = new Simulation({ seed: 21, application: lobbyApplication() });
  const client = sim.client().abortAfterConnect();
  const report = await sim.run();
  assertClean(report);
  assert.equal(client.inbox.length, 0);
  assert.deepEqual(sim.records.addressed.get(client.index!) ?? [], []);
  const hooks = sim.records.hooksOf(client.index!);
  assert.equal(hooks.connects, 1);
  assert.equal(hooks.disconnects, 1);
});

test("connect storm: fifty clients join and half leave in the same millisecond", async () => {
  const sim = new Simulation({ seed: 22, application: lobbyApplication() });
  const storm = Array.from({ length: 50 }, (_, n) => {
    const client = sim.client({ at: 5 });
    if (n % 2 === 0) client.abort(5);
    else client.send(5, { code: "say", n });
    return client;
  });
  const report = await sim.run({ shutdownAtMs: 100 });
  assertClean(report);
  const indexes = storm.map((client) => client.index);
  assert.equal(new Set(indexes).size, 50);
  assert.ok(indexes.every((index) => index !== undefined));
  assert.equal(sim.server.connections.count, 0);
});

test("after shutdown, a new client is refused and nothing runs for it", async () => {
  const sim = new Simulation({ seed: 23, application: lobbyApplication() });
  sim.client().send(1, { code: "note" });
  const late = sim.client({ at: 60 }).send(61, { code: "note" });
  const report = await sim.run({ shutdownAtMs: 50 });
  assertClean(report);
  assert.equal(late.refused, true);
  assert.equal(late.index, undefined);
  assert.equal(late.closedByServer, true);
});

test("the server's clock is virtual: a timed command runs at its virtual time", async () => {
  const sim = new Simulation({
    seed: 24,
    application: lobbyApplication(undefined, {
      handleCommand: (command, { index }) =>
        command.code === "remind"
          ? [later({ code: "reminder", to: index }, { afterMs: 250 })]
          : command.code === "reminder"
          ? deliver([command.to as number], { code: "ding" })
          : [],
    }),
    link: { upDelayMs: 5, downDelayMs: 5 },
  });
  const client = sim.client();
  client.send(10, { code: "remind" });
  const report = await sim.run({ shutdownAtMs: 1000 });
  assertClean(report);
  const ding = client.messages.find((message) => message.commands?.[0].code === "ding");
  assert.equal(ding?.time, (10 + 5 + 250 + 5) * 1000);
});
