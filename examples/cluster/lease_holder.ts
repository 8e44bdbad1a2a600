/**
 * One cluster process in miniature, for the failover test and as a demonstration: it takes a
 * room's lease in Redis, saves a state under the room through the store guarded by that
 * lease, prints `holding <fence>`, and keeps the lease renewed until it is killed.
 *
 * ```sh
 * node --import tsx examples/cluster/lease_holder.ts redis://127.0.0.1:6379 lobby '{"n":1}' 500
 * deno run --allow-net --allow-env --allow-read examples/cluster/lease_holder.ts redis://127.0.0.1:6379 lobby 1
 * ```
 *
 * Exit codes: 1 when another process holds the room, 2 without the `redis` package.
 *
 * @module
 */
import process from "node:process";
import { systemClock } from "../../src/adapter/system_clock.ts";
import { RedisStore } from "../../src/cluster/redis_store.ts";
import { RoomLeases } from "../../src/cluster/room_leases.ts";
import { connectNodeRedis } from "./redis_npm.ts";

const [url, room, state, ttlMs = "500"] = process.argv.slice(2);
if (room === undefined || state === undefined) {
  console.error("usage: lease_holder.ts REDIS_URL ROOM STATE_JSON [TTL_MS]");
  process.exit(64);
}
const redis = await connectNodeRedis(url);
if (redis === undefined) {
  console.error("the redis package is not installed");
  process.exit(2);
}
const leases = new RoomLeases({
  redis,
  clock: systemClock,
  processId: `holder-${process.pid}`,
  ttlMs: Number(ttlMs),
  onLost: () => {
    console.log("lost");
    process.exit(1);
  },
});
const attempt = await leases.acquire(room);
if (!attempt.acquired) {
  console.log(`held by ${attempt.holder.owner}`);
  process.exit(1);
}
await new RedisStore({ redis }).guardedBy(attempt.lease).set(room, JSON.parse(state));
console.log(`holding ${attempt.lease.fence}`);
