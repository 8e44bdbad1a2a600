/**
 * Several cluster processes in one deterministic run: the rooms game on nodes sharing an
 * in-memory Redis, players connecting, moving, saving and leaving at random, under bus delays
 * that reorder channels, a partition and a crash, all on virtual time from one seed.
 *
 * @module
 */
import { JsonParser, ManualClock } from "../../mod.ts";
import { createRoomsApplication } from "../../examples/rooms/mod.ts";
import { roomsGameRoomOf } from "../../examples/cluster/room_of.ts";
import type { ClusterMessage } from "../../src/cluster/cluster_messages.ts";
import { ClusterNode } from "../../src/cluster/cluster_node.ts";
import { MemoryRedis, type MemoryRedisClient } from "../../src/cluster/memory_redis.ts";
import { PlayerRouter, type PlayerRouterOptions } from "../../src/cluster/player_router.ts";
import type { RedisScript } from "../../src/cluster/redis_client.ts";
import { RedisStore } from "../../src/cluster/redis_store.ts";
import { LEASE_SCRIPTS } from "../../src/cluster/room_leases.ts";
import type { ConnectionEvents } from "../../src/core/connection.ts";
import { Random } from "../engine/random.ts";
import { BusWeather } from "./bus_weather.ts";
import { checkDeliveries, type PlayerRecord, type Written } from "./delivery_check.ts";

/** Options of {@linkcode runClusterSim}. */
export interface ClusterSimOptions {
  seed: number;
  /** Processes. Default 3. */
  nodes?: number;
  /** Random actions. Default 300. */
  steps?: number;
  /** The longest a bus message waits. Default 20 ms. */
  maxDelayMs?: number;
  /** Cut processes 0 and 1 apart for a while, a third of the way in. */
  partition?: boolean;
  /** Crash the last process two thirds of the way in. */
  crash?: boolean;
  /**
   * A planted bug: `"any-attachment"` writes an owner's delivery to the player it names,
   * whichever attachment or owner it came from (routing by index alone); `"steal-lease"`
   * takes a room's lease without checking for a holder (two owners after a race).
   */
  plant?: "any-attachment" | "steal-lease";
}

/** What a run found. */
export interface ClusterSimReport {
  /** The invariants' complaints; empty when all held. */
  readonly violations: string[];
  /**
   * Players, messages they received, messages lost on the buses, players closed by their
   * process because of a routing failure (told why).
   */
  readonly counts: { players: number; received: number; lost: number; closed: number };
}

/** The planted router: takes any `out` for a player as its current attachment's. */
class AnyAttachmentRouter extends PlayerRouter {
  override handle(source: string, message: ClusterMessage): void {
    const attachment = message.k === "out" ? this.attachmentOf(message.c) : undefined;
    if (message.k !== "out" || attachment === undefined) return super.handle(source, message);
    super.handle(attachment.owner, { ...message, a: attachment.a, fence: Infinity });
  }
}

interface Player extends PlayerRecord {
  readonly received: string[];
  readonly events: ConnectionEvents;
  /** The player leaves on its own. */
  end(): Promise<void>;
  /** Closed by its process, not by its own leaving: told of a routing failure. */
  readonly closedByRouting: boolean;
}

const ROOMS = ["r0", "r1", "r2"];

/**
 * Runs the cluster for `steps` random actions, then lets it settle (partitions healed, leases
 * of the dead run out) and checks that every player received exactly what the owners of its
 * rooms addressed to it (see {@linkcode checkDeliveries}), and that no room has two owners.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runClusterSim } from "./cluster_sim.ts";
 * const report = await runClusterSim({ seed: 1, steps: 40 });
 * assert.deepEqual(report.violations, []);
 * assert.ok(report.counts.received > 0);
 * ```
 */
