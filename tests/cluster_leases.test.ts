/**
 * Room leases, on the in-memory Redis and on a real one: one owner at a time, renewal,
 * release, and the race after an expiry, where a stalled owner still believes it holds the
 * room and only the lease's guard on its writes keeps two owners from both acting.
 */
import assert from "node:assert/strict";
import type { Clock } from "../src/core/clock.ts";
import type { RedisClient } from "../src/cluster/redis_client.ts";
import { LeaseLostError, RedisStore } from "../src/cluster/redis_store.ts";
import { type Attempt, type Lease, LEASE_SCRIPTS, RoomLeases } from "../src/cluster/room_leases.ts";
import {
  type Backend,
  overriding,
  stalledClock,
  testOnBothRedis,
} from "./helpers/redis_backends.ts";

const TTL_MS = 1000; // renewed every 333 ms: room for a loaded machine's late timers

async function leasesOf(
  redis: Backend,
  processId: string,
  options: { clock?: Clock; client?: RedisClient; lost?: Lease[] } = {},
): Promise<RoomLeases> {
  return new RoomLeases({
    redis: options.client ?? await redis.connect(),
    clock: options.clock ?? redis.clock,
    processId,
    ttlMs: TTL_MS,
    onLost: (lease) => options.lost?.push(lease),
  });
}

/** `count` processes try to take `room` at once; what each got. */
async function race(processes: RoomLeases[], room: string): Promise<Attempt[]> {
  return await Promise.all(processes.map((process) => process.acquire(room)));
}

function winners(attempts: Attempt[]): Lease[] {
  return attempts.flatMap((attempt) => attempt.acquired ? [attempt.lease] : []);
}

testOnBothRedis("of processes racing for a free room, one takes it", async (redis) => {
  const processes = await Promise.all(
    ["a", "b", "c", "d", "e", "f"].map((id) => leasesOf(redis, id)),
  );
  const attempts = await race(processes, "lobby");
  const [winner, ...others] = winners(attempts);
  assert.equal(others.length, 0, "one owner");
  assert.equal(winner.fence, 1);
  for (const attempt of attempts) {
    if (!attempt.acquired) assert.deepEqual(attempt.holder, { owner: winner.owner, fence: 1 });
  }
  assert.deepEqual(await processes[0].holderOf("lobby"), { owner: winner.owner, fence: 1 });
  await Promise.all(processes.map((process) => process.close()));
  assert.equal(await processes[0].holderOf("lobby"), undefined, "closing released it");
});

testOnBothRedis(
  "a held lease is renewed past its ttl; a released one goes to the next, with a larger fence",
  async (redis) => {
    const lost: Lease[] = [];
    const [a, b] = [await leasesOf(redis, "a", { lost }), await leasesOf(redis, "b", { lost })];
    assert.equal((await a.acquire("table")).acquired, true);
    await redis.elapse(TTL_MS * 3);
    assert.ok(a.owns("table"), "renewed all along");
    assert.deepEqual(await b.acquire("table"), {
      acquired: false,
      holder: { owner: "a", fence: 1 },
    });
    assert.equal(await a.release("table"), true);
    assert.equal(a.owns("table"), false);
    const taken = await b.acquire("table");
    assert.ok(taken.acquired && taken.lease.fence === 2 && b.owns("table"));
    assert.equal(await a.release("table"), false, "not a's any more");
    assert.deepEqual(lost, []);
    await b.close();
  },
);

