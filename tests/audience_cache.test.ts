/**
 * The connections of a broadcast's audience, looked up once and found again: never another
 * index's connection, whatever changed in between.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  AudienceCache,
  MAX_CACHED_INDEXES,
  MIN_CACHED_AUDIENCE,
} from "../src/core/audience_cache.ts";

/** Live connections by index, with the generation a registry would keep. */
function registry(count: number) {
  const live = new Map<number, string>();
  for (let index = 1; index <= count; index++) live.set(index, `c${index}`);
  const state = { generation: 0 };
  const cache = new AudienceCache((index) => live.get(index), () => state.generation);
  return { live, state, cache };
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, k) => from + k);

test("an audience's connections come in its order, and an equal audience finds them again", () => {
  const { cache } = registry(20);
  const room = range(1, 10).reverse();
  const connections = cache.connectionsOf(room);
  assert.deepEqual(connections, room.map((index) => `c${index}`));
  assert.equal(cache.connectionsOf([...room]), connections, "found again, not looked up");
});

test("once the registry changes, an index gets its connection of now", () => {
  const { cache, live, state } = registry(20);
  const room = range(1, 10);
  cache.connectionsOf(room);
  live.delete(3);
  live.set(4, "resumed");
  state.generation++;
  const connections = cache.connectionsOf(room)!;
  assert.equal(connections[2], undefined, "a closed connection is not written to");
  assert.equal(connections[3], "resumed", "a resumed index has its new connection");
});

test("audiences with the same first index are told apart by all their indexes", () => {
  const { cache } = registry(30);
  const a = range(1, 10);
  const b = [1, ...range(11, 19)];
  const c = range(1, 11);
  cache.connectionsOf(a);
  assert.deepEqual(cache.connectionsOf(b), b.map((index) => `c${index}`));
  assert.deepEqual(cache.connectionsOf(c), c.map((index) => `c${index}`));
  assert.deepEqual(cache.connectionsOf(a), a.map((index) => `c${index}`));
});

test("a small audience is left to look up index by index", () => {
  const { cache } = registry(20);
  assert.equal(cache.connectionsOf(range(1, MIN_CACHED_AUDIENCE - 1)), undefined);
  assert.ok(cache.connectionsOf(range(1, MIN_CACHED_AUDIENCE)));
});

test("past the bound on cached indexes the cache starts over, still right", () => {
  const count = MAX_CACHED_INDEXES / 100 + 10;
  const { cache } = registry(count + 100);
  for (let round = 0; round < 2; round++) {
    for (let first = 1; first <= count; first++) {
      const audience = range(first, first + 99);
      assert.equal(cache.connectionsOf(audience)![99], `c${first + 99}`);
    }
  }
});
