/**
 * The routing between processes (src/cluster/): players on two processes in one room get
 * exactly what the room's owner addressed to them, the card table hides each player's cards
 * across processes, and a message lost between processes closes the players concerned
 * instead of leaving them out of step. On the in-memory Redis and on a real redis-server.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type Command, ManualClock, MemoryStore } from "../mod.ts";
import { createRoomsApplication } from "../examples/rooms/mod.ts";
import {
  type CardsStorage,
  createCardTableApplication,
  seededRandom,
} from "../examples/cards/mod.ts";
import { cardsRoomOf, roomsGameRoomOf } from "../examples/cluster/room_of.ts";
import { clusterRoomsGame } from "../examples/cluster/rooms_game.ts";
import { MemoryRedis, type PendingDelivery } from "../src/cluster/memory_redis.ts";
import type { RedisClient } from "../src/cluster/redis_client.ts";
import { RedisStore } from "../src/cluster/redis_store.ts";
import { holeCards, lastView, wireOf } from "./helpers/cards.ts";
import { startCluster } from "./helpers/cluster_nodes.ts";
import { Harness, type TestClient } from "./helpers/harness.ts";
import { type Backend, testOnBothRedis } from "./helpers/redis_backends.ts";

/** Who connects where, and what each then sends, in order (one step at a time). */
const PLACES = ["a", "b", "a", "b", "b"];
const SCRIPT: [client: number, command: Command][] = [
  [0, { code: "goto", key: "lobby" }], // a takes the lobby
  [1, { code: "goto", key: "lobby" }],
  [2, { code: "goto", key: "lobby" }],
  [3, { command: "goto", key: "attic" }], // b takes the attic
  [4, { code: "goto", key: "attic" }],
  [1, { code: "save", key: "dress", state: { color: "red" } }],
  [0, { code: "update", key: "list", index: 2, value: 5 }],
  [3, { code: "set", key: "attic-dress", state: [1, 2] }],
  [1, { code: "get", key: "dress" }],
  [1, { code: "goto", key: "attic" }], // from a's room to b's
  [4, { code: "save", key: "x", state: "y" }],
  [0, { code: "save", key: "y", state: null }],
  [2, { code: "load", key: "list" }],
  [3, { code: "goto", key: "lobby" }], // from b's room to a's
  [1, { code: "nonsense", key: "attic" }],
  [3, { code: "update", key: "list", index: 0, value: "z" }],
];

/** What each client receives from one server running the script: the reference. */
async function alone(): Promise<Command[][][]> {
  const harness = new Harness(createRoomsApplication({ store: new MemoryStore() }));
  const clients: TestClient[] = [];
  for (const _ of PLACES) clients.push(await harness.connect());
  for (const [client, command] of SCRIPT) {
    await clients[client].send(command);
    await harness.settle();
  }
  return clients.map((client) => client.messages);
}

testOnBothRedis(
  "rooms game on two processes: each player gets what one server sends it",
  async (backend) => {
    const cluster = await startCluster({
      names: ["a", "b"],
      connect: () => backend.connect(),
      application: (redis) => clusterRoomsGame(redis),
      roomOf: roomsGameRoomOf,
      clock: backend.clock,
    });
    try {
      const clients: TestClient[] = [];
      for (const place of PLACES) clients.push(await cluster.connect(place));
      for (const [client, command] of SCRIPT) await cluster.send(clients[client], command);
      assert.deepEqual(clients.map((client) => client.messages), await alone());
      const where = (client: TestClient) => {
        const attachment = cluster.node("b").router.attachmentOf(client.index);
        return attachment && `${attachment.room}@${attachment.owner}`;
      };
      assert.deepEqual([where(clients[1]), where(clients[3])], ["attic@b", "lobby@a"]);
      assert.ok(clients.every((client) => !client.closed));
      // A player that moved left its old room: no owner wrote to an attachment ended.
      for (const node of cluster.nodes.values()) assert.equal(node.router.counts.stale, 0);
    } finally {
      await cluster.close();
    }
  },
);

/** Sends the card code to table t1 and waits for the cluster to settle. */
type Cluster = Awaited<ReturnType<typeof startCluster>>;
const act = (cluster: Cluster, client: TestClient, code: string) =>
  cluster.send(client, { code, key: "t1" });

