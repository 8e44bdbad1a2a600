/**
 * Failover between real processes on a real Redis: a process takes a room and saves its
 * state, is killed with SIGKILL, and another process takes the room over once the lease
 * expires, with the state the dead one saved. (Real processes only: the memory Redis half of
 * the same logic is in cluster_leases.test.ts.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { systemClock } from "../src/adapter/system_clock.ts";
import { RedisStore } from "../src/cluster/redis_store.ts";
import { RoomLeases } from "../src/cluster/room_leases.ts";
import { connectNodeRedis } from "../examples/cluster/redis_npm.ts";
import { ROOT } from "./helpers/cli_process.ts";
import { realRedisSkip } from "./helpers/redis_backends.ts";
import { startRedisServer } from "./helpers/redis_server.ts";

const onDeno = typeof Deno !== "undefined";
const TTL_MS = 500;

/** The holder, on the runtime running the tests; `holding` resolves with its first line. */
function startHolder(url: string, room: string, state: string) {
  const script = "examples/cluster/lease_holder.ts";
  const args = [script, url, room, state, String(TTL_MS)];
  const child = onDeno
    ? spawn(Deno.execPath(), ["run", "--allow-net", "--allow-env", "--allow-read", ...args], {
      cwd: ROOT,
    })
    : spawn(process.execPath, ["--import", "tsx", ...args], { cwd: ROOT });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let output = "";
  const holding = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "holding" in 30 s: ${output}`)), 30_000);
    child.stdout.on("data", (data) => {
      output += data;
      const line = /holding \d+/.exec(output);
      if (line) resolve(line[0]), clearTimeout(timer);
    });
    child.stderr.on("data", (data) => output += data);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the holder exited (${code}): ${output}`));
    });
  });
  return { child, exited, holding };
}

test(
  "a room's owner killed with SIGKILL: another process takes the room over, with its saved state",
  {
    skip: realRedisSkip,
  },
  async () => {
    const server = await startRedisServer();
    const redis = (await connectNodeRedis(server.url))!;
    const holder = startHolder(server.url, "table", '{"pot":40}');
    try {
      assert.equal(await holder.holding, "holding 1");
      const leases = new RoomLeases({
        redis,
        clock: systemClock,
        processId: "next",
        ttlMs: TTL_MS,
      });
      const pid = holder.child.pid!;
      assert.deepEqual(await leases.acquire("table"), {
        acquired: false,
        holder: { owner: `holder-${pid}`, fence: 1 },
      });
      await new Promise((resolve) => setTimeout(resolve, TTL_MS * 2));
      assert.equal((await leases.acquire("table")).acquired, false, "renewed by the live holder");
      holder.child.kill("SIGKILL");
      await holder.exited;
      const killedAt = Date.now();
      let attempt = await leases.acquire("table");
      while (!attempt.acquired && Date.now() - killedAt < 5_000) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        attempt = await leases.acquire("table");
      }
      assert.ok(attempt.acquired, "taken over");
      assert.equal(attempt.lease.fence, 2);
      assert.ok(Date.now() - killedAt <= TTL_MS + 2_000, "within the lease's ttl (and slack)");
      const store = new RedisStore({ redis });
      assert.deepEqual(await store.get("table"), { pot: 40 }, "the dead owner's save survived");
      await store.guardedBy(attempt.lease).set("table", { pot: 80 });
      assert.deepEqual(await store.get("table"), { pot: 80 });
      await leases.close();
    } finally {
      holder.child.kill("SIGKILL");
      await holder.exited;
      await redis.close();
      await server.stop();
    }
  },
);
