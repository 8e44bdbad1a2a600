/**
 * Rooms owned by one process at a time: a lease per room in Redis, taken with a fencing
 * number, renewed by its owner, released or left to expire.
 *
 * @module
 */
import type { Cancel, Clock } from "../core/clock.ts";
import type { RedisClient, RedisScript } from "./redis_client.ts";

/** A room held by this process. */
export interface Lease {
  readonly room: string;
  /** The process that holds it. */
  readonly owner: string;
  /**
   * The fencing number: each taking of the room gets a larger one than every earlier taking,
   * so whoever sees two owners' messages keeps the later owner's.
   */
  readonly fence: number;
  /** The lease key's value in Redis, `fence:owner`: what a write guarded by it compares. */
  readonly token: string;
  /** The Redis key of the lease. */
  readonly key: string;
  /** Until when, on this process's clock, nobody else can hold it (if Redis keeps time). */
  readonly validUntil: number;
}

/** Who holds a room, as Redis says. */
export interface Holder {
  readonly owner: string;
  readonly fence: number;
}

/** What {@linkcode RoomLeases.acquire} got: the lease, or who holds the room. */
export type Attempt =
  | { readonly acquired: true; readonly lease: Lease }
  | { readonly acquired: false; readonly holder: Holder };

/** Options of {@linkcode RoomLeases}. */
export interface RoomLeasesOptions {
  redis: RedisClient;
  /** Time and timers (renewals). */
  clock: Clock;
  /** This run of this process: never reuse one after a restart. No ":" needed or forbidden. */
  processId: string;
  /** How long a lease lives unless renewed. Default 10,000 ms. */
  ttlMs?: number;
  /** How often a held lease is renewed. Default a third of `ttlMs`. */
  renewMs?: number;
  /** Prefix of the Redis keys. Default "zb:". */
  prefix?: string;
  /** A held lease was lost: taken by another after expiry, or not renewed in time. */
  onLost?: (lease: Lease) => void;
}

/**
 * Takes a free room atomically: if the lease key is free, the room's fence counter is
 * incremented and the lease set to `fence:owner` with its expiry, in one script, so fences
 * grow in the order owners take the room (INCR then SET NX in two calls would not ensure
 * that). Answers the new fence, or the current holder's `fence:owner`.
 */
const ACQUIRE: RedisScript = {
  lua: `local held = redis.call('GET', KEYS[1])
if held then return held end
local fence = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], fence .. ':' .. ARGV[1], 'PX', ARGV[2])
return fence`,
  model: (data, [lease, counter], [owner, ttl]) => {
    const held = data.get(lease);
    if (held !== null) return held;
    const fence = data.incr(counter);
    data.set(lease, `${fence}:${owner}`, Number(ttl));
    return fence;
  },
};

