/**
 * The two Redis backends the cluster tests run the same assertions on: the in-memory Redis
 * on a manual clock, and a real redis-server through the `redis` npm package.
 */
import { test } from "node:test";
import type { Clock } from "../../src/core/clock.ts";
import { ManualClock } from "../../src/core/manual_clock.ts";
import { systemClock } from "../../src/adapter/system_clock.ts";
import { MemoryRedis } from "../../src/cluster/memory_redis.ts";
import type { RedisClient } from "../../src/cluster/redis_client.ts";
import { connectNodeRedis } from "../../examples/cluster/redis_npm.ts";
import { redisServerMissing, startRedisServer } from "./redis_server.ts";

/** A connection of one process, which it can close. */
export type Connection = RedisClient & { close(): Promise<void> };

/** One Redis, as a test sees it. */
export interface Backend {
  readonly name: string;
  /** A new connection, as one process holds. */
  connect(): Promise<Connection>;
  /** The clock of a live process: Redis's own time in memory, the system's for real. */
  readonly clock: Clock;
  /** Lets `ms` of Redis's time pass (in memory at once, for real by waiting). */
  elapse(ms: number): Promise<void>;
  /** Waits until `condition` holds (at most 3 s), letting deliveries happen. */
  until(condition: () => boolean, what: string): Promise<void>;
}

/** `client` with some of its commands replaced: for planted bugs and cut links. */
export function overriding(client: RedisClient, changes: Partial<RedisClient>): RedisClient {
  return {
    get: (key) => client.get(key),
    set: (key, value, options) => client.set(key, value, options),
    del: (key) => client.del(key),
    incr: (key) => client.incr(key),
    evalScript: (script, keys, args) => client.evalScript(script, keys, args),
    publish: (channel, message) => client.publish(channel, message),
    subscribe: (channel, listener) => client.subscribe(channel, listener),
    unsubscribe: (channel) => client.unsubscribe(channel),
    ...changes,
  };
}

/** The clock of a stalled process: its time stands still and its timers never fire. */
export function stalledClock(at = 0): Clock {
  return { now: () => at, schedule: () => () => {} };
}

const REDIS_PACKAGE = "redis"; // a variable: type-checking without node_modules must not resolve it
const redisPackageMissing: string | false = await import(REDIS_PACKAGE).then(
  () => false as const,
  () => "the redis package is not installed",
);

/** Why the real-Redis tests are skipped here, or false. */
export const realRedisSkip: string | false = redisServerMissing || redisPackageMissing;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string, step: number): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(step);
  }
}

/** Runs `body` on a fresh in-memory Redis. */
export async function withMemory(body: (backend: Backend) => Promise<void>): Promise<void> {
  const clock = new ManualClock(1_000_000);
  const server = new MemoryRedis({ clock });
  await body({
    name: "memory",
    connect: () => Promise.resolve(server.client()),
    clock,
    async elapse(ms) {
      // In steps, with the promises of what fired settled in between, as time would pass.
      for (let left = ms; left > 0; left -= 10) {
        clock.advance(Math.min(10, left));
        await pause(0);
      }
    },
    until: (condition, what) => until(condition, what, 0),
  });
}

/** Runs `body` on a fresh redis-server, stopped afterwards with its connections. */
export async function withRealRedis(body: (backend: Backend) => Promise<void>): Promise<void> {
  const server = await startRedisServer();
  const connections: Connection[] = [];
  try {
    await body({
      name: "redis-server",
      async connect() {
        const connection = (await connectNodeRedis(server.url))!;
        connections.push(connection);
        return connection;
      },
      clock: systemClock,
      elapse: (ms) => pause(ms),
      until: (condition, what) => until(condition, what, 5),
    });
  } finally {
    await Promise.allSettled(connections.map((connection) => connection.close()));
    await server.stop();
  }
}

/**
 * Registers `body` as one test per backend: `<name> [memory]` and `<name> [redis-server]`
 * (skipped where redis-server or the redis package is missing).
 */
export function testOnBothRedis(name: string, body: (backend: Backend) => Promise<void>): void {
  test(`${name} [memory]`, () => withMemory(body));
  test(
    `${name} [redis-server]`,
    { skip: realRedisSkip },
    () => withRealRedis(body),
  );
}
