/**
 * A room owner's view of the shared store: its writes pass only while the room is still its
 * own, and a refusal is the player's error and the owner's news that it lost the room.
 *
 * @module
 */
import { CommandError } from "../core/application.ts";
import type { StateStore } from "../store/state_store.ts";
import { LeaseLostError, type RedisStore } from "./redis_store.ts";

/** A room's lease as a guarded write compares it. */
export interface RoomGuard {
  readonly room: string;
  readonly key: string;
  readonly token: string;
}

/** What a player whose write was refused is answered. */
export const ROOM_MOVED = "the room moved to another server: reconnect";

/**
 * `store` with writes guarded by `guard` (none: every write refused). A refused write throws
 * a `CommandError` ({@linkcode ROOM_MOVED}), and calls `lost` with the room, so the owner
 * checks its lease at once instead of at its next renewal. Reads are not guarded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CommandError } from "../core/application.ts";
 * import { MemoryRedis } from "./memory_redis.ts";
 * import { RedisStore } from "./redis_store.ts";
 * import { leaseGuarded } from "./lease_guarded_store.ts";
 * const redis = new MemoryRedis().client();
 * await redis.set("zb:lease:t1", "2:b");
 * const lost: string[] = [];
 * const store = new RedisStore({ redis });
 * const mine = leaseGuarded(store, { room: "t1", key: "zb:lease:t1", token: "1:a" }, (room) => lost.push(room));
 * assert.ok(await mine.set("t1", 1).catch((error) => error) instanceof CommandError);
 * assert.deepEqual(lost, ["t1"]);
 * assert.equal(await store.get("t1"), undefined);
 * ```
 */
export function leaseGuarded(
  store: RedisStore,
  guard: RoomGuard | undefined,
  lost: (room: string) => void,
): StateStore {
  const guarded = guard === undefined ? undefined : store.guardedBy(guard);
  return {
    limits: store.limits,
    get: (key) => store.get(key),
    async set(key, value) {
      if (guarded === undefined) throw new CommandError(ROOM_MOVED);
      try {
        await guarded.set(key, value);
      } catch (error) {
        if (!(error instanceof LeaseLostError)) throw error;
        lost(guard!.room);
        throw new CommandError(ROOM_MOVED);
      }
    },
  };
}