export async function runClusterSim(options: ClusterSimOptions): Promise<ClusterSimReport> {
  const { seed, nodes: nodeCount = 3, steps = 300, maxDelayMs = 20 } = options;
  const random = new Random(seed);
  const clock = new ManualClock(0);
  const weather = new BusWeather(random.fork(), maxDelayMs, () => clock.now());
  const redis = new MemoryRedis({ clock, deliver: (delivery) => weather.deliver(delivery) });
  const written = new Map<string, Written[]>();
  const names = Array.from({ length: nodeCount }, (_, n) => `n${n}`);
  const nodes = new Map<string, { node: ClusterNode; redis: MemoryRedisClient }>();
  for (const processId of names) {
    const client = options.plant === "steal-lease" ? stealing(redis.client()) : redis.client();
    const node = await ClusterNode.start({
      redis: client,
      processId,
      clock,
      application: createRoomsApplication({ store: new RedisStore({ redis: client }) }),
      roomOf: roomsGameRoomOf,
      leaseMs: 2_000,
      pingMs: 200,
      server: { limits: { idleTimeoutMs: 0 } },
      observe: (destination, out) => {
        const key = `${destination}/${out.c}`;
        const entry = { a: out.a, m: canonical(out.m), by: processId, at: clock.now() };
        written.set(key, [...written.get(key) ?? [], entry]);
      },
      router: options.plant === "any-attachment"
        ? (o: PlayerRouterOptions) => new AnyAttachmentRouter(o)
        : undefined,
    });
    nodes.set(processId, { node, redis: client });
  }
  const crashed = new Set<string>();
  const players: Player[] = [];
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  const pass = async (ms: number) => {
    for (let left = ms; left > 0; left -= 5) {
      clock.advance(Math.min(5, left));
      weather.runDue(clock.now());
      await settle();
    }
  };
  const connect = async (name: string) => {
    const decoder = new JsonParser().createDecoder();
    const received: string[] = [];
    let closedByServer = false;
    let ended = false;
    const admission = nodes.get(name)!.node.server.accept({
      bufferedBytes: 0,
      write: (bytes) => {
        for (const message of decoder.decode(bytes)) {
          if (message.kind === "commands") received.push(JSON.stringify(message.commands));
        }
      },
      drain: () => Promise.resolve(),
      close: () => Promise.resolve(void (closedByServer = true)),
    });
    if (!admission.accepted) return;
    players.push({
      node: name,
      index: admission.events.index,
      received,
      events: admission.events,
      end: () => {
        ended = true;
        return admission.events.end();
      },
      get closedByRouting() {
        return closedByServer && !ended;
      },
      get open() {
        return !closedByServer && !crashed.has(name);
      },
      get attachment() {
        return nodes.get(name)!.node.router.attachmentOf(admission.events.index)?.a;
      },
    });
    await settle();
  };
  let saves = 0;
  const twoOwners: string[] = [];
  for (let step = 0; step < steps; step++) {
    if (options.partition && step === Math.floor(steps / 3)) weather.partition("n0", "n1");
    if (options.partition && step === Math.floor(steps / 3) + 30) weather.heal();
    if (options.crash && step === Math.floor((2 * steps) / 3)) {
      const last = names[names.length - 1];
      crashed.add(last);
      await nodes.get(last)!.redis.close(); // nobody hears it, it hears nobody
    }
    const live = names.filter((name) => !crashed.has(name));
    const open = players.filter((player) => player.open);
    const roll = random.float();
    if (roll < 0.15 || open.length === 0) {
      if (open.length < 8) await connect(random.pick(live));
    } else if (roll < 0.2) {
      await random.pick(open).end();
    } else {
      const player = random.pick(open);
      const command = roll < 0.45
        ? { code: "goto", key: random.pick(ROOMS) }
        : roll < 0.8
        ? { code: "save", key: `k${random.int(0, 3)}`, state: ++saves }
        : roll < 0.9
        ? { code: "get", key: `k${random.int(0, 3)}` }
        : { code: "update", key: "list", index: random.int(0, 3), value: ++saves };
      await player.events.data(new TextEncoder().encode(JSON.stringify(command) + "\0"));
    }
    await pass(random.int(0, 15));
    for (const room of ROOMS) {
      const held = names.filter((name) =>
        !crashed.has(name) && nodes.get(name)!.node.leases.owns(room)
      );
      if (held.length > 1) {
        twoOwners.push(`room ${room} has two owners at ${clock.now()} ms: ${held}`);
      }
    }
  }
  weather.heal();
  await pass(5_000);
  const violations = [...checkDeliveries(players, written), ...twoOwners];
  const counts = {
    players: players.length,
    received: players.reduce((sum, player) => sum + player.received.length, 0),
    lost: [...nodes.values()].reduce((sum, { node }) => sum + (node.busCounts?.lost ?? 0), 0),
    closed: players.filter((player) => player.closedByRouting).length,
  };
  for (const [name, { node }] of nodes) if (!crashed.has(name)) await node.close();
  return { violations, counts };
}

/** A client whose lease script forgets the holder: whoever asks takes the room. */
function stealing(client: MemoryRedisClient): MemoryRedisClient {
  const evalScript = client.evalScript.bind(client);
  client.evalScript = (script, keys, args) =>
    script === LEASE_SCRIPTS.ACQUIRE
      ? evalScript(STEAL, keys, args)
      : evalScript(script, keys, args);
  return client;
}

const STEAL: RedisScript = {
  lua: "",
  model: (data, [lease, counter], [owner, ttl]) => {
    const fence = data.incr(counter);
    data.set(lease, `${fence}:${owner}`, Number(ttl));
    return fence;
  },
};

function canonical(text: string): string {
  return JSON.stringify(JSON.parse(text));
}
