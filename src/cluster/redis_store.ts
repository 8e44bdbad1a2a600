/**
 * A state store in Redis, shared by every process of a cluster: a save acknowledged by one
 * process is read by the others, and outlives it.
 *
 * @module
 */
import type { JsonValue } from "../core/types.ts";
import { type StateStore, StateStoreError } from "../store/state_store.ts";
import { StateQuotaError } from "../store/state_store.ts";
import {
  checkKey,
  DEFAULT_STORE_LIMITS,
  serializeState,
  type StoreLimits,
  storeLimitsWith,
  utf8Length,
} from "../store/store_limits.ts";
import type { RedisClient, RedisScript } from "./redis_client.ts";

/**
 * Writes a state and its size if the quotas allow, in one script: the sizes of all keys are
 * a hash and their sum a counter, so processes sharing the store share its quotas. With a
 * fourth key, writes only while that lease key holds the token given.
 */
const SET_STATE: RedisScript = {
  lua: `if KEYS[4] and redis.call('GET', KEYS[4]) ~= ARGV[6] then return 'lease' end
local old = redis.call('HGET', KEYS[2], ARGV[1])
if not old and redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[4]) then return 'keys' end
local total = tonumber(redis.call('GET', KEYS[3]) or '0') - tonumber(old or '0') + tonumber(ARGV[3])
if total > tonumber(ARGV[5]) then return 'bytes' end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('SET', KEYS[3], total)
return 'ok'`,
  model: (data, [state, sizes, total, lease], [field, text, bytes, maxKeys, maxTotal, token]) => {
    if (lease !== undefined && data.get(lease) !== token) return "lease";
    const old = data.hget(sizes, field);
    if (old === null && data.hlen(sizes) >= Number(maxKeys)) return "keys";
    const sum = Number(data.get(total) ?? "0") - Number(old ?? "0") + Number(bytes);
    if (sum > Number(maxTotal)) return "bytes";
    data.set(state, text);
    data.hset(sizes, field, bytes);
    data.set(total, String(sum));
    return "ok";
  },
};

/** Options of {@linkcode RedisStore}: the client, a key prefix, and the limits. */
export interface RedisStoreOptions extends Partial<StoreLimits> {
  redis: RedisClient;
  /** Prefix of the Redis keys. Default "zb:store:". */
  prefix?: string;
}

/**
 * A write refused because the lease that guarded it is no longer the writer's: another
 * process took the room, whose state is now its to write. A StateStoreError: the client did
 * nothing wrong.
 *
 * @example
 * ```ts
 * import { StateStoreError } from "../store/state_store.ts";
 * import { MemoryRedis } from "./memory_redis.ts";
 * import { LeaseLostError, RedisStore } from "./redis_store.ts";
 * const store = new RedisStore({ redis: new MemoryRedis().client() });
 * const refused = await store.guardedBy({ key: "zb:lease:gone", token: "1:a" }).set("k", 1)
 *   .catch((error) => error);
 * if (!(refused instanceof LeaseLostError && refused instanceof StateStoreError)) throw refused;
 * ```
 */
export class LeaseLostError extends StateStoreError {
  constructor(message: string) {
    super(message);
    this.name = "LeaseLostError";
  }
}

/**
 * A {@linkcode StateStore} in Redis: each state's JSON under `<prefix>s:<key>`, and the
 * quotas' accounting beside it, updated in the same script as the state. Keys, states and
 * limits are as in the MemoryStore (default {@linkcode DEFAULT_STORE_LIMITS}); the quotas
 * count what every process stored, so give every process the same limits. A write resolves
 * once Redis has it: it outlives the process that made it. Whether it outlives Redis is
 * Redis's configuration (`appendonly yes`, `appendfsync always` to lose nothing).
 *
 * @example
 * ```ts
 * import { MemoryRedis } from "./memory_redis.ts";
 * import { RedisStore } from "./redis_store.ts";
 * const redis = new MemoryRedis();
 * const one = new RedisStore({ redis: redis.client(), maxKeys: 1 });
 * await one.set("dresser", [1, 2, 3]);
 * const other = new RedisStore({ redis: redis.client(), maxKeys: 1 }); // another process
 * if (JSON.stringify(await other.get("dresser")) !== "[1,2,3]") throw new Error("shared");
 * const full = await other.set("table", 1).then(() => "", (error) => error.message);
 * if (full !== "the store is full (at most 1 keys)") throw new Error(full);
 * ```
 */