async function cardsAcrossProcesses(backend: Backend): Promise<void> {
  const games = new Map<string, CardsStorage>();
  let n = 0;
  const cluster = await startCluster({
    names: ["a", "b"],
    connect: () => backend.connect(),
    application: () => {
      const application = createCardTableApplication({
        random: seededRandom(7),
        turnTimeoutMs: 600_000,
      });
      games.set(["a", "b"][n++], application.storage);
      return application;
    },
    roomOf: cardsRoomOf,
    clock: backend.clock,
  });
  try {
    const onA = await cluster.connect("a");
    const onB = await cluster.connect("b");
    const watcher = await cluster.connect("b");
    for (const player of [onA, onB]) {
      await act(cluster, player, "join");
      await act(cluster, player, "sit");
    }
    await act(cluster, watcher, "join");
    await act(cluster, onA, "ready");
    await act(cluster, onB, "ready");
    const table = games.get("a")!; // a took t1: its first command came from a's player
    assert.equal(games.get("b")!.tables.size, 0);
    const holes = holeCards(table);
    const cardsOf = (client: TestClient) => holes.get(lastView(client).you.index)!;
    assert.equal(holes.size, 2);
    const [mine, theirs] = [cardsOf(onA), cardsOf(onB)];
    assert.ok(mine && theirs);
    const seen = (client: TestClient, cards: readonly string[]) =>
      cards.filter((card) => wireOf(client).includes(JSON.stringify(card)));
    assert.deepEqual(seen(onA, mine), mine);
    assert.deepEqual(seen(onA, theirs), [], "a's player sees no card of b's player");
    assert.deepEqual(seen(onB, theirs), theirs);
    assert.deepEqual(seen(onB, mine), [], "b's player sees no card of a's player");
    assert.deepEqual(seen(watcher, [...mine, ...theirs]), []);
    // The hand is played to its showdown, whoever's turn it is, on either process.
    for (let step = 0; step < 20 && table.tables.get("t1")!.hand!.live; step++) {
      const hand = table.tables.get("t1")!.hand!;
      const index = hand.playerAt(hand.turn!)!.index;
      await act(cluster, [onA, onB].find((c) => lastView(c).you.index === index)!, "check");
    }
    for (const client of [onA, onB, watcher]) {
      const view = lastView(client);
      assert.equal(view.hand?.phase, "over");
      assert.equal(view.hand?.showdown, true);
      assert.deepEqual(seen(client, [...mine, ...theirs]), [...mine, ...theirs]);
    }
  } finally {
    await cluster.close();
  }
}

testOnBothRedis("card table on two processes: nobody sees another's cards", cardsAcrossProcesses);

/** An in-memory Redis whose next message on `channel` can be dropped. */
function droppingRedis(clock: ManualClock) {
  let drop: string | undefined;
  const redis = new MemoryRedis({
    clock,
    deliver: (delivery: PendingDelivery) => {
      if (delivery.channel === drop) return void (drop = undefined);
      queueMicrotask(() => delivery.run());
    },
  });
  return { redis, dropNextOn: (channel: string) => void (drop = channel) };
}

test("a delivery lost between processes closes the player it was for, with an error", async () => {
  const clock = new ManualClock();
  const { redis, dropNextOn } = droppingRedis(clock);
  const cluster = await startCluster({
    names: ["a", "b"],
    connect: () => Promise.resolve(redis.client()),
    application: (client: RedisClient) => clusterRoomsGame(client),
    roomOf: roomsGameRoomOf,
    clock,
  });
  try {
    const [a1, b1, a2] = [
      await cluster.connect("a"),
      await cluster.connect("b"),
      await cluster.connect("a"),
    ];
    for (const client of [a1, b1, a2]) await cluster.send(client, { code: "goto", key: "lobby" });
    for (const client of [a1, b1, a2]) client.take();
    dropNextOn("zb:bus:b");
    await cluster.send(a1, { code: "save", key: "k", state: 1 }); // b1's copy is lost
    assert.equal(b1.messages.length, 0);
    await cluster.send(a2, { code: "save", key: "k", state: 2 }); // which this shows
    assert.deepEqual(b1.takeCommands(), [{
      error: "messages between servers were lost: reconnect",
    }]);
    assert.ok(b1.closed);
    assert.equal(cluster.node("b").busCounts?.lost, 1);
    for (const client of [a1, a2]) {
      assert.deepEqual(client.takeCommands().map((command) => command.state), [1, 2]);
      assert.ok(!client.closed);
    }
  } finally {
    await cluster.close();
  }
});

