/**
 * Issue 17's findings about storage, over real TCP on both adapters: quotas answered with a
 * clear error and nothing stored (3), a state too big to send refused when it is written
 * while the key stays readable (4), and saves with the file store that do not hold up other
 * clients while their files are flushed (8).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { MemoryStore, type StateStore } from "../mod.ts";
import { FileStore } from "../src/store/file_store.ts";
import { closeFsyncGate } from "./helpers/fsync_gate.ts";
import { limitedServer } from "./helpers/limited_server.ts";
import { type Adapter, ADAPTERS, withServed } from "./helpers/served.ts";
import type { TcpClient } from "./helpers/tcp_client.ts";
import { withTempDir } from "./helpers/temp_dir.ts";

/** Sends one command and returns the one reply to it. */
async function ask(client: TcpClient, command: Record<string, unknown>) {
  await client.send(command as never);
  const [reply] = await client.next();
  return reply;
}

/** Runs `body` once with a MemoryStore and once with a FileStore, each with `limits`. */
async function onBothStores(
  limits: ConstructorParameters<typeof MemoryStore>[1],
  body: (store: StateStore, files: () => Promise<string[]>) => Promise<void>,
): Promise<void> {
  await body(new MemoryStore([], limits), () => Promise.resolve([]));
  await withTempDir(async (directory) => {
    const store = await FileStore.open(directory, { ...limits, sync: false });
    await body(store, async () => (await readdir(directory)).filter((name) => name !== ".keep"));
  });
}

