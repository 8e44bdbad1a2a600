/**
 * The deck's randomness: seeded and cryptographic sources, rejection sampling, and the
 * Fisher-Yates shuffle.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  cryptoRandom,
  fromUint32,
  newDeck,
  type RandomSource,
  seededRandom,
  shuffle,
} from "../examples/cards/mod.ts";

const draws = (random: RandomSource, bound: number, count: number) =>
  Array.from({ length: count }, () => random.int(bound));

test("the same seed gives the same draws; another seed, others", () => {
  assert.deepEqual(draws(seededRandom(7), 52, 100), draws(seededRandom(7), 52, 100));
  assert.notDeepEqual(draws(seededRandom(7), 52, 100), draws(seededRandom(8), 52, 100));
  assert.deepEqual(shuffle(newDeck(), seededRandom(3)), shuffle(newDeck(), seededRandom(3)));
});

test("the cryptographic source gives integers in range, for every kind of bound", () => {
  const random = cryptoRandom(16); // a small batch, so the refill path runs often
  for (const bound of [1, 2, 3, 7, 52, 1000, 2 ** 31 + 1, 2 ** 32]) {
    for (const value of draws(random, bound, 200)) {
      assert.ok(Number.isInteger(value) && value >= 0 && value < bound, `${value} of ${bound}`);
    }
  }
  const seen = new Set(draws(random, 6, 600));
  assert.equal(seen.size, 6, "every value of a small range comes up");
  for (const bad of [0, -1, 1.5, 2 ** 32 + 1, NaN]) {
    assert.throws(() => random.int(bad), RangeError, String(bad));
  }
});

test("draws that would bias the result are rejected, not folded back", () => {
  // 2^32 mod 3 = 1: the single top value 2^32 - 1 would make 0 more likely, so it is skipped.
  const values = [2 ** 32 - 1, 2 ** 32 - 1, 5];
  const random = fromUint32(() => values.shift()!);
  assert.equal(random.int(3), 2, "5 mod 3, after two rejected draws");
  assert.deepEqual(values, []);
  // A bound of 2^31 + 1 rejects almost half of all values.
  const top = [2 ** 31 + 1, 2 ** 31];
  assert.equal(fromUint32(() => top.shift()!).int(2 ** 31 + 1), 2 ** 31);
});

test("shuffling gives a permutation, and every order of three about equally often", () => {
  const deck = shuffle(newDeck(), cryptoRandom());
  assert.deepEqual([...deck].sort(), newDeck().sort());
  const random = seededRandom(11);
  const counts = new Map<string, number>();
  const rounds = 60_000;
  for (let n = 0; n < rounds; n++) {
    const order = shuffle(["a", "b", "c"], random).join("");
    counts.set(order, (counts.get(order) ?? 0) + 1);
  }
  assert.equal(counts.size, 6);
  for (const [order, count] of counts) {
    // Expected 10,000 each; a fair shuffle stays within 4% (over 4 standard deviations); the classic
    // biased shuffle (swapping with any position) is off by 11% or more.
    assert.ok(Math.abs(count - rounds / 6) < rounds / 6 * 0.04, `${order}: ${count}`);
  }
});
