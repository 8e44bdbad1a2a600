/**
 * The card table as a cluster runs it: each table kept in Redis on every change, written
 * only while this process holds the table's room, so that the process taking a table over
 * (its owner died) resumes its hand; the players of other processes come back to it by a
 * `join` their process sends for them.
 *
 * @module
 */
import type { Application, Command } from "../../mod.ts";
import type { ClusterNode } from "../../src/cluster/cluster_node.ts";
import type { RedisClient } from "../../src/cluster/redis_client.ts";
import { RedisStore } from "../../src/cluster/redis_store.ts";
import {
  type CardsStorage,
  type CardTableOptions,
  createCardTableApplication,
} from "../cards/mod.ts";

/**
 * What makes the card table of a cluster node (`ClusterNodeOptions.application`): its tables
 * kept in a {@linkcode RedisStore} on `redis` through `node.roomStore`, its players named by
 * their identity in the cluster (`node.members.identityOf`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ManualClock } from "../../mod.ts";
 * import { ClusterNode } from "../../src/cluster/cluster_node.ts";
 * import { MemoryRedis } from "../../src/cluster/memory_redis.ts";
 * import { cardsResume, clusterCardsGame } from "./cards_game.ts";
 * import { cardsRoomOf } from "./room_of.ts";
 * const clock = new ManualClock();
 * const redis = new MemoryRedis({ clock }).client();
 * const node = await ClusterNode.start({
 *   redis, processId: "a", clock, application: clusterCardsGame(redis),
 *   roomOf: cardsRoomOf, resume: cardsResume,
 * });
 * assert.deepEqual(cardsResume("t1"), { code: "join", key: "t1" });
 * await node.close();
 * ```
 */
export function clusterCardsGame(
  redis: RedisClient,
  options: Omit<CardTableOptions, "keeper"> = {},
): (node: ClusterNode) => Application<CardsStorage> {
  const store = new RedisStore({ redis });
  return (node) =>
    createCardTableApplication({
      ...options,
      keeper: {
        identityOf: (index) => node.members.identityOf(index),
        storeFor: (key) => node.roomStore(store, key),
      },
    });
}

/** How a player comes back to table `room` on its new owner: it joins it again. */
export function cardsResume(room: string): Command {
  return { code: "join", key: room };
}
