/**
 * The connections of a broadcast's audience, looked up once and found again: never another
 * index's connection, whatever changed in between and whatever order they are asked in.
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
  const state = { generation: 0, lookups: 0 };
  const cache = new AudienceCache((index) => {
    state.lookups++;
    return live.get(index);
  }, () => state.generation);
  /** What a delivery to `indexes` is answered, asked as deliverResult asks. */
  const address = (indexes: number[]) => {
    cache.addressing(indexes);
    return indexes.map((index) => cache.connectionOf(index));
  };
  return { live, state, cache, address };
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, k) => from + k);
const named = (indexes: number[]) => indexes.map((index) => `c${index}`);

test("an audience's connections come in its order, and an equal audience finds them again", () => {
  const { address, state } = registry(20);
  const room = range(1, 10).reverse();
  assert.deepEqual(address(room), named(room));
  const lookups = state.lookups;
  assert.deepEqual(address([...room]), named(room));
  assert.equal(state.lookups, lookups, "found again, not looked up");
});

test("once the registry changes, an index gets its connection of now", () => {
  const { address, live, state } = registry(20);
  const room = range(1, 10);
  address(room);
  live.delete(3);
  live.set(4, "resumed");
  state.generation++;
  const connections = address(room);
  assert.equal(connections[2], undefined, "a closed connection is not written to");
  assert.equal(connections[3], "resumed", "a resumed index has its new connection");
});

test("a change in the middle of a delivery is seen by the rest of it", () => {
  const { cache, live, state } = registry(20);
  const room = range(1, 10);
  cache.addressing(room);
  cache.addressing(room); // found again
  assert.equal(cache.connectionOf(1), "c1");
  live.set(2, "resumed");
  state.generation++;
  assert.equal(cache.connectionOf(2), "resumed");
});

test("audiences with the same first index are told apart by all their indexes", () => {
  const { address } = registry(30);
  const a = range(1, 10);
  const b = [1, ...range(11, 19)];
  const c = range(1, 11);
  address(a);
  assert.deepEqual(address(b), named(b));
  assert.deepEqual(address(c), named(c));
  assert.deepEqual(address(a), named(a));
});

test("an index asked out of turn gets its own connection, not the audience's next one", () => {
  const { cache } = registry(20);
  const room = range(1, 10);
  cache.addressing(room);
  assert.equal(cache.connectionOf(1), "c1");
  assert.equal(cache.connectionOf(7), "c7", "asked for 7 where 2 was next");
  assert.equal(cache.connectionOf(2), "c2");
  assert.equal(cache.connectionOf(15), "c15", "not in the audience at all");
});

test("a small audience is left to look up index by index", () => {
  const { address, state } = registry(20);
  const small = range(1, MIN_CACHED_AUDIENCE - 1);
  address(small);
  const lookups = state.lookups;
  assert.deepEqual(address(small), named(small));
  assert.equal(state.lookups, lookups + small.length);
});

test("past the bound on cached indexes the cache starts over, still right", () => {
  const count = MAX_CACHED_INDEXES / 100 + 10;
  const { address } = registry(count + 100);
  for (let round = 0; round < 2; round++) {
    for (let first = 1; first <= count; first++) {
      const audience = range(first, first + 99);
      assert.equal(address(audience)[99], `c${first + 99}`);
    }
  }
});