export class RedisStore implements StateStore {
  /** The limits this store applies. */
  readonly limits: Readonly<StoreLimits>;
  readonly #redis: RedisClient;
  readonly #prefix: string;

  constructor(options: RedisStoreOptions) {
    this.limits = Object.freeze(storeLimitsWith(options, DEFAULT_STORE_LIMITS));
    this.#redis = options.redis;
    this.#prefix = options.prefix ?? "zb:store:";
  }

  /** The state under `key`, or undefined; a StateKeyError for a key no store holds. */
  async get(key: string): Promise<JsonValue | undefined> {
    checkKey(key, this.limits.maxKeyBytes);
    const text = await this.#redis.get(this.#stateKey(key));
    if (text === null) return undefined;
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new StateStoreError(`the state of a key is not JSON in Redis`, { cause: error });
    }
  }

  set(key: string, value: JsonValue): Promise<void> {
    return this.#set(key, value, undefined);
  }

  /**
   * This store, with writes that succeed only while `lease` (a room's lease in Redis, see
   * {@linkcode RoomLeases}) is still the one given: a process that lost its room, even one
   * that has not noticed yet, cannot overwrite the new owner's state.
   *
   * @example
   * ```ts
   * import { ManualClock } from "../core/manual_clock.ts";
   * import { MemoryRedis } from "./memory_redis.ts";
   * import { LeaseLostError, RedisStore } from "./redis_store.ts";
   * import { RoomLeases } from "./room_leases.ts";
   * const time = new ManualClock(); // Redis's
   * const redis = new MemoryRedis({ clock: time });
   * const leases = (processId: string) =>
   *   new RoomLeases({ redis: redis.client(), clock: new ManualClock(), processId, ttlMs: 100 });
   * const [a, b] = [leases("a"), leases("b")];
   * const store = new RedisStore({ redis: redis.client() });
   * const first = await a.acquire("table");
   * time.advance(1_000); // a stalls (its clock stands still): its lease expires unrenewed
   * const second = await b.acquire("table");
   * if (!first.acquired || !second.acquired || !a.owns("table")) throw new Error("a still believes");
   * await store.guardedBy(second.lease).set("table", "b's");
   * const stale = await store.guardedBy(first.lease).set("table", "a's").catch((e) => e);
   * if (!(stale instanceof LeaseLostError) || await store.get("table") !== "b's") throw stale;
   * ```
   */
  guardedBy(lease: { readonly key: string; readonly token: string }): StateStore {
    return {
      limits: this.limits,
      get: (key) => this.get(key),
      set: (key, value) => this.#set(key, value, lease),
    };
  }

  async #set(
    key: string,
    value: JsonValue,
    lease: { readonly key: string; readonly token: string } | undefined,
  ): Promise<void> {
    checkKey(key, this.limits.maxKeyBytes);
    const { text, bytes } = serializeState(value, this.limits.maxStateBytes);
    const keys = [this.#stateKey(key), `${this.#prefix}sizes`, `${this.#prefix}bytes`];
    const args = [
      key,
      text,
      String(utf8Length(key) + bytes),
      String(this.limits.maxKeys),
      String(this.limits.maxTotalBytes),
    ];
    if (lease) keys.push(lease.key), args.push(lease.token);
    const reply = await this.#redis.evalScript(SET_STATE, keys, args);
    if (reply === "ok") return;
    if (reply === "keys") {
      throw new StateQuotaError(`the store is full (at most ${this.limits.maxKeys} keys)`);
    }
    if (reply === "bytes") {
      throw new StateQuotaError(
        `the store is full (at most ${this.limits.maxTotalBytes} bytes stored)`,
      );
    }
    if (reply === "lease") throw new LeaseLostError(`the lease ${lease?.key} is held by another`);
    throw new StateStoreError(`unexpected reply from Redis: ${reply}`);
  }

  #stateKey(key: string): string {
    return `${this.#prefix}s:${key}`;
  }
}
