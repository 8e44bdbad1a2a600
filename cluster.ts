/**
 * The cluster entry point (`zerobyte/cluster`): several server processes sharing players and
 * rooms through Redis. A room is owned by one process at a time (`RoomLeases`), the others
 * forward its players' commands there (`ClusterNode`, `PlayerRouter`, `RoomMembers`), states
 * live in Redis (`RedisStore`, with writes a lease can guard), and the processes talk on a
 * bus that reports lost messages (`Bus`). Pure, like the core: Redis is a client the game
 * injects (`RedisClient`; `MemoryRedis` for tests and the simulator; the `redis` npm package
 * through the adapter of `examples/cluster/redis_npm.ts`). The design: docs/cluster.md.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application, deliver, ManualClock } from "./mod.ts";
 * import { ClusterNode, MemoryRedis, RedisStore } from "./cluster.ts";
 * const clock = new ManualClock();
 * const redis = new MemoryRedis({ clock }); // one Redis, shared by every process
 * const application = new Application({
 *   storage: null,
 *   defaultController: { handleCommand: (command, { index }) => deliver([index], command) },
 * });
 * const roomOf = (command: { key?: unknown }) =>
 *   typeof command.key === "string" ? command.key : null;
 * const a = await ClusterNode.start({ redis: redis.client(), processId: "a", clock, application, roomOf });
 * const b = await ClusterNode.start({ redis: redis.client(), processId: "b", clock, application, roomOf });
 * const out: string[] = [];
 * const player = b.server.accept({ // a socket of process b
 *   bufferedBytes: 0,
 *   write: (bytes) => void out.push(new TextDecoder().decode(bytes)),
 *   drain: () => Promise.resolve(),
 *   close: () => Promise.resolve(),
 * });
 * assert.ok(player.accepted);
 * await a.leases.acquire("lobby"); // a owns the lobby: b forwards the command there
 * await player.events.data(new TextEncoder().encode('{"code":"hi","key":"lobby"}\0'));
 * while (out.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
 * assert.equal(out[0], '[{"code":"hi","key":"lobby"}]\0');
 * // A state saved by one process is read by the others.
 * await new RedisStore({ redis: redis.client() }).set("dress", { color: "red" });
 * assert.deepEqual(await new RedisStore({ redis: redis.client() }).get("dress"), { color: "red" });
 * await b.close();
 * await a.close();
 * ```
 *
 * @module
 */
// Redis: the client interface the game injects, and one in memory.
export * from "./src/cluster/redis_client.ts";
export * from "./src/cluster/memory_redis.ts";
// Rooms owned through leases, states in Redis, the bus between processes.
export * from "./src/cluster/room_leases.ts";
export * from "./src/cluster/redis_store.ts";
export * from "./src/cluster/lease_guarded_store.ts";
export * from "./src/cluster/bus.ts";
// The routing: one process wired, the players' side, the owner's side.
export * from "./src/cluster/cluster_messages.ts";
export * from "./src/cluster/cluster_node.ts";
export * from "./src/cluster/player_router.ts";
export * from "./src/cluster/player_queues.ts";
export * from "./src/cluster/room_members.ts";
export * from "./src/cluster/remote_connection.ts";
export * from "./src/cluster/out_batcher.ts";
