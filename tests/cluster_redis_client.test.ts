/**
 * The RedisClient contract, the same assertions on the in-memory Redis and on a real
 * redis-server through the npm adapter: so what the memory one lets the simulator and the
 * fast tests assume is what Redis does.
 */
import assert from "node:assert/strict";
import type { RedisScript } from "../src/cluster/redis_client.ts";
import { testOnBothRedis } from "./helpers/redis_backends.ts";

const ODD = ["", "a\0b", "цвет 🎨", "__proto__", "x:y"];

testOnBothRedis("get, set, del and incr; NX sets only a missing key", async (redis) => {
  const client = await redis.connect();
  for (const [n, key] of ODD.entries()) {
    assert.equal(await client.get(key), null);
    assert.equal(await client.set(key, `${key}=${n}`), true);
  }
  for (const [n, key] of ODD.entries()) assert.equal(await client.get(key), `${key}=${n}`);
  assert.equal(await client.set("a\0b", "other", { nx: true }), false);
  assert.equal(await client.get("a\0b"), "a\0b=1", "NX left it");
  assert.equal(await client.del("a\0b"), 1);
  assert.equal(await client.del("a\0b"), 0);
  assert.equal(await client.set("a\0b", "new", { nx: true }), true);
  assert.deepEqual([await client.incr("n"), await client.incr("n")], [1, 2]);
  await client.set("text", "x");
  await assert.rejects(client.incr("text"), /not an integer/);
});

testOnBothRedis("PX expires a key; SET without PX clears the expiry", async (redis) => {
  const client = await redis.connect();
  const other = await redis.connect();
  assert.equal(await client.set("lease", "a", { nx: true, px: 1000 }), true);
  assert.equal(await client.set("kept", "k", { px: 1000 }), true);
  assert.equal(await client.set("kept", "k2"), true); // no PX: it lives on
  assert.equal(await other.get("lease"), "a", "there before its expiry");
  await redis.elapse(1200);
  assert.equal(await other.get("lease"), null, "expired");
  assert.equal(await other.get("kept"), "k2");
  assert.equal(await other.set("lease", "b", { nx: true, px: 1000 }), true, "free again");
});

/** Every ScriptData operation, and the three kinds of reply. */
const PROBE: RedisScript = {
  lua: `if ARGV[1] == 'nil' then return redis.call('GET', 'missing') end
if ARGV[1] == 'number' then return redis.call('HLEN', KEYS[1]) end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local count = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[3], ARGV[2], 'PX', 1000)
local expiring = redis.call('PEXPIRE', KEYS[3], 100000) .. redis.call('PEXPIRE', 'missing', 5)
return redis.call('HGET', KEYS[1], ARGV[1]) .. '|' .. tostring(redis.call('HGET', KEYS[1], 'none')) ..
  '|' .. redis.call('HLEN', KEYS[1]) .. '|' .. count .. '|' .. redis.call('GET', KEYS[3]) ..
  '|' .. expiring .. '|' .. redis.call('DEL', KEYS[3]) .. redis.call('DEL', KEYS[3])`,
  model: (data, [hash, counter, plain], [field, value]) => {
    if (field === "nil") return data.get("missing");
    if (field === "number") return data.hlen(hash);
    data.hset(hash, field, value);
    const count = data.incr(counter);
    data.set(plain, value, 1000);
    const expiring = `${data.pexpire(plain, 100_000)}${data.pexpire("missing", 5)}`;
    // Lua's tostring of a nil reply (false) is "false".
    const none = data.hget(hash, "none") ?? "false";
    return `${data.hget(hash, field)}|${none}|${data.hlen(hash)}|${count}|${data.get(plain)}|` +
      `${expiring}|${data.del(plain)}${data.del(plain)}`;
  },
};

testOnBothRedis("a script's model answers as its Lua does", async (redis) => {
  const client = await redis.connect();
  const keys = ["h", "c", "p"];
  assert.equal(await client.evalScript(PROBE, keys, ["f", "é🎲"]), "é🎲|false|1|1|é🎲|10|10");
  assert.equal(await client.evalScript(PROBE, keys, ["g", "v"]), "v|false|2|2|v|10|10");
  assert.equal(await client.evalScript(PROBE, keys, ["number", ""]), 2);
  assert.equal(await client.evalScript(PROBE, keys, ["nil", ""]), null);
  await assert.rejects(client.get("h"), /WRONGTYPE/);
});

testOnBothRedis("pub/sub: in order, to whoever listens then, at most once", async (redis) => {
  const [publisher, first, second] = [
    await redis.connect(),
    await redis.connect(),
    await redis.connect(),
  ];
  const got: [string, string][] = [];
  await first.subscribe("room", (message) => got.push(["first", message]));
  await second.subscribe("room", (message) => got.push(["second", message]));
  for (let n = 1; n <= 20; n++) assert.equal(await publisher.publish("room", `m${n}`), 2);
  await redis.until(() => got.length === 40, "40 deliveries");
  for (const name of ["first", "second"]) {
    const mine = got.filter(([who]) => who === name).map(([, message]) => message);
    assert.deepEqual(mine, Array.from({ length: 20 }, (_, n) => `m${n + 1}`), `${name}'s order`);
  }
  await second.unsubscribe("room");
  assert.equal(await publisher.publish("room", "while away"), 1, "only first listens");
  await second.subscribe("room", (message) => got.push(["second", message]));
  assert.equal(await publisher.publish("room", "back"), 2);
  await redis.until(() => got.length === 43, "three more deliveries");
  assert.deepEqual(got.slice(40).filter(([who]) => who === "second"), [["second", "back"]]);
  assert.equal(await publisher.publish("nobody", "x"), 0);
});
