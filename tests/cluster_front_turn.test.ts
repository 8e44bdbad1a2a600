/**
 * The front server does not wait for Redis in its turn while it moves a player: a player
 * whose move hangs on Redis (the lease script of a room met for the first time) keeps the
 * other players of its process waiting for nothing; its own commands after the move wait
 * for it, in order.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../mod.ts";
import { roomsGameRoomOf } from "../examples/cluster/room_of.ts";
import { clusterRoomsGame } from "../examples/cluster/rooms_game.ts";
import { MemoryRedis } from "../src/cluster/memory_redis.ts";
import type { RedisClient } from "../src/cluster/redis_client.ts";
import { startCluster } from "./helpers/cluster_nodes.ts";
import { overriding } from "./helpers/redis_backends.ts";

test("a player's move waiting on Redis keeps the other players of its process waiting for nothing", async () => {
  const clock = new ManualClock();
  const redis = new MemoryRedis({ clock });
  let gate: Promise<void> | undefined; // while set, b's scripts wait for it
  let open = () => {};
  let held = 0;
  const clients: RedisClient[] = [redis.client()];
  const b = overriding(redis.client(), {
    evalScript: async (script, keys, args) => {
      if (gate) held++, await gate;
      return clients[0].evalScript(script, keys, args);
    },
  });
  const cluster = await startCluster({
    names: ["a", "b"],
    connect: () => Promise.resolve(clients.length === 1 ? (clients.push(b), clients[0]) : b),
    application: (client: RedisClient) => clusterRoomsGame(client),
    roomOf: roomsGameRoomOf,
    clock,
  });
  try {
    const onA = await cluster.connect("a");
    const [mover, other] = [await cluster.connect("b"), await cluster.connect("b")];
    for (const client of [onA, mover, other]) {
      await cluster.send(client, { code: "goto", key: "lobby" }); // a owns the lobby
    }
    for (const client of [onA, mover, other]) client.take();
    gate = new Promise((resolve) => open = resolve);
    // The attic is met for the first time: b runs the lease script, which hangs.
    // Not awaited: a front that waits for Redis in its turn would not take them in.
    void mover.send({ code: "goto", key: "attic" });
    void mover.send({ code: "save", key: "dress", state: "mine" }); // after the move
    await cluster.quiet();
    assert.equal(held, 1, "the move waits on Redis");
    void other.send({ code: "save", key: "k", state: 1 });
    await cluster.quiet();
    const saved = [{ code: "save", key: "k", state: 1, success: true }];
    assert.deepEqual(other.takeCommands(), saved);
    assert.deepEqual(onA.takeCommands(), saved);
    assert.deepEqual(mover.takeCommands(), saved, "still in the lobby: its move is not done");
    gate = undefined;
    open();
    await cluster.quiet();
    assert.deepEqual(mover.takeCommands(), [
      { code: "goto", key: "attic", success: true },
      { code: "save", key: "dress", state: "mine", success: true },
    ]);
    assert.equal(cluster.node("b").leases.leaseOf("attic")?.owner, "b");
    assert.ok([onA, mover, other].every((client) => !client.closed));
  } finally {
    gate = undefined;
    open();
    await cluster.close();
  }
});