/** Extends the lease if it still holds `token`: 1, else 0. */
const RENEW: RedisScript = {
  lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`,
  model: (data, [lease], [token, ttl]) =>
    data.get(lease) === token ? data.pexpire(lease, Number(ttl)) : 0,
};

/** Deletes the lease if it still holds `token`: 1, else 0. */
const RELEASE: RedisScript = {
  lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  model: (data, [lease], [token]) => data.get(lease) === token ? data.del(lease) : 0,
};

/**
 * The lease scripts, for tests and clients that treat them apart (a planted bug, a proxy).
 *
 * @example
 * ```ts
 * import { MemoryRedis } from "./memory_redis.ts";
 * import { LEASE_SCRIPTS } from "./room_leases.ts";
 * const redis = new MemoryRedis().client();
 * const take = () => redis.evalScript(LEASE_SCRIPTS.ACQUIRE, ["lease", "fence"], ["a", "1000"]);
 * if (await take() !== 1 || await take() !== "1:a") throw new Error("taken once, then held");
 * if (await redis.evalScript(LEASE_SCRIPTS.RELEASE, ["lease"], ["1:b"]) !== 0) throw new Error();
 * ```
 */
export const LEASE_SCRIPTS: Readonly<Record<string, RedisScript>> = Object.freeze({
  ACQUIRE,
  RENEW,
  RELEASE,
});

/** `fence:owner` read back. */
function parseHolder(value: string): Holder {
  const colon = value.indexOf(":");
  return { fence: Number(value.slice(0, colon)), owner: value.slice(colon + 1) };
}

interface Held {
  lease: Lease;
  cancel: Cancel;
}

/**
 * The leases of one process. A lease taken is renewed every `renewMs` while held; it is
 * valid locally until `validUntil`, counted from when the request that took or renewed it
 * was sent, less a drift allowance (1% of the ttl and 2 ms, as Redlock allows), so the
 * process stops acting as owner before Redis can give the room to another. A process that
 * stalls past that (a pause, a partition) may still believe it owns the room: what it then
 * writes must be guarded by the lease ({@linkcode RedisStore.guardedBy}) or carry its fence.
 *
 * @example
 * ```ts
 * import { ManualClock } from "../core/manual_clock.ts";
 * import { MemoryRedis } from "./memory_redis.ts";
 * import { RoomLeases } from "./room_leases.ts";
 * const clock = new ManualClock();
 * const redis = new MemoryRedis({ clock });
 * const lost: string[] = [];
 * const a = new RoomLeases({ redis: redis.client(), clock, processId: "a", ttlMs: 1000 });
 * const b = new RoomLeases({
 *   redis: redis.client(), clock, processId: "b", ttlMs: 1000, onLost: (l) => lost.push(l.room),
 * });
 * const first = await a.acquire("lobby");
 * const second = await b.acquire("lobby");
 * if (!first.acquired || second.acquired || second.holder.owner !== "a") throw new Error("one");
 * await a.release("lobby");
 * const third = await b.acquire("lobby");
 * if (!third.acquired || third.lease.fence !== 2 || !b.owns("lobby")) throw new Error("b's now");
 * await b.close();
 * if (lost.length !== 0 || await redis.client().get("zb:lease:lobby") !== null) throw new Error();
 * ```
 */
export class RoomLeases {
  readonly processId: string;
  readonly ttlMs: number;
  readonly renewMs: number;
  readonly #redis: RedisClient;
  readonly #clock: Clock;
  readonly #prefix: string;
  readonly #driftMs: number;
  readonly #onLost: (lease: Lease) => void;
  readonly #held = new Map<string, Held>();

  constructor(options: RoomLeasesOptions) {
    this.processId = options.processId;
    this.ttlMs = options.ttlMs ?? 10_000;
    this.renewMs = options.renewMs ?? Math.floor(this.ttlMs / 3);
    this.#driftMs = Math.floor(this.ttlMs / 100) + 2;
    if (!Number.isSafeInteger(this.ttlMs) || this.ttlMs <= this.#driftMs) {
      throw new RangeError("ttlMs must be an integer over 2 ms");
    }
    if (!(this.renewMs > 0 && this.renewMs < this.ttlMs - this.#driftMs)) {
      throw new RangeError("renewMs must be positive and shorter than the lease");
    }
    this.#redis = options.redis;
    this.#clock = options.clock;
    this.#prefix = options.prefix ?? "zb:";
    this.#onLost = options.onLost ?? (() => {});
  }

  /** The Redis key of a room's lease. */
  keyOf(room: string): string {
    return `${this.#prefix}lease:${room}`;
  }

  /**
   * Takes `room` if it is free, else says who holds it. A lease this process holds is given
   * back as it is while valid; past its local validity it is renewed if Redis still has it.
   */
  async acquire(room: string): Promise<Attempt> {
    const mine = this.#held.get(room);
    if (mine && this.#clock.now() < mine.lease.validUntil) {
      return { acquired: true, lease: mine.lease };
    }
    if (mine && await this.renew(room)) return { acquired: true, lease: this.leaseOf(room)! };
    const sentAt = this.#clock.now();
    const key = this.keyOf(room);
    const reply = await this.#redis.evalScript(
      ACQUIRE,
      [key, `${this.#prefix}fence:${room}`],
      [this.processId, String(this.ttlMs)],
    );
    if (typeof reply === "string") return { acquired: false, holder: parseHolder(reply) };
    const fence = Number(reply);
    const token = `${fence}:${this.processId}`;
    const lease = { room, owner: this.processId, fence, token, key, validUntil: 0 };
    this.#hold({ ...lease, validUntil: sentAt + this.ttlMs - this.#driftMs });
    return { acquired: true, lease: this.#held.get(room)!.lease };
  }

  /** Whether this process holds `room` now, on its own clock. */
  owns(room: string): boolean {
    const held = this.#held.get(room);
    return held !== undefined && this.#clock.now() < held.lease.validUntil;
  }

  /** The lease held on `room`, if any (valid or not: see {@linkcode owns}). */
  leaseOf(room: string): Lease | undefined {
    return this.#held.get(room)?.lease;
  }

  /** Who holds `room` now, as Redis says. */
  async holderOf(room: string): Promise<Holder | undefined> {
    const value = await this.#redis.get(this.keyOf(room));
    return value === null ? undefined : parseHolder(value);
  }

  /** Extends the lease on `room` now: false (and `onLost`) if it was lost. */
  async renew(room: string): Promise<boolean> {
    const held = this.#held.get(room);
    if (held === undefined) return false;
    const sentAt = this.#clock.now();
    const { lease } = held;
    const renewed = await this.#redis.evalScript(RENEW, [lease.key], [
      lease.token,
      String(this.ttlMs),
    ]);
    if (this.#held.get(room) !== held) return false; // released meanwhile
    if (renewed !== 1) {
      this.#lose(held);
      return false;
    }
    held.cancel();
    this.#hold({ ...lease, validUntil: sentAt + this.ttlMs - this.#driftMs });
    return true;
  }

  /** Gives `room` up: true if Redis still had our lease and deleted it. */
  async release(room: string): Promise<boolean> {
    const held = this.#held.get(room);
    if (held === undefined) return false;
    held.cancel();
    this.#held.delete(room);
    return await this.#redis.evalScript(RELEASE, [held.lease.key], [held.lease.token]) === 1;
  }

  /** Rooms held now. */
  rooms(): string[] {
    return [...this.#held.keys()];
  }

  /** Stops renewing and releases every room held. */
  async close(): Promise<void> {
    await Promise.allSettled(this.rooms().map((room) => this.release(room)));
  }

  #hold(lease: Lease): void {
    const held: Held = { lease, cancel: () => {} };
    held.cancel = this.#clock.schedule(this.#clock.now() + this.renewMs, () => {
      if (this.#held.get(lease.room) !== held) return;
      if (this.#clock.now() >= lease.validUntil) return this.#lose(held);
      // A failed call (Redis away) is retried at the next tick, until the lease runs out.
      this.renew(lease.room).catch(() => {
        if (this.#held.get(lease.room) === held) {
          held.cancel();
          this.#hold(lease);
        }
      });
    });
    this.#held.set(lease.room, held);
  }

  #lose(held: Held): void {
    held.cancel();
    this.#held.delete(held.lease.room);
    this.#onLost(held.lease);
  }
}
