/**
 * Killed (SIGKILL) in the middle of a save flood, then started again on the same directory:
 * every acknowledged save is there, whole, and no temp file is left. First the example
 * server itself, started with `--data` and flooded over TCP (on Node with tsx, and on Deno
 * when the tests run on Deno); then a FileStore alone in a process of its own.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FileStore } from "../src/store/file_store.ts";
import { CLI_RUNTIMES, CliProcess, type CliRuntime } from "./helpers/cli_process.ts";
import { floodState } from "./helpers/save_flood.ts";
import { TcpClient } from "./helpers/tcp_client.ts";
import { withTempDir } from "./helpers/temp_dir.ts";

const onDeno = typeof Deno !== "undefined";
/** Clients saving at once, each to keys of its own, each in a room of its own. */
const SAVERS = 4;
const KEYS_PER_SAVER = 5;

/** The example server with `--data directory` on a free port, and its port. */
async function startServer(runtime: CliRuntime, directory: string) {
  const server = new CliProcess(runtime, ["--port", "0", "--ws-port", "0", "--data", directory]);
  try {
    return { server, port: await server.port() };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/**
 * Floods a running server with saves until a moment that depends on `seed`, then kills it.
 * Records the last acknowledged `n` of each key in `acknowledged`: numbers grow per key, and
 * each key has one client, in a room of its own.
 */
async function floodThenKill(
  { server, port }: { server: CliProcess; port: number },
  seed: number,
  acknowledged: Map<string, number>,
): Promise<void> {
  const clients: TcpClient[] = [];
  let next = seed * 100_000;
  let random = seed;
  const draw = (below: number) => (random = (random * 1664525 + 1013904223) >>> 0) % below;
  const killAt = 40 + draw(80);
  let acks = 0;
  try {
    clients.push(...await TcpClient.connectMany(port, SAVERS));
    for (const [i, client] of clients.entries()) {
      await client.send({ code: "goto", key: `room${i}` });
      await client.next();
    }
    const saver = async (i: number, client: TcpClient) => {
      while (acks < killAt) {
        const key = `seed${seed}s${i}k${draw(KEYS_PER_SAVER)}`;
        await client.send({ code: "save", key, state: floodState(next++) });
        const [reply] = await client.next(10_000);
        if (reply.success !== true) continue; // over the rate: not taken
        acknowledged.set(key, (reply.state as { n: number }).n);
        acks++;
      }
    };
    await Promise.all(clients.map((client, i) => saver(i, client)));
  } finally {
    // SIGKILL while the other savers' saves are on their way.
    await server.stop();
    await Promise.all(clients.map((client) => client.close().catch(() => {})));
  }
  assert.ok(acks >= killAt, server.output());
}

/** Every acknowledged save is in the server's store, whole; the directory has no temp file. */
async function checkKept(
  directory: string,
  port: number,
  acknowledged: ReadonlyMap<string, number>,
): Promise<void> {
  const names = await readdir(directory);
  assert.deepEqual(names.filter((name) => !name.startsWith("h_")), [], "no temp file");
  const [reader] = await TcpClient.connectMany(port, 1);
  try {
    for (const [key, n] of acknowledged) {
      await reader.send({ code: "get", key });
      const [{ state }] = await reader.next();
      const stored = state as { n: number };
      assert.ok(stored?.n >= n, `${key}: ${stored?.n} stored, ${n} acknowledged`);
      assert.deepEqual(stored, floodState(stored.n), `${key} is whole`);
    }
  } finally {
    await reader.close();
  }
}

for (const runtime of CLI_RUNTIMES) {
  test(
    `the ${runtime.name} server, killed during saves (seeds 1, 2, 3), restarts with every acknowledged save`,
    { skip: runtime.skip },
    async () => {
      await withTempDir(async (directory) => {
        // A temp file as a crash long ago left it: the start removes it.
        await writeFile(join(directory, ".tmp-00000000-stale"), '{"key":"stale"');
        const acknowledged = new Map<string, number>();
        let running = await startServer(runtime, directory);
        try {
          await checkKept(directory, running.port, acknowledged);
          for (const seed of [1, 2, 3]) {
            await floodThenKill(running, seed, acknowledged);
            running = await startServer(runtime, directory);
            await checkKept(directory, running.port, acknowledged);
          }
          assert.ok(acknowledged.size >= 3 * KEYS_PER_SAVER, `${acknowledged.size} keys saved`);
        } finally {
          running.server.signal("SIGTERM");
          await running.server.exit().catch(() => running.server.stop());
        }
      });
    },
  );
}

const SCRIPT = "tests/helpers/save_flood.ts";
const STORE_RUNTIMES: CliRuntime[] = [
  { name: "node", command: "node", args: ["--import", "tsx", SCRIPT], skip: false },
  {
    name: "deno",
    command: onDeno ? Deno.execPath() : "node_modules/.bin/deno",
    args: ["run", "--allow-read", "--allow-write", "--allow-env", SCRIPT],
    skip: !onDeno && "runs when the tests run on Deno",
  },
];

for (const runtime of STORE_RUNTIMES) {
  test(`FileStore alone on ${runtime.name}, killed during saves: every acknowledged save is kept`, {
    skip: runtime.skip,
  }, async () => {
    await withTempDir(async (directory) => {
      const child = new CliProcess(runtime, [directory, "1"]);
      try {
        await child.line(/^ready$/);
        await child.line(/^ack k\d+ 187$/); // well into the flood
      } finally {
        await child.stop();
      }
      const acknowledged = new Map<string, number>();
      for (const line of child.stdout) {
        const [, key, n] = line.match(/^ack (k\d+) (\d+)$/) ?? [];
        if (key) acknowledged.set(key, Math.max(acknowledged.get(key) ?? -1, Number(n)));
      }
      assert.ok(acknowledged.size > 0, child.output());
      const store = await FileStore.open(directory);
      for (const [key, n] of acknowledged) {
        const state = await store.get(key) as { n: number };
        assert.ok(state.n >= n, `${key}: ${state.n} stored, ${n} acknowledged`);
        assert.deepEqual(state, floodState(state.n), `${key} is whole`);
      }
      const files = await readdir(directory);
      assert.deepEqual(files.filter((name) => !name.startsWith("h_")), [], "no temp file left");
    });
  });
}
