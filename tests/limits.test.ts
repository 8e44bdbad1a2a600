import { test } from "node:test";
import assert from "node:assert/strict";
import { type Limits, limitsWith, ManualClock, TokenBucket } from "../mod.ts";
import { lobbyHarness } from "./helpers/lobby.ts";

/** A lobby on a manual clock with some limits changed. */
function limited(limits: Partial<Limits>) {
  const clock = new ManualClock();
  const { harness, storage } = lobbyHarness({ clock, limits });
  return { clock, harness, storage };
}

const disconnects = (hooks: string[], index: number) =>
  hooks.filter((hook) => hook === `disconnect ${index}`).length;

test("connections over maxConnections are told the server is full, then closed", async () => {
  const { harness, storage } = limited({ maxConnections: 2 });
  const [a, b] = [await harness.connect(), await harness.connect()];
  const refused = await harness.connect();
  assert.deepEqual(refused.admission, { accepted: false, reason: "server is full" });
  assert.deepEqual(refused.take(), [[{ error: "server is full" }]]);
  assert.equal(refused.closed, true);
  assert.deepEqual([a.take(), b.take()].map((got) => got.length), [1, 1], "only their welcomes");
  assert.deepEqual(storage.hooks, ["connect 1", "connect 2"]);
  await a.events.end();
  const c = await harness.connect();
  assert.equal(c.index, 3, "a place freed is a place taken");
});

test("commands over the rate get one error per read, with the count refused; the rest run", async () => {
  const { harness, clock } = limited({ commandsPerSecond: 10, commandBurst: 3 });
  const a = await harness.connect();
  a.take();
  const batch = [1, 2, 3, 4, 5].map((n) => ({ code: "echo", key: `k${n}` }));
  await a.send(batch);
  assert.deepEqual(a.take(), [
    [{ code: "echo", key: "k1" }],
    [{ code: "echo", key: "k2" }],
    [{ code: "echo", key: "k3" }],
    [{ error: "rate limit exceeded", code: "echo", key: "k4", refused: 2 }],
  ]);
  clock.advance(100); // one more token at 10 a second
  await a.send([{ code: "echo", n: 1 }, { code: "echo", n: 2 }]);
  assert.deepEqual(a.take(), [
    [{ code: "echo", n: 1 }],
    [{ error: "rate limit exceeded", code: "echo", refused: 1 }],
  ]);
});

test("bad messages count against the rate; over it they are refused with the rest, unanswered", async () => {
  const { harness } = limited({ commandsPerSecond: 10, commandBurst: 3 });
  const a = await harness.connect();
  a.take();
  await a.sendText("\0".repeat(5) + '{"code":"echo"}\0');
  assert.deepEqual(a.take(), [
    [{ error: "message is not valid JSON" }],
    [{ error: "message is not valid JSON" }],
    [{ error: "message is not valid JSON" }],
    [{ error: "rate limit exceeded", refused: 3 }],
  ]);
});

test("a connection that sends only garbage is reset after maxBadMessages in a row", async () => {
  const { harness, storage } = limited({ maxBadMessages: 3, commandsPerSecond: 0 });
  const a = await harness.connect();
  a.take();
  await a.sendText("x\0y\0");
  await a.send({ code: "echo" }); // a good one ends the run
  await a.sendText("x\0y\0z\0w\0more\0");
  await harness.settle();
  const replies = a.take().flat();
  assert.equal(replies.filter((reply) => reply.error === "message is not valid JSON").length, 6);
  assert.deepEqual(replies.at(-1), { error: "too many bad messages" });
  assert.equal(a.closed, true);
  assert.equal(disconnects(storage.hooks, a.index), 1);
});

test("a message begun must be complete within partialMessageTimeoutMs, however it trickles", async () => {
  const { harness, clock, storage } = limited({ partialMessageTimeoutMs: 1000, idleTimeoutMs: 0 });
  const [slow, prompt] = [await harness.connect(), await harness.connect()];
  [slow, prompt].forEach((client) => client.take());
  for (let step = 0; step < 4; step++) {
    await slow.sendText('{"co'.slice(step, step + 1));
    await prompt.send({ code: "echo" });
    clock.advance(300);
  }
  await harness.settle();
  assert.deepEqual(slow.take(), [[{ error: "message not completed in time" }]]);
  assert.equal(slow.closed, true);
  assert.equal(prompt.closed, false, "whole messages, however slow, never time out");
  assert.equal(disconnects(storage.hooks, slow.index), 1);
});

test("a connection that sends nothing for idleTimeoutMs is told so and disconnected", async () => {
  const { harness, clock, storage } = limited({ idleTimeoutMs: 1000 });
  const [quiet, chatty] = [await harness.connect(), await harness.connect()];
  [quiet, chatty].forEach((client) => client.take());
  for (let step = 0; step < 3; step++) {
    clock.advance(600);
    await chatty.send({ code: "echo" });
  }
  await harness.settle();
  assert.deepEqual(quiet.take(), [[{ error: "idle timeout" }]]);
  assert.equal(quiet.closed, true);
  assert.equal(disconnects(storage.hooks, 1), 1);
  assert.equal(chatty.closed, false, "every message restarts the idle time");
  assert.deepEqual(chatty.take(), [[{ code: "echo" }], [{ left: 1 }], [{ code: "echo" }], [{
    code: "echo",
  }]]);
});

