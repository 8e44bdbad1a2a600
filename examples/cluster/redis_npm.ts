/**
 * The `redis` npm package (node-redis, v5 or v6) as the cluster's {@linkcode RedisClient},
 * on Node and on Deno. The package is not a dependency of zerobyte: install it in your game
 * (`npm install redis`; Deno reads it from node_modules, or import `npm:redis`).
 *
 * ```ts ignore
 * import { createClient } from "redis"; // on Deno without node_modules: "npm:redis"
 * const redis = fromNodeRedis(createClient({ url: "redis://127.0.0.1:6379" }));
 * await redis.connect();
 * // ... new RedisStore({ redis }), new RoomLeases({ redis, ... }), Bus.open({ redis, ... })
 * await redis.close();
 * ```
 *
 * @module
 */
import type {
  RedisClient,
  RedisReply,
  RedisScript,
  SetOptions,
} from "../../src/cluster/redis_client.ts";

/**
 * What this adapter calls on a node-redis client: declared here, so the adapter type-checks
 * without the package installed.
 */
export interface NodeRedisLike {
  connect(): Promise<unknown>;
  close(): Promise<unknown>;
  duplicate(): NodeRedisLike;
  on(event: "error", listener: (error: unknown) => void): unknown;
  get(key: string): Promise<unknown>;
  set(key: string, value: string, options?: object): Promise<unknown>;
  del(key: string): Promise<unknown>;
  incr(key: string): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  publish(channel: string, message: string): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
}

/** A {@linkcode RedisClient} on node-redis, with the connection's lifecycle. */
export interface NodeRedisAdapter extends RedisClient {
  /** Connects the command connection (subscriptions get their own, on first use). */
  connect(): Promise<void>;
  /** Closes both connections. */
  close(): Promise<void>;
}

/**
 * Wraps a node-redis client, not yet connected. Pub/sub takes a connection of its own
 * (a subscribed RESP2 connection runs no other command): a `duplicate()`, made on the first
 * subscribe. Connection errors are passed to `onError` (default: ignored; node-redis
 * reconnects by itself, and commands meanwhile reject).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromNodeRedis, type NodeRedisLike } from "./redis_npm.ts";
 * // A stand-in for the package's client, answering as it does.
 * const calls: unknown[][] = [];
 * const fake = new Proxy({}, {
 *   get: (_, name) => (...args: unknown[]) => {
 *     calls.push([name, ...args]);
 *     return Promise.resolve(name === "set" ? "OK" : null);
 *   },
 * }) as NodeRedisLike;
 * const redis = fromNodeRedis(fake);
 * assert.equal(await redis.set("k", "v", { nx: true, px: 500 }), true);
 * assert.deepEqual(calls.at(-1), ["set", "k", "v", {
 *   condition: "NX",
 *   expiration: { type: "PX", value: 500 },
 * }]);
 * ```
 */
export function fromNodeRedis(
  client: NodeRedisLike,
  onError: (error: unknown) => void = () => {},
): NodeRedisAdapter {
  client.on("error", onError);
  let subscriber: Promise<NodeRedisLike> | undefined;
  const subscriberConnection = () => {
    subscriber ??= (async () => {
      const connection = client.duplicate();
      connection.on("error", onError);
      await connection.connect();
      return connection;
    })();
    return subscriber;
  };
  return {
    async connect() {
      await client.connect();
    },
    async close() {
      const connections = [client, ...subscriber ? [await subscriber] : []];
      await Promise.all(connections.map((connection) => connection.close()));
    },
    get: async (key) => asString(await client.get(key)),
    async set(key: string, value: string, options: SetOptions = {}) {
      const redisOptions: Record<string, unknown> = {};
      if (options.nx) redisOptions.condition = "NX";
      if (options.px !== undefined) redisOptions.expiration = { type: "PX", value: options.px };
      return await client.set(key, value, redisOptions) !== null;
    },
    del: async (key) => Number(await client.del(key)),
    incr: async (key) => Number(await client.incr(key)),
    async evalScript(script: RedisScript, keys: string[], args: string[]) {
      return asReply(await client.eval(script.lua, { keys, arguments: args }));
    },
    publish: async (channel, message) => Number(await client.publish(channel, message)),
    async subscribe(channel, listener) {
      await (await subscriberConnection()).subscribe(channel, (message) => listener(message));
    },
    async unsubscribe(channel) {
      if (subscriber) await (await subscriber).unsubscribe(channel);
    },
  };
}

/**
 * Connects to the Redis at `url` with the `redis` package, loaded by name at run time (so
 * this file type-checks and loads where the package is absent); undefined if it is not
 * installed.
 */
export async function connectNodeRedis(url: string): Promise<NodeRedisAdapter | undefined> {
  const name = "redis"; // a variable: checking this file must not resolve the package
  const module = await import(name).catch(() => undefined);
  if (module === undefined) return undefined;
  const redis = fromNodeRedis(module.createClient({ url }) as NodeRedisLike);
  await redis.connect();
  return redis;
}

function asString(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function asReply(value: unknown): RedisReply {
  if (typeof value === "number" || typeof value === "string" || value === null) return value;
  throw new Error(`a cluster script answered ${typeof value}`);
}