testOnBothRedis(
  "after an expiry, racers get one owner, and the stalled one's writes are refused",
  async (redis) => {
    const store = new RedisStore({ redis: await redis.connect() });
    const lost: Lease[] = [];
    // The first owner stalls: its clock stands still, so it never renews and still believes.
    let stalled = await leasesOf(redis, "p0", { clock: stalledClock(), lost });
    const first = await stalled.acquire("table");
    assert.ok(first.acquired);
    let stale = first.lease;
    await store.guardedBy(stale).set("table", "p0");
    for (let round = 1; round <= 3; round++) {
      await redis.elapse(TTL_MS + 100);
      const racers = await Promise.all(
        [1, 2, 3, 4].map((n) => leasesOf(redis, `r${round}.${n}`, { clock: stalledClock(), lost })),
      );
      const won = winners(await race(racers, "table"));
      assert.equal(won.length, 1, `round ${round}: one owner`);
      const [owner] = won;
      assert.equal(owner.fence, round + 1, "each taking has a larger fence");
      assert.ok(stalled.owns("table"), "the stalled owner still believes it holds the room");
      // What keeps it from acting as a second owner: its guarded writes are refused.
      await assert.rejects(store.guardedBy(stale).set("table", "stale"), LeaseLostError);
      await store.guardedBy(owner).set("table", owner.owner);
      assert.equal(await store.get("table"), owner.owner);
      // And once it wakes, its renewal fails and it lets the room go.
      assert.equal(await stalled.renew("table"), false);
      assert.equal(stalled.owns("table"), false);
      assert.equal(lost.length, 1, "the loss reported");
      lost.length = 0;
      // The new owner stalls in turn.
      stalled = racers.find((racer) => racer.processId === owner.owner)!;
      const others = racers.filter((racer) => racer !== stalled);
      for (const racer of others) await racer.close();
      stale = owner;
    }
  },
);

/**
 * A planted bug: acquire as GET, then INCR and SET in calls of their own, not one script. Two
 * racers can both find the room free; the race test must catch it.
 */
function nonAtomicAcquire(client: RedisClient): RedisClient {
  const { ACQUIRE } = LEASE_SCRIPTS;
  return overriding(client, {
    async evalScript(script, keys, args) {
      if (script !== ACQUIRE) return await client.evalScript(script, keys, args);
      const [lease, counter] = keys;
      const [owner, ttl] = args;
      const held = await client.get(lease);
      if (held !== null) return held;
      const fence = await client.incr(counter);
      await client.set(lease, `${fence}:${owner}`, { px: Number(ttl) });
      return fence;
    },
  });
}

testOnBothRedis(
  "planted: a non-atomic acquire gives two owners, and the race test sees it",
  async (redis) => {
    let worst = 0;
    for (let round = 0; round < 5 && worst < 2; round++) {
      const racers = await Promise.all([1, 2, 3, 4].map(async (n) =>
        leasesOf(redis, `r${n}`, {
          client: nonAtomicAcquire(await redis.connect()),
          clock: stalledClock(),
        })
      ));
      worst = Math.max(worst, winners(await race(racers, `room${round}`)).length);
    }
    assert.ok(worst >= 2, `the plant gave ${worst} owner(s) at most`);
  },
);

testOnBothRedis(
  "an owner cut off from Redis gives the room up when its lease runs out",
  async (redis) => {
    const lost: Lease[] = [];
    const connection = await redis.connect();
    const owner = await leasesOf(redis, "owner", { client: connection, lost });
    assert.ok((await owner.acquire("table")).acquired);
    await connection.close(); // its renewals now fail
    await redis.elapse(TTL_MS / 4);
    assert.ok(owner.owns("table"), "still valid, on its own clock");
    await redis.elapse(TTL_MS * 1.5);
    assert.equal(owner.owns("table"), false);
    const reported = lost.map((lease) => `${lease.room} ${lease.owner} ${lease.fence}`);
    assert.deepEqual(reported, ["table owner 1"]);
    const next = await leasesOf(redis, "next");
    const taken = await next.acquire("table");
    assert.ok(taken.acquired && taken.lease.fence === 2, "Redis let it expire too");
    await next.close();
  },
);

testOnBothRedis(
  "past its local validity, a lease Redis still has is renewed by acquire",
  async (redis) => {
    let now = 0; // this process's clock runs ahead of Redis's, and fires no renewal
    const clock: Clock = { now: () => now, schedule: () => () => {} };
    const lost: Lease[] = [];
    const owner = await leasesOf(redis, "owner", { clock, lost });
    assert.ok((await owner.acquire("table")).acquired);
    now = TTL_MS;
    assert.equal(owner.owns("table"), false);
    const again = await owner.acquire("table");
    assert.ok(again.acquired && again.lease.fence === 1 && owner.owns("table"));
    assert.deepEqual(lost, []);
    await owner.close();
  },
);
