/**
 * The RedisStore keeps the contract of every state store (tests/helpers/store_contract.ts),
 * on the in-memory Redis and on a real one; and what only a shared store has: a save
 * acknowledged by one process is read by another after the first is gone, and the quotas
 * count what every process stored.
 */
import assert from "node:assert/strict";
import { StateQuotaError, StateStoreError } from "../mod.ts";
import { RedisStore } from "../src/cluster/redis_store.ts";
import {
  type Backend,
  realRedisSkip,
  testOnBothRedis,
  withMemory,
  withRealRedis,
} from "./helpers/redis_backends.ts";
import { storeContract, type StoreSetup } from "./helpers/store_contract.ts";

function setupOn(run: (body: (redis: Backend) => Promise<void>) => Promise<void>): StoreSetup {
  return (body) =>
    run(async (redis) => {
      const connection = await redis.connect();
      await body((limits) => new RedisStore({ redis: connection, ...limits }));
    });
}

storeContract("RedisStore [memory]", setupOn(withMemory));
storeContract("RedisStore [redis-server]", setupOn(withRealRedis), realRedisSkip);

testOnBothRedis("RedisStore: a save acknowledged by one process outlives it", async (redis) => {
  const first = await redis.connect();
  await new RedisStore({ redis: first }).set("dresser", { shirt: "red" });
  await first.close(); // the process is gone
  const second = new RedisStore({ redis: await redis.connect() });
  assert.deepEqual(await second.get("dresser"), { shirt: "red" });
});

testOnBothRedis("RedisStore: the quotas count what every process stored", async (redis) => {
  const limits = { maxKeys: 3, maxTotalBytes: 1000 };
  const a = new RedisStore({ redis: await redis.connect(), ...limits });
  const b = new RedisStore({ redis: await redis.connect(), ...limits });
  await a.set("a1", 1);
  await a.set("a2", 2);
  await b.set("b1", 1);
  await assert.rejects(b.set("b2", 2), StateQuotaError, "a's keys count for b");
  await a.set("a1", "x".repeat(900)); // a replacement: no new key
  await assert.rejects(b.set("b1", "y".repeat(100)), /at most 1000 bytes stored/);
  assert.equal(await b.get("a1"), "x".repeat(900));
  assert.equal(await a.get("b1"), 1);
});

testOnBothRedis(
  "RedisStore: a state that is not JSON in Redis is the store's error",
  async (redis) => {
    const connection = await redis.connect();
    await connection.set("zb:store:s:broken", "{not json");
    const read = await new RedisStore({ redis: connection }).get("broken").catch((error) => error);
    assert.ok(read instanceof StateStoreError, String(read));
  },
);
