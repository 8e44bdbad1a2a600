/**
 * The contract every state store keeps (keys, values, quotas), as tests any store can run:
 * the MemoryStore and the FileStore (tests/stores.test.ts), the RedisStore
 * (tests/cluster_redis_store.test.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_MAX_STATE_BYTES,
  type JsonValue,
  StateKeyError,
  StateQuotaError,
  type StateStore,
  type StoreLimits,
} from "../../mod.ts";
import { KEYS } from "./store_keys.ts";
import { editList, Fuzz, jsonBytes } from "./list_edits.ts";

const VALUES: JsonValue[] = [null, true, 0, -1.5, "text", [], [1, [2]], { a: { b: [null] } }];

/** Makes a store; every store made in one test shares its place (directory, Redis). */
export type CreateStore = (limits?: Partial<StoreLimits>) => StateStore;

/** Runs one test's body with a fresh place for stores, and cleans it up. */
export type StoreSetup = (body: (create: CreateStore) => Promise<void>) => Promise<void>;

/** A state whose JSON is exactly `bytes` long. */
const stateOf = (bytes: number) => "x".repeat(bytes - 2);

const isQuota = (message: RegExp) => (error: unknown) => {
  assert.ok(error instanceof StateQuotaError, String(error));
  assert.ok(error instanceof StateKeyError, "answered to the client like a bad key");
  assert.match(error.message, message);
  return true;
};

/** Registers the contract's tests for the store `name`, each run through `setup`. */
export function storeContract(
  name: string,
  setup: StoreSetup,
  skip: string | false = false,
): void {
  test(`${name}: every key round-trips, and keys never mix`, { skip }, async () => {
    await setup(async (create) => {
      const store = create();
      for (const key of KEYS) assert.equal(await store.get(key), undefined, `${key} starts empty`);
      for (const [n, key] of KEYS.entries()) await store.set(key, { key, n });
      for (const [n, key] of KEYS.entries()) assert.deepEqual(await store.get(key), { key, n });
      assert.equal(({} as Record<string, unknown>).key, undefined, "no prototype was touched");
    });
  });

  test(`${name}: every kind of JSON value round-trips and can be replaced`, { skip }, async () => {
    await setup(async (create) => {
      const store = create();
      for (const value of VALUES) {
        await store.set("k", value);
        assert.deepEqual(await store.get("k"), value);
      }
    });
  });

  test(`${name}: keys of up to 512 UTF-8 bytes; the same keys refused as by the other store`, {
    skip,
  }, async () => {
    await setup(async (create) => {
      const store = create();
      const longest = ["é".repeat(256), "🎲".repeat(128), "k".repeat(512)];
      for (const key of longest) await store.set(key, key.length);
      for (const key of longest) assert.equal(await store.get(key), key.length);
      const refused: [string, RegExp][] = [
        ["é".repeat(256) + "x", /^key is too long \(at most 512 UTF-8 bytes\)$/],
        ["k".repeat(100_000), /^key is too long/],
        ["\uD800", /^key is not well-formed Unicode$/],
        ["a\uDFFFb", /^key is not well-formed Unicode$/],
        ["\uDC00\uD800", /^key is not well-formed Unicode$/],
      ];
      for (const [key, message] of refused) {
        await assert.rejects(store.set(key, 1), (error: unknown) => {
          assert.ok(error instanceof StateKeyError);
          assert.match(error.message, message);
          return true;
        });
        await assert.rejects(store.get(key), StateKeyError);
      }
      const many = create({ maxKeyBytes: 2000 });
      await many.set("k".repeat(2000), 1);
      assert.equal(await many.get("k".repeat(2000)), 1);
    });
  });

  test(
    `${name}: a state over 60 KiB of JSON is refused, and nothing is written`,
    { skip },
    async () => {
      await setup(async (create) => {
        const store = create();
        assert.equal(DEFAULT_MAX_STATE_BYTES, 61_440);
        await store.set("k", "small");
        await store.set("k", stateOf(61_440));
        assert.equal(await store.get("k"), stateOf(61_440));
        await assert.rejects(
          store.set("k", stateOf(61_441)),
          isQuota(/^the state is too large \(61441 bytes of JSON; at most 61440\)$/),
        );
        // Measured in UTF-8 bytes, not characters: 30,721 two-byte characters are too many.
        await assert.rejects(store.set("k", "é".repeat(30_720)), isQuota(/too large/));
        await assert.rejects(store.set("other", { a: stateOf(61_440) }), isQuota(/too large/));
        assert.equal(await store.get("k"), stateOf(61_440), "the refused write changed nothing");
        assert.equal(await store.get("other"), undefined);
      });
    },
  );

  test(`${name}: the key quota refuses a new key, not a replacement`, { skip }, async () => {
    await setup(async (create) => {
      const store = create({ maxKeys: 3 });
      for (const key of ["a", "b", "c"]) await store.set(key, key);
      await assert.rejects(store.set("d", "d"), isQuota(/^the store is full \(at most 3 keys\)$/));
      await store.set("a", "again");
      assert.equal(await store.get("a"), "again");
      assert.equal(await store.get("d"), undefined);
    });
  });

  test(`${name}: the byte quota counts what is stored, and replacements free their old size`, {
    skip,
  }, async () => {
    await setup(async (create) => {
      const store = create({ maxTotalBytes: 50_000, maxStateBytes: 30_000 });
      await store.set("a", stateOf(20_000));
      await store.set("b", stateOf(20_000));
      await assert.rejects(
        store.set("c", stateOf(20_000)),
        isQuota(/^the store is full \(at most 50000 bytes stored\)$/),
      );
      await store.set("a", stateOf(5_000)); // frees 15,000
      await store.set("c", stateOf(20_000));
      assert.equal(await store.get("c"), stateOf(20_000));
      await assert.rejects(store.set("b", stateOf(29_000)), isQuota(/full/));
      assert.equal(await store.get("b"), stateOf(20_000));
    });
  });

  test(`${name}: a list edited element by element is measured exactly as its JSON`, {
    skip,
  }, async () => {
    await setup(async (create) => {
      const limit = 2500;
      const store = create({ maxStateBytes: limit });
      const fuzz = new Fuzz(14);
      // Started long, so the walk soon reaches the limit and then stays near it.
      await store.set("list", Array.from({ length: 450 }, (_, n) => n));
      let refused = 0;
      for (let step = 0; step < 400; step++) {
        const stored = await store.get("list") ?? [];
        assert.ok(Array.isArray(stored));
        const next = editList(fuzz, stored);
        const bytes = jsonBytes(next);
        if (bytes <= limit) {
          await store.set("list", next);
          assert.deepEqual(await store.get("list"), next);
          continue;
        }
        refused++;
        const message = `the state is too large (${bytes} bytes of JSON; at most ${limit})`;
        await assert.rejects(store.set("list", next), isQuota(new RegExp(`^${escape(message)}$`)));
        assert.deepEqual(await store.get("list"), stored, "a refused edit stores nothing");
      }
      assert.ok(
        refused > 20 && refused < 300,
        `${refused} edits refused: the walk stays near the limit`,
      );
    });
  });
}

function escape(text: string): string {
  return text.replace(/[()]/g, "\\$&");
}