const scenarios: Record<string, (adapter: Adapter) => Promise<void>> = {
  async "finding 3: the key and byte quotas refuse a new key with a clear error, storing nothing"(
    adapter,
  ) {
    await onBothStores({ maxKeys: 2, maxTotalBytes: 4000 }, async (store, files) => {
      const { server } = limitedServer({}, { store });
      await withServed(adapter, server, async ({ connect }) => {
        const [writer, reader] = await connect(2);
        for (const client of [writer, reader]) await ask(client, { code: "goto", key: "r" });
        assert.equal((await ask(writer, { code: "save", key: "a", state: 1 })).success, true);
        await reader.next();
        assert.equal((await ask(writer, { code: "save", key: "b", state: 2 })).success, true);
        await reader.next();
        const before = await files();
        assert.deepEqual(await ask(writer, { code: "save", key: "c", state: 3 }), {
          error: "the store is full (at most 2 keys)",
          code: "save",
          key: "c",
        });
        // Replacing a key is no new key; growing past the byte quota is refused.
        assert.equal((await ask(writer, { code: "save", key: "a", state: 4 })).success, true);
        await reader.next();
        assert.deepEqual(await ask(writer, { code: "save", key: "b", state: "x".repeat(5000) }), {
          error: "the store is full (at most 4000 bytes stored)",
          code: "save",
          key: "b",
        });
        assert.equal((await ask(reader, { code: "get", key: "c" })).state, null, "c not stored");
        assert.equal((await ask(reader, { code: "get", key: "b" })).state, 2, "b kept");
        assert.equal((await ask(reader, { code: "get", key: "a" })).state, 4);
        assert.equal(reader.inbox.length, 0, "refusals went to the writer alone");
        assert.deepEqual((await files()).sort(), before.sort(), "no file for a refused save");
      });
    });
  },

  async "finding 3: update cannot grow a list past maxListLength; a quota is per store"(adapter) {
    const { server } = limitedServer({}, { maxListLength: 100 });
    await withServed(adapter, server, async ({ connect }) => {
      const [client] = await connect(1);
      assert.deepEqual(await ask(client, { code: "update", key: "l", index: 100, value: 1 }), {
        error: "index must be below 100",
        code: "update",
        key: "l",
      });
      assert.equal((await ask(client, { code: "get", key: "l" })).state, null);
      assert.equal(
        (await ask(client, { code: "update", key: "l", index: 99, value: 1 })).success,
        true,
      );
      assert.equal(((await ask(client, { code: "get", key: "l" })).state as unknown[]).length, 100);
    });
  },

  async "finding 3: the file store's cache holds a bounded number of states"(adapter) {
    await withTempDir(async (directory) => {
      const store = await FileStore.open(directory, { sync: false, maxCachedStates: 4 });
      const { server } = limitedServer({}, { store });
      await withServed(adapter, server, async ({ connect }) => {
        const [client] = await connect(1);
        for (let n = 0; n < 30; n++) {
          await ask(client, { code: "save", key: `k${n}`, state: "s".repeat(n) });
          await ask(client, { code: "get", key: `k${n % 7}` });
          assert.ok(store.cachedStates <= 4, `${store.cachedStates} states cached`);
        }
        assert.equal((await ask(client, { code: "get", key: "k29" })).state, "s".repeat(29));
        assert.equal(store.storedKeys, 30);
      });
    });
  },

  async "finding 4: a state too big to send is refused when written; the key stays readable"(
    adapter,
  ) {
    await onBothStores({}, async (store) => {
      const { server } = limitedServer({}, { store });
      await withServed(adapter, server, async ({ connect }) => {
        const [writer, reader] = await connect(2);
        await ask(writer, { code: "goto", key: "w" });
        const fits = "f".repeat(60 * 1024 - 2); // 61,440 bytes of JSON: the largest allowed
        assert.equal((await ask(writer, { code: "save", key: "big", state: fits })).success, true);
        const refused = await ask(writer, { code: "save", key: "big", state: fits + "!" });
        assert.equal(refused.error, "the state is too large (61441 bytes of JSON; at most 61440)");
        // Growing a list past it by update is refused too.
        const long = fits.slice(10); // [long] is 61,432 bytes
        const grow = await ask(writer, { code: "update", key: "list", index: 0, value: long });
        assert.equal(grow.success, true);
        const more = await ask(writer, { code: "update", key: "list", index: 1, value: 123456789 });
        assert.match(String(more.error), /^the state is too large/);
        // Another client reads both keys whole with the default parser (64 KiB messages).
        const got = await ask(reader, { code: "get", key: "big" });
        assert.equal(got.state, fits);
        assert.deepEqual((await ask(reader, { code: "get", key: "list" })).state, [long]);
        assert.equal(reader.malformed.length, 0);
      });
    });
  },

  async "finding 8: while saves wait for the disk, other clients are answered at once"(adapter) {
    await withTempDir(async (directory) => {
      const store = await FileStore.open(directory);
      const gate = await closeFsyncGate(tmpdir());
      try {
        const { server } = limitedServer({}, { store });
        await withServed(adapter, server, async ({ connect }) => {
          const [saverA, saverB, victim] = await connect(3);
          await ask(saverA, { code: "goto", key: "savers" });
          await ask(saverB, { code: "goto", key: "savers" });
          await ask(victim, { code: "goto", key: "elsewhere" });
          // A save flood, none of it durable while the gate is closed.
          for (let n = 0; n < 20; n++) {
            await saverA.send({ code: "save", key: `a${n % 3}`, state: { n } });
            await saverB.send({ code: "save", key: `b${n % 3}`, state: { n } });
          }
          try {
            await untilFlushing(gate);
            for (let n = 0; n < 10; n++) {
              const reply = await ask(victim, { code: "get", key: "v" });
              assert.equal(reply.success, true);
            }
            // The state set is visible before it is durable; its ack is not sent before.
            assert.deepEqual((await ask(victim, { code: "get", key: "a0" })).state, { n: 0 });
            assert.equal(saverA.inbox.length + saverB.inbox.length, 0, "no save acknowledged");
          } finally {
            gate.open(); // also when the victim was not answered: the server can then close
          }
          const seenA = (await saverA.take(40, 10_000)).map(([reply]) => reply);
          const seenB = (await saverB.take(40, 10_000)).map(([reply]) => reply);
          assert.ok(seenA.every((reply) => reply.success === true && reply.code === "save"));
          assert.deepEqual(seenA, seenB, "both savers saw the room's saves in one order");
          assert.deepEqual(
            (await new FileStore(directory).get("b2")) as unknown,
            { n: 17 },
            "the last save of b2 is on the disk",
          );
        });
      } finally {
        gate.restore();
      }
    });
  },

  async "finding 8: a save the disk then fails is answered with an error, not success"(adapter) {
    await withTempDir(async (directory) => {
      const store = await FileStore.open(join(directory, "data"));
      const gate = await closeFsyncGate(tmpdir());
      try {
        const { server } = limitedServer({}, { store });
        await withServed(adapter, server, async ({ connect }) => {
          const [saver, mate] = await connect(2);
          await ask(saver, { code: "goto", key: "r" });
          await ask(mate, { code: "goto", key: "r" });
          await saver.send({ code: "save", key: "lost", state: 1 });
          await untilFlushing(gate);
          await rm(join(directory, "data"), { recursive: true });
          gate.open();
          assert.deepEqual(await saver.next(), [{
            error: "internal error",
            code: "save",
            key: "lost",
          }]);
          assert.equal((await ask(mate, { code: "get", key: "lost" })).state, null);
          assert.equal(mate.inbox.length, 0, "the room never heard of the save");
        });
      } finally {
        gate.restore();
      }
    });
  },
};

/** Waits (bounded) until a flush is held at the gate. */
async function untilFlushing(gate: { readonly waiting: number }): Promise<void> {
  for (let n = 0; gate.waiting === 0; n++) {
    assert.ok(n < 500, "a save reaches the disk");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

for (const adapter of ADAPTERS) {
  for (const [name, check] of Object.entries(scenarios)) {
    test(`${adapter.name} adapter: ${name}`, { skip: adapter.skip }, () => check(adapter));
  }
}
