/**
 * Redis in memory, for tests and the simulator: the commands of {@linkcode RedisClient} with
 * Redis's semantics, expiry on an injected clock, and pub/sub deliveries handed to an injected
 * scheduler, which may delay, reorder or drop them.
 *
 * @module
 */
import type { Clock } from "../core/clock.ts";
import type {
  RedisClient,
  RedisReply,
  RedisScript,
  ScriptData,
  SetOptions,
} from "./redis_client.ts";

/** One pub/sub message on its way to one subscriber; `run` hands it over. */
export interface PendingDelivery {
  readonly channel: string;
  readonly message: string;
  /** Delivers it, if the subscriber still listens to the channel. */
  run(): void;
}

/** Options of {@linkcode MemoryRedis}. */
export interface MemoryRedisOptions {
  /** The time, for expiries. Default: `Date.now`. */
  clock?: Pick<Clock, "now">;
  /** Called once per message and subscriber; default: runs it in a microtask. */
  deliver?: (delivery: PendingDelivery) => void;
}

type Entry =
  | { kind: "string"; value: string; expiresAt?: number }
  | { kind: "hash"; fields: Map<string, string>; expiresAt?: number };

type Listener = (message: string) => void;

/** Redis's answer to a command on a key of the wrong type. */
const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

/**
 * One Redis server in memory; {@linkcode MemoryRedis.client} gives each process its own
 * connection to it. Commands answer at once (in a resolved promise); a key whose expiry has
 * come is gone (`now >= expiresAt`); each command is atomic, and so is each script, run
 * through its {@linkcode RedisScript.model}.
 *
 * @example
 * ```ts
 * import { ManualClock } from "../core/manual_clock.ts";
 * import { MemoryRedis, type PendingDelivery } from "./memory_redis.ts";
 * const clock = new ManualClock();
 * const held: PendingDelivery[] = [];
 * const server = new MemoryRedis({ clock, deliver: (delivery) => held.push(delivery) });
 * const [a, b] = [server.client(), server.client()];
 * await a.set("lease", "a", { px: 100 });
 * clock.advance(100);
 * if (await b.get("lease") !== null) throw new Error("expired at 100 ms");
 * const got: string[] = [];
 * await b.subscribe("news", (message) => got.push(message));
 * await a.publish("news", "one");
 * await a.publish("news", "two");
 * held.reverse().forEach((delivery) => delivery.run()); // reordered by the scheduler
 * if (got.join() !== "two,one") throw new Error(got.join());
 * ```
 */
export class MemoryRedis implements ScriptData {
  readonly #clock: Pick<Clock, "now">;
  readonly #deliver: (delivery: PendingDelivery) => void;
  readonly #entries = new Map<string, Entry>();
  readonly #channels = new Map<string, Map<MemoryRedisClient, Listener>>();

  constructor(options: MemoryRedisOptions = {}) {
    this.#clock = options.clock ?? { now: () => Date.now() };
    this.#deliver = options.deliver ?? ((delivery) => queueMicrotask(() => delivery.run()));
  }

  /** A new connection, as one process holds. */
  client(): MemoryRedisClient {
    return new MemoryRedisClient(this);
  }

