/**
 * The cost of the cluster's routing, in one process over a real redis-server (started here on
 * a free port): two nodes, a room owned by the first.
 *
 * - One command answered to its sender (`get`), one at a time: from a player on the owner
 *   (handled there) against a player on the other node (forwarded to the owner through Redis
 *   and answered back): p50 / p99 of the round trip.
 * - Fan-out: a `save` in a room of `--players` players, all on the owner or half on each node:
 *   the time until every player has the echo, one save at a time (p50 / p99), and saves per
 *   second with `--burst` of them in flight.
 *
 * No TCP: the players are in-memory connections of the nodes' front servers, so what is
 * measured is the framework and Redis, not the kernel's sockets.
 *
 * Run: `node --import tsx bench/cluster_forward.ts [--commands 2000] [--players 20] [--saves 300] [--burst 2000]`
 *
 * @module
 */
import { ClusterNode } from "../src/cluster/cluster_node.ts";
import { systemClock } from "../src/adapter/system_clock.ts";
import { RedisStore } from "../src/cluster/redis_store.ts";
import { connectNodeRedis } from "../examples/cluster/redis_npm.ts";
import { roomsGameRoomOf } from "../examples/cluster/room_of.ts";
import { createRoomsApplication } from "../examples/rooms/mod.ts";
import { JsonParser } from "../mod.ts";
import { startRedisServer } from "../tests/helpers/redis_server.ts";
import { formatNumber, markdownTable, percentile } from "./stats.ts";
import { option } from "./targets.ts";

const encoder = new TextEncoder();

/** A player: sends commands, counts messages, and wakes whoever waits for a count. */
interface Player {
  send(command: object): void;
  readonly received: () => number;
  until(count: number): Promise<void>;
}

function player(node: ClusterNode): Player {
  const decoder = new JsonParser().createDecoder();
  let received = 0;
  let waiting: { count: number; wake: () => void } | undefined;
  const admission = node.server.accept({
    bufferedBytes: 0,
    write: (bytes) => {
      for (const message of decoder.decode(bytes)) if (message.kind === "commands") received++;
      if (waiting && received >= waiting.count) waiting.wake();
    },
    drain: () => Promise.resolve(),
    close: () => Promise.resolve(),
  });
  if (!admission.accepted) throw new Error("refused");
  return {
    send: (command) => void admission.events.data(encoder.encode(JSON.stringify(command) + "\0")),
    received: () => received,
    until: (count) =>
      received >= count ? Promise.resolve() : new Promise<void>((wake) => {
        waiting = { count, wake };
      }),
  };
}

/** ms per round trip, sorted. */
async function roundTrips(who: Player, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let n = 0; n < count; n++) {
    const start = performance.now();
    who.send({ code: "get", key: "k" });
    await who.until(who.received() + 1);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

/** ms until every player has a save's echo, one save at a time, sorted; and saves/s. */
async function fanOut(players: Player[], saves: number, burst: number) {
  const sender = players[0];
  const times: number[] = [];
  for (let n = 0; n < saves; n++) {
    const targets = players.map((p) => p.received() + 1);
    const start = performance.now();
    sender.send({ code: "save", key: "k", state: n });
    await Promise.all(players.map((p, i) => p.until(targets[i])));
    times.push(performance.now() - start);
  }
  const targets = players.map((p) => p.received() + burst);
  const start = performance.now();
  for (let n = 0; n < burst; n++) sender.send({ code: "save", key: "k", state: n });
  await Promise.all(players.map((p, i) => p.until(targets[i])));
  const perSecond = burst / ((performance.now() - start) / 1000);
  return { times: times.sort((a, b) => a - b), perSecond };
}

const commands = Number(option("commands", "2000"));
const playerCount = Number(option("players", "20"));
const saves = Number(option("saves", "300"));
const burst = Number(option("burst", "2000"));

const redisServer = await startRedisServer();
const connections: { close(): Promise<void> }[] = [];
const nodes: ClusterNode[] = [];
try {
  for (const processId of ["a", "b"]) {
    const redis = (await connectNodeRedis(redisServer.url))!;
    connections.push(redis);
    nodes.push(
      await ClusterNode.start({
        redis,
        processId,
        clock: systemClock,
        application: createRoomsApplication({ store: new RedisStore({ redis }) }),
        roomOf: roomsGameRoomOf,
        server: { limits: { idleTimeoutMs: 0, commandsPerSecond: 1e9, commandBurst: 1e9 } },
      }),
    );
  }
  const join = async (node: ClusterNode, room: string) => {
    const p = player(node);
    p.send({ code: "goto", key: room });
    await p.until(1);
    return p;
  };
  const local = await join(nodes[0], "trips"); // a owns it: its player came first
  const remote = await join(nodes[1], "trips");
  await roundTrips(local, 100); // warm-up
  await roundTrips(remote, 100);
  const trips = {
    local: await roundTrips(local, commands),
    forwarded: await roundTrips(remote, commands),
  };
  const rows = Object.entries(trips).map(([name, times]) => [
    `get, player on ${name === "local" ? "the owner" : "the other node (forwarded)"}`,
    formatNumber(percentile(times, 0.5), 3),
    formatNumber(percentile(times, 0.99), 3),
    "",
  ]);
  for (const split of [false, true]) {
    const room = split ? "split" : "one";
    const players: Player[] = [await join(nodes[0], room)];
    for (let n = 1; n < playerCount; n++) {
      players.push(await join(nodes[split && n % 2 === 1 ? 1 : 0], room));
    }
    await fanOut(players, 20, 100); // warm-up
    const { times, perSecond } = await fanOut(players, saves, burst);
    rows.push([
      `save to ${playerCount} players, ${split ? "half on each node" : "all on the owner"}`,
      formatNumber(percentile(times, 0.5), 3),
      formatNumber(percentile(times, 0.99), 3),
      formatNumber(perSecond),
    ]);
  }
  console.log(markdownTable(["what", "p50 ms", "p99 ms", "saves/s in a burst"], rows));
} finally {
  for (const node of nodes) await node.close();
  for (const connection of connections) await connection.close();
  await redisServer.stop();
}
