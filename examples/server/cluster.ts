/**
 * The example server in a cluster (`--redis URL`): its players may be in rooms owned by other
 * processes on the same Redis, and theirs in its own.
 *
 * @module
 */
import type { Logger, ServerOptions } from "../../mod.ts";
import { systemClock } from "../../src/adapter/system_clock.ts";
import { ClusterNode, type ClusterNodeOptions } from "../../src/cluster/cluster_node.ts";
import type { RoomOf } from "../../src/cluster/player_router.ts";
import type { RedisClient } from "../../src/cluster/redis_client.ts";
import { cardsResume } from "../cluster/cards_game.ts";
import { cardsRoomOf, roomsGameRoomOf } from "../cluster/room_of.ts";
import type { Game } from "./options.ts";

/** A Redis connection that can be closed. */
export type ClosableRedis = RedisClient & { close(): Promise<void> };

/** What {@linkcode joinCluster} needs. */
export interface JoinOptions {
  redis: ClosableRedis;
  game: Game;
  /** The game, or what makes it given the node (`ClusterNodeOptions.application`). */
  application: ClusterNodeOptions["application"];
  leaseMs: number;
  logger: Logger;
  server: Omit<ServerOptions, "application" | "clock" | "holdMs" | "sessionLayer">;
}

/** Where each game's commands belong: see `examples/cluster/room_of.ts`. */
const ROOM_OF: Record<Game, RoomOf> = { rooms: roomsGameRoomOf, cards: cardsRoomOf };
/**
 * How each game's players come back to a room whose owner died: the card table's go back to
 * their table (kept in Redis); the rooms game's reconnect.
 */
const RESUME: Record<Game, ClusterNodeOptions["resume"]> = { rooms: undefined, cards: cardsResume };

/**
 * Starts this process's node of the cluster, under a process id no other run has had; serve
 * `node.server`, and `close` the node (it releases its rooms) and then the connection.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { silentLogger } from "../../mod.ts";
 * import { MemoryRedis } from "../../src/cluster/memory_redis.ts";
 * import { createRoomsApplication } from "../rooms/mod.ts";
 * import { joinCluster } from "./cluster.ts";
 * const redis = new MemoryRedis().client(); // the CLI: the redis package's, on --redis URL
 * const application = createRoomsApplication();
 * const joined = await joinCluster({
 *   redis, game: "rooms", application, leaseMs: 1000, logger: silentLogger, server: {},
 * });
 * assert.equal(joined.node.server.accepting, true);
 * await joined.close();
 * assert.equal(redis.closed, true);
 * ```
 */
export async function joinCluster(options: JoinOptions) {
  const processId = `${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
  const node = await ClusterNode.start({
    redis: options.redis,
    processId,
    clock: systemClock,
    application: options.application,
    roomOf: ROOM_OF[options.game],
    resume: RESUME[options.game],
    leaseMs: options.leaseMs,
    pingMs: Math.max(100, Math.min(1_000, Math.floor(options.leaseMs / 5))),
    server: options.server,
    logger: options.logger,
  });
  options.logger.info("joined the cluster", { processId });
  const close = async () => {
    await node.close();
    await options.redis.close();
  };
  return { node, close };
}