test("over the hard cap a connection is dropped at once; the broadcast reaches the others", async () => {
  const { harness, storage } = limited({ highWaterMarkBytes: 100, maxBufferedBytes: 300 });
  const [a, b, c] = [await harness.connect(), await harness.connect(), await harness.connect()];
  [a, b, c].forEach((client) => client.take());
  b.stall();
  await a.send({ code: "say", pad: "x".repeat(150) });
  assert.equal(b.closed, false, "over the mark, under the cap");
  await a.send({ code: "say", pad: "y".repeat(150) });
  await harness.settle();
  assert.equal(b.closed, true);
  assert.equal(disconnects(storage.hooks, 2), 1);
  assert.equal(harness.server.connections.has(2), false);
  for (const client of [a, c]) {
    const got = client.take().map(([first]) => first.left ?? String(first.pad).slice(0, 1));
    assert.deepEqual(got, ["x", "y", 2]);
  }
});

test("a lagging reader (over the high-water mark) is not waited for", async () => {
  const { harness } = limited({ highWaterMarkBytes: 100, maxBufferedBytes: 10_000 });
  const [a, b] = [await harness.connect(), await harness.connect()];
  b.stall();
  // If the send waited for b's drain, this would never resolve: b does not read.
  await a.send({ code: "say", pad: "x".repeat(200) });
  await a.send({ code: "say", pad: "y" });
  assert.equal(a.take().length, 3, "welcome and both says");
  b.release();
  assert.equal(b.take().length, 3, "b gets everything, in order, once it reads");
});

test("sending waits for a stalled reader at most drainWaitMs, then goes on", async () => {
  const { harness, clock } = limited({ drainWaitMs: 50, slowConsumerTimeoutMs: 5000 });
  const [a, b] = [await harness.connect(), await harness.connect()];
  [a, b].forEach((client) => client.take());
  b.stall();
  let done = false;
  const saying = a.send({ code: "say" }).then(() => (done = true));
  await harness.settle();
  assert.equal(done, false, "under the mark: the send waits for b to drain");
  clock.advance(50);
  await saying;
  await a.send({ code: "say" });
  assert.equal(a.take().length, 2, "b lags now: the next send does not wait at all");
});

test("a reader that does not drain within slowConsumerTimeoutMs is disconnected", async () => {
  const { harness, clock, storage } = limited({ drainWaitMs: 50, slowConsumerTimeoutMs: 1000 });
  const [a, b, c] = [await harness.connect(), await harness.connect(), await harness.connect()];
  [a, b, c].forEach((client) => client.take());
  b.stall();
  const ticking = harness.server.runTurn(() => [[[1, 2, 3], [{ tick: 1 }]]]);
  await harness.settle();
  clock.advance(50);
  await ticking; // it waited for b no longer than drainWaitMs
  clock.advance(949);
  await harness.settle();
  assert.equal(b.closed, false);
  clock.advance(1);
  await harness.settle();
  assert.equal(b.closed, true);
  assert.equal(disconnects(storage.hooks, 2), 1);
  assert.deepEqual(c.take(), [[{ tick: 1 }], [{ left: 2 }]]);
});

test("a reader that drains in time is kept", async () => {
  const { harness, clock, storage } = limited({ drainWaitMs: 50, slowConsumerTimeoutMs: 1000 });
  const [a, b] = [await harness.connect(), await harness.connect()];
  b.stall();
  const saying = a.send({ code: "say" });
  await harness.settle();
  clock.advance(50);
  await saying; // lagging now
  clock.advance(850);
  b.release(); // within the slow-consumer timeout
  await harness.settle();
  clock.advance(5000);
  await harness.settle();
  assert.equal(b.closed, false);
  assert.equal(disconnects(storage.hooks, 2), 0);
});

test("limits are checked when the server is made", () => {
  assert.throws(() => limitsWith({ maxConnections: -1 }), /maxConnections/);
  assert.throws(() => limitsWith({ highWaterMarkBytes: 10, maxBufferedBytes: 5 }), RangeError);
  assert.throws(() => limitsWith({ drainWaitMs: 10, slowConsumerTimeoutMs: 5 }), RangeError);
  assert.throws(() => limitsWith({ commandBurst: 0 }), /commandBurst/);
  assert.equal(limitsWith({ commandsPerSecond: 0, commandBurst: 0 }).commandBurst, 0);
  assert.throws(() => lobbyHarness({ limits: { idleTimeoutMs: NaN } }), /idleTimeoutMs/);
});

test("the token bucket refills at its rate and never past its burst", () => {
  const bucket = new TokenBucket(100, 5, 0);
  assert.equal(bucket.take(10, 0), 5);
  assert.equal(bucket.take(1, 0), 0);
  assert.equal(bucket.take(10, 20), 2);
  assert.equal(bucket.take(10, 10_000), 5, "a long quiet spell fills it to the burst only");
  assert.equal(bucket.take(1, 5_000), 0, "time going backwards gives nothing");
});
