/**
 * The state stores: the contract both keep (keys, values, quotas: tests/helpers/
 * store_contract.ts), and the file store's safety on disk (more in file_store.test.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import {
  type JsonValue,
  MemoryStore,
  StateKeyError,
  StateQuotaError,
  type StateStore,
  type StoreLimits,
} from "../mod.ts";
import { FileStore } from "../src/store/file_store.ts";
import { storeContract } from "./helpers/store_contract.ts";
import { withTempDir } from "./helpers/temp_dir.ts";
import { editList, Fuzz, jsonBytes } from "./helpers/list_edits.ts";

const stores: [string, (directory: string, limits?: Partial<StoreLimits>) => StateStore][] = [
  ["MemoryStore", (_, limits) => new MemoryStore([], limits)],
  [
    "FileStore",
    (directory, limits) => new FileStore(join(directory, "data"), { sync: false, ...limits }),
  ],
];

for (const [name, create] of stores) {
  storeContract(
    name,
    (body) => withTempDir((directory) => body((limits) => create(directory, limits))),
  );
}

test("store limits that are not positive integers are refused", () => {
  for (const limits of [{ maxKeys: 0 }, { maxStateBytes: -1 }, { maxTotalBytes: 1.5 }]) {
    assert.throws(() => new MemoryStore([], limits), RangeError);
    assert.throws(() => new FileStore("unused", limits), RangeError);
  }
});

test("MemoryStore: initial states are held to the limits too", () => {
  assert.throws(() => new MemoryStore([["a", 1], ["b", 2]], { maxKeys: 1 }), StateQuotaError);
  assert.throws(() => new MemoryStore([["\uD800", 1]]), StateKeyError);
  assert.equal(new MemoryStore([["a", 1]]).storedBytes, 2);
});

test("edited lists are counted in the byte quota at their size: in memory, and on the disk", async () => {
  await withTempDir(async (directory) => {
    const memory = new MemoryStore([], { maxStateBytes: 2000 });
    const files = new FileStore(join(directory, "data"), { sync: false, maxStateBytes: 2000 });
    const fuzz = new Fuzz(1414);
    for (let step = 0; step < 300; step++) {
      const key = fuzz.pick(["a", "é", "🎲🎲"]);
      for (const store of [memory, files]) {
        // Started long, so that quota refusals come too.
        const stored = await store.get(key) ?? Array.from({ length: 300 }, (_, n) => n);
        const next = editList(fuzz, stored as JsonValue[]);
        await store.set(key, next).catch((error) => assert.ok(error instanceof StateQuotaError));
      }
    }
    let held = 0;
    for (const key of memory.keys()) {
      held += jsonBytes(key) - 2 + jsonBytes((await memory.get(key))!);
    }
    assert.equal(memory.storedBytes, held, "the key's UTF-8 and the state's JSON");
    let onDisk = 0;
    for (const name of await readdir(files.directory)) {
      onDisk += (await stat(join(files.directory, name))).size;
    }
    assert.equal(files.storedBytes, onDisk, "what the files take");
    const reopened = new FileStore(files.directory);
    for (const key of memory.keys()) {
      assert.deepEqual(await reopened.get(key), await files.get(key));
    }
  });
});
