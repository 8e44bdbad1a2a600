/**
 * The bus between processes, on the in-memory Redis and on a real one: messages in order per
 * (source, destination), and every message Redis's at-most-once pub/sub lost reported as a
 * gap, by the next message or by a heartbeat.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { JsonValue } from "../mod.ts";
import { Bus, type Gap } from "../src/cluster/bus.ts";
import { MemoryRedis, type PendingDelivery } from "../src/cluster/memory_redis.ts";
import type { RedisClient } from "../src/cluster/redis_client.ts";
import { connectNodeRedis } from "../examples/cluster/redis_npm.ts";
import {
  type Backend,
  overriding,
  realRedisSkip,
  testOnBothRedis,
} from "./helpers/redis_backends.ts";
import { redisCommand, startRedisServer } from "./helpers/redis_server.ts";

/** One process's bus and what it received. */
interface Peer {
  bus: Bus;
  got: [string, JsonValue][];
  gaps: Gap[];
}

async function peer(
  redis: Backend,
  processId: string,
  options: { client?: RedisClient; heartbeatMs?: number } = {},
): Promise<Peer> {
  const got: [string, JsonValue][] = [];
  const gaps: Gap[] = [];
  const bus = await Bus.open({
    redis: options.client ?? await redis.connect(),
    processId,
    onMessage: (source, body) => got.push([source, body]),
    onGap: (gap) => gaps.push(gap),
    clock: redis.clock,
    heartbeatMs: options.heartbeatMs,
  });
  return { bus, got, gaps };
}

/**
 * A connection whose subscriptions the test can cut and restore: Redis drops what is
 * published to a channel while nobody there listens, as it does for a subscriber that
 * reconnects.
 */
function cuttable(client: RedisClient) {
  const listeners = new Map<string, (message: string) => void>();
  const wrapped = overriding(client, {
    subscribe: (channel, listener) => {
      listeners.set(channel, listener);
      return client.subscribe(channel, listener);
    },
  });
  return {
    client: wrapped,
    cut: () => Promise.all([...listeners.keys()].map((channel) => client.unsubscribe(channel))),
    restore: () =>
      Promise.all([...listeners].map(([channel, listener]) => client.subscribe(channel, listener))),
  };
}

