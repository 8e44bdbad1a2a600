/**
 * The rooms game as a cluster runs it: states in Redis, and each player's writes guarded by
 * the lease of the room it is in, so an owner that stalled while another process took its
 * room cannot overwrite what the new owner saves.
 *
 * @module
 */
import type { Application } from "../../mod.ts";
import type { ClusterNode } from "../../src/cluster/cluster_node.ts";
import type { RedisClient } from "../../src/cluster/redis_client.ts";
import { RedisStore } from "../../src/cluster/redis_store.ts";
import {
  createRoomsApplication,
  type RoomsApplicationOptions,
  type RoomsStorage,
} from "../rooms/mod.ts";

/**
 * What makes the rooms game of a cluster node (`ClusterNodeOptions.application`): its
 * states in a {@linkcode RedisStore} on `redis`, written through `node.storeFor`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ManualClock } from "../../mod.ts";
 * import { ClusterNode } from "../../src/cluster/cluster_node.ts";
 * import { MemoryRedis } from "../../src/cluster/memory_redis.ts";
 * import { clusterRoomsGame } from "./rooms_game.ts";
 * import { roomsGameRoomOf } from "./room_of.ts";
 * const clock = new ManualClock();
 * const redis = new MemoryRedis({ clock }).client();
 * const node = await ClusterNode.start({
 *   redis, processId: "a", clock, application: clusterRoomsGame(redis), roomOf: roomsGameRoomOf,
 * });
 * assert.equal(node.owner.accepting, true);
 * await node.close();
 * ```
 */
export function clusterRoomsGame(
  redis: RedisClient,
  options: Omit<RoomsApplicationOptions, "store" | "storeOf"> = {},
): (node: ClusterNode) => Application<RoomsStorage> {
  const store = new RedisStore({ redis });
  return (node) =>
    createRoomsApplication({ ...options, store, storeOf: (index) => node.storeFor(store, index) });
}
