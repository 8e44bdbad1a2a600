/**
 * The state stores: the contract both keep, and the file store's safety on disk.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type JsonValue,
  MemoryStore,
  StateKeyError,
  type StateStore,
  StateStoreError,
} from "../mod.ts";
import { fileNameForKey, FileStore, MAX_FILE_KEY_BYTES } from "../src/store/file_store.ts";
import { withTempDir } from "./helpers/temp_dir.ts";

/** Keys that broke or could break a naive store: paths, prototypes, odd characters. */
const KEYS = [
  "dresser",
  "x/../../evil",
  "..",
  ".",
  "/",
  "\\",
  "",
  "__proto__",
  "constructor",
  "C:\\evil",
  "a\0b",
  "\uFFFD",
  "цвет 🎨",
  "DRESSER",
  "k_dresser.json",
  ".tmp-x",
];

const VALUES: JsonValue[] = [null, true, 0, -1.5, "text", [], [1, [2]], { a: { b: [null] } }];

const stores: [string, (directory: string) => StateStore][] = [
  ["MemoryStore", () => new MemoryStore()],
  ["FileStore", (directory) => new FileStore(join(directory, "data"), { sync: false })],
];

for (const [name, create] of stores) {
  test(`${name}: every key round-trips, and keys never mix`, async () => {
    await withTempDir(async (directory) => {
      const store = create(directory);
      for (const key of KEYS) assert.equal(await store.get(key), undefined, `${key} starts empty`);
      for (const [n, key] of KEYS.entries()) await store.set(key, { key, n });
      for (const [n, key] of KEYS.entries()) assert.deepEqual(await store.get(key), { key, n });
      assert.equal(({} as Record<string, unknown>).key, undefined, "no prototype was touched");
    });
  });

  test(`${name}: every kind of JSON value round-trips and can be replaced`, async () => {
    await withTempDir(async (directory) => {
      const store = create(directory);
      for (const value of VALUES) {
        await store.set("k", value);
        assert.deepEqual(await store.get("k"), value);
      }
    });
  });
}

test("FileStore: keys stay inside the directory, one file each", async () => {
  await withTempDir(async (base) => {
    const directory = join(base, "nested", "data");
    const store = new FileStore(directory);
    for (const key of KEYS) await store.set(key, key);
    assert.deepEqual(await readdir(base), ["nested"]);
    assert.deepEqual(await readdir(join(base, "nested")), ["data"]);
    const files = await readdir(directory);
    assert.equal(files.length, KEYS.length, "no two keys share a file, no temp file is left");
    for (const file of files) assert.match(file, /^k_[0-9a-f]*\.json$/);
    assert.deepEqual(files.sort(), KEYS.map(fileNameForKey).sort());
  });
});

test("FileStore: states survive a new store on the same directory", async () => {
  await withTempDir(async (directory) => {
    const first = await FileStore.open(directory);
    for (const key of KEYS) await first.set(key, [key]);
    const second = new FileStore(directory);
    for (const key of KEYS) assert.deepEqual(await second.get(key), [key]);
    assert.equal(await second.get("never set"), undefined);
  });
});

test("FileStore: a leftover temp file never reads as state and blocks no write", async () => {
  await withTempDir(async (directory) => {
    const store = new FileStore(directory, { sync: false });
    await store.set("k", "old");
    // What a crash in the middle of a write leaves: half of the new state in a temp file.
    const leftover = join(directory, ".tmp-crashed");
    await writeFile(leftover, '{"new":');
    const restarted = new FileStore(directory, { sync: false });
    assert.equal(await restarted.get("k"), "old");
    await restarted.set("k", "new");
    assert.equal(await new FileStore(directory).get("k"), "new");
    assert.equal(await readFile(leftover, "utf8"), '{"new":', "not mistaken for its own temp");
  });
});

test("FileStore: a reader never sees half a file while writes are in flight", async () => {
  await withTempDir(async (directory) => {
    const store = new FileStore(directory, { sync: false });
    const path = join(directory, fileNameForKey("big"));
    const big = (n: number) => ({ n, fill: "x".repeat(500_000) });
    await store.set("big", big(0));
    let done = false;
    const rounds = 20;
    const writing = (async () => {
      for (let n = 1; n <= rounds; n++) await store.set("big", big(n));
      done = true;
    })();
    let reads = 0;
    let torn = 0;
    while (!done) {
      const text = await readFile(path, "utf8");
      if (!isJson(text)) torn++;
      reads++;
    }
    await writing;
    assert.ok(reads > 0);
    assert.equal(torn, 0, `${torn} of ${reads} reads saw a state file that was not whole`);
    assert.deepEqual(await new FileStore(directory).get("big"), big(rounds));
  });
});

test("FileStore: concurrent writes to one key end with the last one", async () => {
  await withTempDir(async (directory) => {
    const store = new FileStore(directory, { sync: false });
    const count = 40;
    // Earlier writes are bigger, so writes that overlapped would finish out of order.
    const writes = Array.from(
      { length: count },
      (_, n) => store.set("k", { n, pad: "x".repeat((count - n) * 20_000) }),
    );
    const read = store.get("k");
    await Promise.all(writes);
    assert.equal((await read as { n: number }).n, count - 1, "a read waits for earlier writes");
    assert.equal((await store.get("k") as { n: number }).n, count - 1);
    assert.equal((await new FileStore(directory).get("k") as { n: number }).n, count - 1);
    assert.deepEqual(await readdir(directory), [fileNameForKey("k")]);
  });
});

test("FileStore: a corrupt file is a clear error for its key alone", async () => {
  await withTempDir(async (directory) => {
    const store = new FileStore(directory);
    await store.set("fine", 1);
    await writeFile(join(directory, fileNameForKey("broken")), "{not json");
    const fresh = new FileStore(directory);
    await assert.rejects(fresh.get("broken"), (error: unknown) => {
      assert.ok(error instanceof StateStoreError);
      assert.match(error.message, /corrupt state file for key "broken"/);
      return true;
    });
    assert.equal(await fresh.get("fine"), 1);
    await fresh.set("broken", "mended");
    assert.equal(await new FileStore(directory).get("broken"), "mended");
  });
});

test("FileStore: keys it cannot hold are refused before anything is written", async () => {
  await withTempDir(async (directory) => {
    const store = new FileStore(directory);
    const longest = "é".repeat(MAX_FILE_KEY_BYTES / 2);
    await store.set(longest, 1);
    assert.equal(await new FileStore(directory).get(longest), 1);
    for (const key of [longest + "x", "\uD800", "a\uDFFFb"]) {
      await assert.rejects(store.set(key, 1), StateKeyError);
      await assert.rejects(store.get(key), StateKeyError);
    }
    assert.deepEqual(await readdir(directory), [fileNameForKey(longest)]);
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
