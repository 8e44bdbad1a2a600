/**
 * The file store on disk: file names, crash leftovers, the old naming, concurrent writes,
 * the bounded cache, and writes that do not hold back reads.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { StateStoreError } from "../mod.ts";
import { fileNameForKey, FileStore } from "../src/store/file_store.ts";
import { KEYS } from "./helpers/store_keys.ts";
import { withTempDir } from "./helpers/temp_dir.ts";

const hex = (key: string) => Buffer.from(key, "utf8").toString("hex");

test("FileStore: one file per key, named after the key's SHA-256, holding the key", async () => {
  await withTempDir(async (base) => {
    const directory = join(base, "nested", "data");
    const store = new FileStore(directory);
    const long = "ключ ".repeat(56); // 504 bytes
    for (const key of [...KEYS, long]) await store.set(key, key);
    assert.deepEqual(await readdir(base), ["nested"]);
    assert.deepEqual(await readdir(join(base, "nested")), ["data"]);
    const files = await readdir(directory);
    assert.equal(files.length, KEYS.length + 1, "no two keys share a file, no temp file is left");
    for (const key of [...KEYS, long]) {
      const name = `h_${createHash("sha256").update(key, "utf8").digest("hex")}.json`;
      assert.equal(fileNameForKey(key), name);
      assert.ok(files.includes(name), key);
      assert.deepEqual(JSON.parse(await readFile(join(directory, name), "utf8")), {
        key,
        state: key,
      });
    }
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

test("FileStore: reopened after a crash, it loads every acknowledged save and removes temp files", async () => {
  await withTempDir(async (directory) => {
    const acknowledged = new Map<string, unknown>();
    const store = await FileStore.open(directory);
    for (let n = 0; n < 30; n++) {
      const key = `k${n % 10}`;
      await store.set(key, { n, pad: "p".repeat(n * 100) });
      acknowledged.set(key, { n, pad: "p".repeat(n * 100) });
    }
    // What a crash in the middle of writes leaves: temp files, empty, half or whole, never
    // renamed (their saves were not acknowledged).
    const leftovers = [".tmp-crashed-1", ".tmp-crashed-2", ".tmp-crashed-3"];
    await writeFile(join(directory, leftovers[0]), "");
    await writeFile(join(directory, leftovers[1]), '{"key":"k1","state":{"n":9');
    await writeFile(join(directory, leftovers[2]), '{"key":"k2","state":"unacknowledged"}');
    await writeFile(join(directory, "unrelated.txt"), "not ours");
    const restarted = await FileStore.open(directory);
    for (const [key, value] of acknowledged) assert.deepEqual(await restarted.get(key), value);
    const files = await readdir(directory);
    for (const leftover of leftovers) assert.ok(!files.includes(leftover), leftover);
    assert.ok(files.includes("unrelated.txt"), "only its own temp files are removed");
    let sizes = 0;
    for (const file of files) {
      if (file.startsWith("h_")) sizes += (await stat(join(directory, file))).size;
    }
    assert.equal(restarted.storedKeys, 10);
    assert.equal(restarted.storedBytes, sizes, "what is on disk counts against the quota");
    assert.equal(store.storedBytes, sizes, "the first store counted the same while writing");
  });
});

test("FileStore: files of the old k_<hex> naming are moved to the new one at start", async () => {
  await withTempDir(async (directory) => {
    await writeFile(join(directory, `k_${hex("dresser")}.json`), "[1,2,3]");
    await writeFile(join(directory, `k_${hex("цвет 🎨")}.json`), '{"a":null}');
    await writeFile(join(directory, `k_${hex("")}.json`), "7");
    // A crash after writing the new file and before removing the old: the new one wins.
    await writeFile(join(directory, `k_${hex("moved")}.json`), '"old"');
    await writeFile(join(directory, fileNameForKey("moved")), '{"key":"moved","state":"new"}');
    await writeFile(join(directory, `k_${hex("broken")}.json`), "{not json");
    const store = await FileStore.open(directory);
    assert.deepEqual(await store.get("dresser"), [1, 2, 3]);
    assert.deepEqual(await store.get("цвет 🎨"), { a: null });
    assert.equal(await store.get(""), 7);
    assert.equal(await store.get("moved"), "new");
    const files = (await readdir(directory)).sort();
    assert.deepEqual(
      files,
      [`k_${hex("broken")}.json`, ...["dresser", "цвет 🎨", "", "moved"].map(fileNameForKey)]
        .sort(),
      "an unreadable old file is left as it was",
    );
  });
});

test("FileStore: a reader never sees half a file while writes are in flight", async () => {
  await withTempDir(async (directory) => {
    const store = new FileStore(directory, { sync: false, maxStateBytes: 1 << 20 });
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
    const store = new FileStore(directory, { sync: false, maxStateBytes: 1 << 20 });
    const count = 40;
    // Earlier writes are bigger, so writes that overlapped would finish out of order.
    const writes = Array.from(
      { length: count },
      (_, n) => store.set("k", { n, pad: "x".repeat((count - n) * 20_000) }),
    );
    const read = store.get("k");
    await Promise.all(writes);
    assert.equal((await read as { n: number }).n, count - 1, "a read sees every earlier set");
    assert.equal((await store.get("k") as { n: number }).n, count - 1);
    assert.equal((await new FileStore(directory).get("k") as { n: number }).n, count - 1);
    assert.deepEqual(await readdir(directory), [fileNameForKey("k")]);
  });
});

test("FileStore: a read does not wait for the disk; the write resolves once it is durable", async () => {
  await withTempDir(async (directory) => {
    const store = await FileStore.open(directory);
    const events: string[] = [];
    const write = store.set("k", { fill: "x".repeat(50_000) }).then(() => events.push("written"));
    const read = store.get("k").then((value) => {
      events.push("read");
      return value;
    });
    assert.deepEqual(await read, { fill: "x".repeat(50_000) });
    await write;
    assert.deepEqual(events, ["read", "written"]);
    assert.deepEqual(await new FileStore(directory).get("k"), { fill: "x".repeat(50_000) });
  });
});

test("FileStore: the cache keeps a bounded number of states", async () => {
  await withTempDir(async (directory) => {
    const store = new FileStore(directory, { sync: false, maxCachedStates: 3 });
    for (let n = 0; n < 20; n++) await store.set(`k${n}`, n);
    assert.ok(store.cachedStates <= 3, `${store.cachedStates} cached`);
    for (let n = 0; n < 20; n++) assert.equal(await store.get(`k${n}`), n);
    assert.ok(store.cachedStates <= 3, `${store.cachedStates} cached`);
    const bytes = new FileStore(directory, { sync: false, maxCachedBytes: 100 });
    await bytes.set("big", "x".repeat(200));
    await bytes.set("small", 1);
    assert.equal(bytes.cachedStates, 1, "a state larger than the budget is not kept");
    assert.equal(await bytes.get("big"), "x".repeat(200));
  });
});

test("FileStore: a corrupt file, or another key's, is a clear error for its key alone", async () => {
  await withTempDir(async (directory) => {
    const store = new FileStore(directory);
    await store.set("fine", 1);
    await writeFile(join(directory, fileNameForKey("broken")), "{not json");
    await writeFile(join(directory, fileNameForKey("swapped")), '{"key":"other","state":1}');
    const fresh = new FileStore(directory);
    await assert.rejects(fresh.get("broken"), (error: unknown) => {
      assert.ok(error instanceof StateStoreError);
      assert.match(error.message, /corrupt state file for key "broken"/);
      return true;
    });
    await assert.rejects(fresh.get("swapped"), /holds no state of that key/);
    assert.equal(await fresh.get("fine"), 1);
    await fresh.set("broken", "mended");
    assert.equal(await new FileStore(directory).get("broken"), "mended");
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
