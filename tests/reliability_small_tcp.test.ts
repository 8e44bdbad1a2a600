/**
 * Issue 17's finding 9 (the small ones) over real TCP on both adapters: numbers JSON cannot
 * carry, `[]`, a lone-surrogate key, an update nesting past what a reader can parse, and
 * keys of up to 512 UTF-8 bytes, on both stores where the store decides.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStore, type StateStore } from "../mod.ts";
import { FileStore } from "../src/store/file_store.ts";
import { limitedServer } from "./helpers/limited_server.ts";
import { type Adapter, ADAPTERS, withServed } from "./helpers/served.ts";
import type { TcpClient } from "./helpers/tcp_client.ts";
import { withTempDir } from "./helpers/temp_dir.ts";

/** Writes `text` and a zero byte as one message, returns the one reply. */
async function raw(client: TcpClient, text: string) {
  await client.write(text + "\0");
  return (await client.next())[0];
}

/** Runs `body` on a MemoryStore, then on a FileStore. */
async function onBothStores(body: (store: StateStore) => Promise<void>): Promise<void> {
  await body(new MemoryStore());
  await withTempDir(async (directory) => body(await FileStore.open(directory, { sync: false })));
}

const nested = (depth: number): unknown => depth === 0 ? 7 : [nested(depth - 1)];

const scenarios: Record<string, (adapter: Adapter) => Promise<void>> = {
  async "numbers: 1e-400 and 1e400 refused alike, integers past 2^53 refused, nothing stored"(
    adapter,
  ) {
    const { server } = limitedServer({});
    await withServed(adapter, server, async ({ connect }) => {
      const [client] = await connect(1);
      const save = (state: string) => `{"code":"save","key":"n","state":${state}}`;
      assert.deepEqual(await raw(client, save("1e-400")), {
        error: "a number is out of range (too close to zero)",
      });
      assert.deepEqual(await raw(client, save("1e400")), { error: "a number is out of range" });
      assert.deepEqual(await raw(client, save("[9007199254740993]")), {
        error: "an integer is beyond 2^53 and cannot be kept exactly",
      });
      assert.equal((await raw(client, '{"code":"get","key":"n"}')).state, null, "none stored");
      assert.equal((await raw(client, save("[9007199254740991,1e-300]"))).success, true);
      assert.deepEqual((await raw(client, '{"code":"get","key":"n"}')).state, [
        9007199254740991,
        1e-300,
      ]);
    });
  },

  async "[] is answered and counted against the rate like any message"(adapter) {
    const { server } = limitedServer({ commandsPerSecond: 1, commandBurst: 5 });
    await withServed(adapter, server, async ({ connect }) => {
      const [client, other] = await connect(2);
      await client.write("[]\0".repeat(20));
      const replies = (await client.take(6)).map(([reply]) => reply);
      assert.deepEqual(
        replies.slice(0, 5),
        Array(5).fill({ error: "empty batch: a message must hold at least one command" }),
      );
      assert.deepEqual(replies[5], { error: "rate limit exceeded", refused: 15 });
      assert.equal((await raw(other, '{"code":"get","key":"k"}')).success, true);
    });
  },

  async "a lone-surrogate key is refused by both stores, the same way"(adapter) {
    await onBothStores(async (store) => {
      const { server } = limitedServer({}, { store });
      await withServed(adapter, server, async ({ connect }) => {
        const [client] = await connect(1);
        for (const code of ["save", "get"]) {
          assert.deepEqual(await raw(client, `{"code":"${code}","key":"a\\ud800","state":1}`), {
            error: "key is not well-formed Unicode",
            code,
            key: "a\ud800",
          });
        }
        assert.equal(
          (await raw(client, '{"code":"save","key":"a\\ud83c\\udfb2","state":1}')).success,
          true,
        );
        assert.equal((await raw(client, '{"code":"get","key":"a🎲"}')).state, 1);
      });
    });
  },

  async "update cannot nest a state deeper than a reader can parse; one level less is read"(
    adapter,
  ) {
    const { server } = limitedServer({});
    await withServed(adapter, server, async ({ connect }) => {
      const [writer, reader] = await connect(2);
      await raw(writer, '{"code":"goto","key":"w"}'); // its echoes go to its room alone
      // The list is a level, so a value of 31 levels makes a state of 32: its get reply, 33.
      const deep = JSON.stringify({ code: "update", key: "d", index: 0, value: nested(31) });
      assert.deepEqual(await raw(writer, deep), {
        error: "the state is nested deeper than 31 levels",
        code: "update",
        key: "d",
      });
      const fits = JSON.stringify({ code: "update", key: "d", index: 0, value: nested(30) });
      assert.equal((await raw(writer, fits)).success, true);
      const got = await raw(reader, '{"code":"get","key":"d"}');
      assert.deepEqual(got.state, [nested(30)]);
      assert.equal(reader.malformed.length, 0, "the reader's parser took the reply");
    });
  },

  async "keys of up to 512 UTF-8 bytes are kept and read back; one more byte is refused"(
    adapter,
  ) {
    await onBothStores(async (store) => {
      const { server } = limitedServer({}, { store });
      await withServed(adapter, server, async ({ connect }) => {
        const [writer, reader] = await connect(2);
        await raw(writer, '{"code":"goto","key":"w"}');
        const key = "é".repeat(255) + "日"; // 510 + 3 bytes: over; without the last "é", 511
        const longest = "é".repeat(254) + "日" + "x"; // 512 bytes
        const save = (k: string) => JSON.stringify({ code: "save", key: k, state: k.length });
        assert.deepEqual(await raw(writer, save(key)), {
          error: "key is too long (at most 512 UTF-8 bytes)",
          code: "save",
          key,
        });
        assert.equal((await raw(writer, save(longest))).success, true);
        const got = await raw(reader, JSON.stringify({ code: "get", key: longest }));
        assert.equal(got.state, longest.length);
      });
    });
  },

  async "an unfinished message past 64 KiB is refused before its end comes, then reset"(adapter) {
    const { server, hooks } = limitedServer({});
    await withServed(adapter, server, async ({ connect }) => {
      const [sender, other] = await connect(2);
      // No zero byte: the server must not hold more than its bound waiting for one.
      await sender.write(`{"code":"save","key":"k","state":"${"x".repeat(70_000)}`).catch(() => {});
      await sender.closed();
      assert.deepEqual(sender.inbox, [[{ error: "message is larger than 65536 bytes" }]]);
      assert.equal(hooks.disconnects.size, 1);
      assert.equal((await raw(other, '{"code":"get","key":"k"}')).state, null);
    });
  },
};

for (const adapter of ADAPTERS) {
  for (const [name, check] of Object.entries(scenarios)) {
    test(`${adapter.name} adapter: ${name}`, { skip: adapter.skip }, () => check(adapter));
  }
}
