/**
 * What the cluster needs from Redis: a handful of commands, scripts, and pub/sub. The package
 * has no Redis client of its own; a game injects one (the `redis` npm package through the
 * adapter in `examples/cluster/redis_npm.ts`, or {@linkcode MemoryRedis} in tests and the
 * simulator) that satisfies {@linkcode RedisClient}.
 *
 * @module
 */

/** What a command or a script answers: a bulk string, an integer, or nil. */
export type RedisReply = string | number | null;

/**
 * The data a script's in-memory model reads and writes: the few Redis commands the cluster's
 * scripts call, done at once, as a script runs on Redis. Times are in milliseconds.
 */
export interface ScriptData {
  /** GET: the string under `key`, or null. */
  get(key: string): string | null;
  /** SET, with an expiry `pxMs` from now if given (none otherwise, as SET clears it). */
  set(key: string, value: string, pxMs?: number): void;
  /** DEL: 1 if it removed `key`, else 0. */
  del(key: string): number;
  /** INCR: the integer under `key` plus one, stored (its expiry kept). */
  incr(key: string): number;
  /** PEXPIRE: 1 if `key` exists and now expires in `ms`, else 0. */
  pexpire(key: string, ms: number): number;
  /** HGET: the field of the hash `key`, or null. */
  hget(key: string, field: string): string | null;
  /** HSET of one field. */
  hset(key: string, field: string, value: string): void;
  /** HLEN: how many fields the hash `key` has. */
  hlen(key: string): number;
}

/**
 * A Lua script for Redis and the same logic over {@linkcode ScriptData}, for clients without
 * a Lua engine (the in-memory one). Each runs atomically: nothing else happens in between.
 * The cluster's tests run every script both ways and compare the answers.
 *
 * @example
 * ```ts
 * import { MemoryRedis } from "./memory_redis.ts";
 * import type { RedisScript } from "./redis_client.ts";
 * // Swap two keys' values, atomically.
 * const swap: RedisScript = {
 *   lua: "local a = redis.call('GET', KEYS[1]) redis.call('SET', KEYS[1], redis.call('GET', KEYS[2])) redis.call('SET', KEYS[2], a) return 1",
 *   model: (data, keys) => {
 *     const a = data.get(keys[0])!;
 *     data.set(keys[0], data.get(keys[1])!);
 *     data.set(keys[1], a);
 *     return 1;
 *   },
 * };
 * const redis = new MemoryRedis().client();
 * await redis.set("x", "1");
 * await redis.set("y", "2");
 * await redis.evalScript(swap, ["x", "y"], []);
 * if (await redis.get("x") !== "2" || await redis.get("y") !== "1") throw new Error("not swapped");
 * ```
 */
export interface RedisScript {
  /** The script's text, run by EVAL with the same keys and arguments. */
  readonly lua: string;
  /** The same logic on in-memory data. */
  readonly model: (
    data: ScriptData,
    keys: readonly string[],
    args: readonly string[],
  ) => RedisReply;
}

/** Options of {@linkcode RedisClient.set}. */
export interface SetOptions {
  /** Set only if the key does not exist (SET NX). */
  nx?: boolean;
  /** Expire the key this many milliseconds from now (SET PX). */
  px?: number;
}

/**
 * The Redis commands the cluster uses. Each process holds its own client; clients of
 * several processes share one Redis. Strings are UTF-8 on the wire.
 *
 * Pub/sub is Redis's: a message reaches the clients subscribed when it is published, at
 * most once, in publish order per publishing connection; one published while a subscriber
 * is away is lost. The bus ({@linkcode Bus}) detects such losses.
 *
 * @example
 * ```ts
 * import { MemoryRedis } from "./memory_redis.ts";
 * import type { RedisClient } from "./redis_client.ts";
 * const redis: RedisClient = new MemoryRedis().client();
 * if (!await redis.set("lease", "a", { nx: true, px: 1000 })) throw new Error("was free");
 * if (await redis.set("lease", "b", { nx: true })) throw new Error("was taken");
 * if (await redis.get("lease") !== "a") throw new Error("a holds it");
 * if (await redis.incr("fence") !== 1 || await redis.del("lease") !== 1) throw new Error("?");
 * ```
 */
export interface RedisClient {
  /** GET: the string under `key`, or null. */
  get(key: string): Promise<string | null>;
  /** SET, with NX and PX: true if it was set, false if NX found the key. */
  set(key: string, value: string, options?: SetOptions): Promise<boolean>;
  /** DEL of one key: 1 if it was there, else 0. */
  del(key: string): Promise<number>;
  /** INCR: the new value. */
  incr(key: string): Promise<number>;
  /** EVAL of `script.lua` (or, without Lua, `script.model`), atomically. */
  evalScript(script: RedisScript, keys: string[], args: string[]): Promise<RedisReply>;
  /** PUBLISH: how many subscribers the message reached. */
  publish(channel: string, message: string): Promise<number>;
  /**
   * SUBSCRIBE: `listener` gets each message published on `channel` from when this resolves
   * until {@linkcode RedisClient.unsubscribe}. One listener per channel and client.
   */
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  /** UNSUBSCRIBE: no more messages of `channel`. */
  unsubscribe(channel: string): Promise<void>;
}