test("an owner gone: its players elsewhere are told; once its lease runs out the room is taken over with its saved state", async () => {
  const clock = new ManualClock();
  const redis = new MemoryRedis({ clock });
  const connections: ReturnType<MemoryRedis["client"]>[] = [];
  const cluster = await startCluster({
    names: ["a", "b"],
    connect: () => {
      connections.push(redis.client());
      return Promise.resolve(connections[connections.length - 1]);
    },
    application: (client: RedisClient) => clusterRoomsGame(client),
    roomOf: roomsGameRoomOf,
    clock,
    leaseMs: 3_000,
    pingMs: 500,
  });
  try {
    const a1 = await cluster.connect("a");
    const b1 = await cluster.connect("b");
    await cluster.send(a1, { code: "goto", key: "lobby" });
    await cluster.send(b1, { code: "goto", key: "lobby" });
    await cluster.send(b1, { code: "save", key: "dress", state: "blue" });
    b1.take();
    await connections[0].close(); // a's Redis connection dies with it: nobody listens there
    clock.advance(500);
    await cluster.quiet();
    assert.deepEqual(b1.takeCommands(), [{ error: "the room's server is gone: reconnect" }]);
    assert.ok(b1.closed);
    const again = await cluster.connect("b");
    await cluster.send(again, { code: "goto", key: "lobby" }); // a's lease still runs
    assert.deepEqual(again.takeCommands(), [{
      error: "the room's server is gone: try again soon",
      code: "goto",
      key: "lobby",
    }]);
    clock.advance(3_000);
    await cluster.send(again, { code: "goto", key: "lobby" });
    await cluster.send(again, { code: "get", key: "dress" });
    assert.deepEqual(again.takeCommands(), [
      { code: "goto", key: "lobby", success: true },
      { code: "get", key: "dress", success: true, state: "blue" },
    ]);
    assert.equal(cluster.node("b").leases.leaseOf("lobby")?.fence, 2);
  } finally {
    await cluster.node("b").close();
  }
});

test("a stalled owner whose room was taken over: its players elsewhere are closed, and its saves refused", async () => {
  const clock = new ManualClock();
  const redis = new MemoryRedis({ clock });
  const stalled = new ManualClock(); // a's time stands still: it believes it still owns
  const cluster = await startCluster({
    names: ["a", "b"],
    connect: () => Promise.resolve(redis.client()),
    application: (client: RedisClient) => clusterRoomsGame(client),
    roomOf: roomsGameRoomOf,
    clock,
    clockOf: (name) => name === "a" ? stalled : undefined,
    leaseMs: 3_000,
  });
  try {
    const a1 = await cluster.connect("a");
    const a2 = await cluster.connect("a");
    const b1 = await cluster.connect("b");
    for (const client of [a1, a2, b1]) await cluster.send(client, { code: "goto", key: "lobby" });
    await cluster.send(a1, { code: "save", key: "k", state: "old" }); // while a holds it
    clock.advance(3_000); // Redis lets a's lease expire; a, stalled, has not noticed
    assert.ok(cluster.node("a").leases.owns("lobby"));
    const b2 = await cluster.connect("b");
    await cluster.send(b2, { code: "goto", key: "lobby" }); // b takes it: fence 2
    assert.equal(cluster.node("b").leases.leaseOf("lobby")?.fence, 2);
    assert.deepEqual(b1.takeCommands().at(-1), { error: "the room moved to another server" });
    assert.ok(b1.closed);
    b2.take();
    await cluster.send(b2, { code: "save", key: "k", state: "new" });
    a1.take();
    a2.take();
    // a still runs its old room: the save is refused, not written over b's.
    await cluster.send(a1, { code: "save", key: "k", state: "stale" });
    assert.deepEqual(a1.takeCommands(), [
      { error: "the room moved to another server: reconnect", code: "save", key: "k" },
      { error: "the room moved to another server" },
    ]);
    assert.ok(a1.closed);
    // The refusal made a check its lease: the whole old room is closed, not just the writer.
    assert.deepEqual(a2.takeCommands(), [{ error: "the room moved to another server" }]);
    assert.ok(a2.closed);
    assert.equal(cluster.node("a").leases.owns("lobby"), false);
    await cluster.send(b2, { code: "get", key: "k" });
    assert.deepEqual(b2.takeCommands().map((command) => command.state), ["new", "new"]);
    assert.equal(await new RedisStore({ redis: redis.client() }).get("k"), "new");
  } finally {
    await cluster.close();
  }
});