  /** Live keys, in no order: for tests and invariants. */
  keys(): string[] {
    return [...this.#entries.keys()].filter((key) => this.#entry(key) !== undefined);
  }

  get(key: string): string | null {
    const entry = this.#entry(key);
    if (entry === undefined) return null;
    if (entry.kind !== "string") throw new Error(WRONGTYPE);
    return entry.value;
  }

  set(key: string, value: string, pxMs?: number): void {
    const expiresAt = pxMs === undefined ? undefined : this.#expiry(pxMs);
    this.#entries.set(key, { kind: "string", value, expiresAt });
  }

  del(key: string): number {
    const existed = this.#entry(key) !== undefined;
    this.#entries.delete(key);
    return existed ? 1 : 0;
  }

  incr(key: string): number {
    const entry = this.#entry(key);
    const old = entry === undefined ? "0" : this.get(key)!;
    if (!/^-?\d{1,16}$/.test(old)) throw new Error("ERR value is not an integer or out of range");
    const value = Number(old) + 1;
    this.#entries.set(key, { kind: "string", value: String(value), expiresAt: entry?.expiresAt });
    return value;
  }

  pexpire(key: string, ms: number): number {
    const entry = this.#entry(key);
    if (entry === undefined) return 0;
    entry.expiresAt = this.#expiry(ms);
    return 1;
  }

  hget(key: string, field: string): string | null {
    return this.#hash(key, false)?.get(field) ?? null;
  }

  hset(key: string, field: string, value: string): void {
    this.#hash(key, true)!.set(field, value);
  }

  hlen(key: string): number {
    return this.#hash(key, false)?.size ?? 0;
  }

  /** Runs a script's model atomically (synchronously, so nothing else runs in between). */
  run(script: RedisScript, keys: readonly string[], args: readonly string[]): RedisReply {
    return script.model(this, keys, args);
  }

  /** Publishes to the connections subscribed now: how many. */
  publish(channel: string, message: string): number {
    const subscribers = [...this.#channels.get(channel) ?? []];
    for (const [client, listener] of subscribers) {
      this.#deliver({
        channel,
        message,
        run: () => {
          if (this.#channels.get(channel)?.get(client) === listener) listener(message);
        },
      });
    }
    return subscribers.length;
  }

  subscribe(client: MemoryRedisClient, channel: string, listener: Listener): void {
    const subscribers = this.#channels.get(channel) ?? new Map<MemoryRedisClient, Listener>();
    subscribers.set(client, listener);
    this.#channels.set(channel, subscribers);
  }

  unsubscribe(client: MemoryRedisClient, channel: string): void {
    const subscribers = this.#channels.get(channel);
    subscribers?.delete(client);
    if (subscribers?.size === 0) this.#channels.delete(channel);
  }

  /** Drops every subscription of `client`. */
  unsubscribeAll(client: MemoryRedisClient): void {
    for (const channel of [...this.#channels.keys()]) this.unsubscribe(client, channel);
  }

  #expiry(ms: number): number {
    if (!Number.isSafeInteger(ms) || ms < 1) throw new Error("ERR invalid expire time in 'set'");
    return this.#clock.now() + ms;
  }

  #entry(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry?.expiresAt !== undefined && this.#clock.now() >= entry.expiresAt) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #hash(key: string, create: boolean): Map<string, string> | undefined {
    const entry = this.#entry(key);
    if (entry === undefined) {
      if (!create) return undefined;
      const fields = new Map<string, string>();
      this.#entries.set(key, { kind: "hash", fields });
      return fields;
    }
    if (entry.kind !== "hash") throw new Error(WRONGTYPE);
    return entry.fields;
  }
}

/**
 * One process's connection to a {@linkcode MemoryRedis}. After {@linkcode close} its
 * subscriptions are gone and its commands reject, as a dead process's would.
 *
 * @example
 * ```ts
 * import { MemoryRedis } from "./memory_redis.ts";
 * const server = new MemoryRedis();
 * const [alive, dying] = [server.client(), server.client()];
 * await dying.subscribe("news", () => {});
 * await dying.close();
 * if (await alive.publish("news", "x") !== 0) throw new Error("nobody listens any more");
 * if (await dying.get("k").then(() => "answered", () => "rejected") !== "rejected") throw new Error();
 * ```
 */
export class MemoryRedisClient implements RedisClient {
  #closed = false;

  constructor(readonly server: MemoryRedis) {}

  get(key: string): Promise<string | null> {
    return this.#do(() => this.server.get(key));
  }

  set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
    return this.#do(() => {
      if (options.nx && this.server.get(key) !== null) return false;
      this.server.set(key, value, options.px);
      return true;
    });
  }

  del(key: string): Promise<number> {
    return this.#do(() => this.server.del(key));
  }

  incr(key: string): Promise<number> {
    return this.#do(() => this.server.incr(key));
  }

  evalScript(script: RedisScript, keys: string[], args: string[]): Promise<RedisReply> {
    return this.#do(() => this.server.run(script, keys, args));
  }

  publish(channel: string, message: string): Promise<number> {
    return this.#do(() => this.server.publish(channel, message));
  }

  subscribe(channel: string, listener: (message: string) => void): Promise<void> {
    return this.#do(() => this.server.subscribe(this, channel, listener));
  }

  unsubscribe(channel: string): Promise<void> {
    return this.#do(() => this.server.unsubscribe(this, channel));
  }

  /** Whether {@linkcode close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Ends the connection: subscriptions dropped, later commands rejected. */
  close(): Promise<void> {
    this.server.unsubscribeAll(this);
    this.#closed = true;
    return Promise.resolve();
  }

  #do<T>(command: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new Error("the connection is closed"));
    try {
      return Promise.resolve(command());
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
