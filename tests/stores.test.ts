/**
 * The state stores: the contract both keep (keys, values, quotas: tests/helpers/
 * store_contract.ts), and the file store's safety on disk (more in file_store.test.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  MemoryStore,
  StateKeyError,
  StateQuotaError,
  type StateStore,
  type StoreLimits,
} from "../mod.ts";
import { FileStore } from "../src/store/file_store.ts";
import { storeContract } from "./helpers/store_contract.ts";
import { withTempDir } from "./helpers/temp_dir.ts";

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
