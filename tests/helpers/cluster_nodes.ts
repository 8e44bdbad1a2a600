/**
 * Several cluster processes in one test process, each a ClusterNode on its own Redis
 * connection, with in-memory clients connected to any of them.
 */
import type { Clock } from "../../src/core/clock.ts";
import { ClusterNode, type ClusterNodeOptions } from "../../src/cluster/cluster_node.ts";
import type { RoomOf } from "../../src/cluster/player_router.ts";
import type { RedisClient } from "../../src/cluster/redis_client.ts";
import { TestClient } from "./harness.ts";

/** Options of {@linkcode startCluster}. */
export interface ClusterSetup {
  /** The process ids, one node each. */
  names: readonly string[];
  /** A new Redis connection, one per node. */
  connect(): Promise<RedisClient>;
  /** The game of one node, given its Redis connection (for a RedisStore), or its maker. */
  application(redis: RedisClient): ClusterNodeOptions["application"];
  roomOf: RoomOf;
  clock: Clock;
  /** A node's own clock (a stalled process), instead of `clock`. */
  clockOf?: (processId: string) => Clock | undefined;
  leaseMs?: number;
  pingMs?: number;
  /**
   * How long the cluster must stay still to count as quiet. Default 45 ms: a real Redis on a
   * loaded machine can take 15 ms to answer, and a test that reads too early races it.
   */
  stillMs?: number;
}

/** Nodes, and clients on them; `quiet` waits until nothing moves any more. */
export async function startCluster(setup: ClusterSetup) {
  const nodes = new Map<string, ClusterNode>();
  const clients: TestClient[] = [];
  for (const processId of setup.names) {
    const redis = await setup.connect();
    nodes.set(
      processId,
      await ClusterNode.start({
        redis,
        processId,
        clock: setup.clockOf?.(processId) ?? setup.clock,
        application: setup.application(redis),
        roomOf: setup.roomOf,
        leaseMs: setup.leaseMs,
        pingMs: setup.pingMs,
        server: { limits: { idleTimeoutMs: 0 } },
      }),
    );
  }
  const stillMs = setup.stillMs ?? 45;
  const state = () => clients.map((client) => `${client.messages.length}/${client.closed}`).join();
  /** Waits until no client received anything or was closed for `stillMs` (at most 5 s). */
  const quiet = async () => {
    const deadline = Date.now() + 5_000;
    let before = state();
    for (let still = 0; still < 3 && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, stillMs / 3));
      const now = state();
      still = now === before ? still + 1 : 0;
      before = now;
    }
  };
  return {
    nodes,
    clients,
    node: (name: string) => nodes.get(name)!,
    quiet,
    /** A client of the node `name`, once its connection is set up. */
    async connect(name: string): Promise<TestClient> {
      const client = new TestClient();
      client.admission = nodes.get(name)!.server.accept(client.connection);
      clients.push(client);
      await quiet();
      return client;
    },
    /** Sends a command and waits until the cluster is quiet again. */
    async send(client: TestClient, command: Record<string, unknown>): Promise<void> {
      await client.send(command as never);
      await quiet();
    },
    async close(): Promise<void> {
      for (const node of nodes.values()) await node.close();
    },
  };
}