testOnBothRedis("messages arrive in order per source, numbered per destination", async (redis) => {
  const [a, b, c] = [await peer(redis, "a"), await peer(redis, "b"), await peer(redis, "c")];
  for (let n = 1; n <= 30; n++) {
    assert.equal(await a.bus.send(n % 3 === 0 ? "c" : "b", { n }), 1);
    if (n % 5 === 0) await b.bus.send("a", { back: n });
  }
  await c.bus.send("b", "from c");
  await redis.until(() => b.got.length === 21 && c.got.length === 10 && a.got.length === 6, "all");
  const fromA = (got: [string, JsonValue][]) =>
    got.filter(([source]) => source === "a").map(([, body]) => (body as { n: number }).n);
  assert.deepEqual(fromA(b.got), [
    1,
    2,
    4,
    5,
    7,
    8,
    10,
    11,
    13,
    14,
    16,
    17,
    19,
    20,
    22,
    23,
    25,
    26,
    28,
    29,
  ]);
  assert.deepEqual(fromA(c.got), [3, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
  assert.deepEqual(b.got.filter(([source]) => source === "c"), [["c", "from c"]]);
  assert.deepEqual(
    a.got.map(([, body]) => body),
    [5, 10, 15, 20, 25, 30].map((back) => ({ back })),
  );
  assert.deepEqual([a.gaps, b.gaps, c.gaps], [[], [], []], "no gap where nothing was lost");
  assert.equal(await a.bus.send("nobody", 1), 0, "nobody listens there");
});

testOnBothRedis("a lost message is reported as a gap when the next one comes", async (redis) => {
  const a = await peer(redis, "a");
  const link = cuttable(await redis.connect());
  const b = await peer(redis, "b", { client: link.client });
  await a.bus.send("b", 1);
  await a.bus.send("b", 2);
  await redis.until(() => b.got.length === 2, "two messages");
  await link.cut();
  for (const n of [3, 4, 5]) assert.equal(await a.bus.send("b", n), 0, "Redis drops it");
  await link.restore();
  await a.bus.send("b", 6);
  await redis.until(() => b.got.length === 3, "the message after the loss");
  assert.deepEqual(b.got.map(([, body]) => body), [1, 2, 6]);
  assert.deepEqual(b.gaps, [{ source: "a", first: 3, last: 5 }]);
  assert.deepEqual(b.bus.counts, { delivered: 3, lost: 3, late: 0, malformed: 0 });
});

testOnBothRedis("a lost last message is reported by the next heartbeat", async (redis) => {
  const a = await peer(redis, "a", { heartbeatMs: 100 });
  const link = cuttable(await redis.connect());
  const b = await peer(redis, "b", { client: link.client });
  await a.bus.send("b", "kept");
  await redis.until(() => b.got.length === 1, "the first message");
  await redis.elapse(150); // a heartbeat with nothing lost
  await link.cut();
  await a.bus.send("b", "lost");
  await link.restore();
  await redis.elapse(150);
  await redis.until(() => b.gaps.length === 1, "the heartbeat");
  assert.deepEqual(b.gaps, [{ source: "a", first: 2, last: 2 }]);
  await a.bus.close();
  await b.bus.close();
});

testOnBothRedis("what is not the bus's on its channel is counted and ignored", async (redis) => {
  const raw = await redis.connect();
  const b = await peer(redis, "b");
  for (
    const junk of ["not json", "null", '{"s":1,"b":2}', '{"f":"x","s":0,"b":1}', '{"f":"x","s":1}']
  ) {
    await raw.publish(b.bus.channelOf("b"), junk);
  }
  await raw.publish(b.bus.channelOf("b"), '{"f":"x","s":1,"b":"fine"}');
  await redis.until(() => b.got.length === 1, "the good message");
  assert.deepEqual(b.got, [["x", "fine"]]);
  assert.deepEqual(b.bus.counts, { delivered: 1, lost: 0, late: 0, malformed: 5 });
});

test("a message overtaken by a later one is reported lost and dropped, never delivered out of order", async () => {
  const held: PendingDelivery[] = [];
  const redis = new MemoryRedis({ deliver: (delivery) => held.push(delivery) });
  const got: JsonValue[] = [];
  const gaps: Gap[] = [];
  const noop = () => {};
  const a = await Bus.open({ redis: redis.client(), processId: "a", onMessage: noop, onGap: noop });
  await Bus.open({
    redis: redis.client(),
    processId: "b",
    onMessage: (_, body) => got.push(body),
    onGap: (gap) => gaps.push(gap),
  });
  for (const n of [1, 2, 3, 4]) await a.send("b", n);
  for (const index of [0, 2, 1, 3]) held[index].run();
  assert.deepEqual(got, [1, 3, 4]);
  assert.deepEqual(gaps, [{ source: "a", first: 2, last: 2 }]);
});

test(
  "a real pub/sub loss: Redis kills the subscriber's connection, and exactly what it dropped is reported",
  { skip: realRedisSkip },
  async () => {
    const server = await startRedisServer();
    const [sender, receiver] = [
      await connectNodeRedis(server.url),
      await connectNodeRedis(server.url),
    ];
    try {
      const got: JsonValue[] = [];
      const gaps: Gap[] = [];
      const noop = () => {};
      const a = await Bus.open({ redis: sender!, processId: "a", onMessage: noop, onGap: noop });
      const b = await Bus.open({
        redis: receiver!,
        processId: "b",
        onMessage: (_, body) => got.push(body),
        onGap: (gap) => gaps.push(gap),
      });
      await a.send("b", 1);
      // Both buses' subscriber connections; node-redis reconnects and subscribes again by
      // itself, and what is published meanwhile is gone.
      assert.equal(await redisCommand(server.port, "CLIENT KILL TYPE pubsub"), ":2");
      // Send until the subscriber is back (a send reached it). Redis drops what is published
      // while it is away; on a loaded machine it may be back before the first send, and then
      // nothing may be reported lost.
      const dropped: number[] = [];
      let last = 1;
      for (const start = Date.now();;) {
        assert.ok(Date.now() - start < 10_000, "the subscriber came back within 10 s");
        const reached = await a.send("b", ++last);
        if (reached > 0) break;
        dropped.push(last);
        await pause(5);
      }
      for (const start = Date.now(); got.at(-1) !== last; await pause(5)) {
        assert.ok(Date.now() - start < 3_000, "the message after the reconnect arrives");
      }
      const lost = gaps.flatMap(({ first, last }) =>
        Array.from({ length: last - first + 1 }, (_, i) => first + i)
      );
      assert.deepEqual(lost, dropped, "every dropped message reported, and only those");
      const sent = Array.from({ length: last }, (_, i) => i + 1);
      assert.deepEqual(got, sent.filter((n) => !dropped.includes(n)), "the rest, in order");
      assert.equal(b.counts.lost, dropped.length);
    } finally {
      await Promise.allSettled([sender?.close(), receiver?.close()]);
      await server.stop();
    }
  },
);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
