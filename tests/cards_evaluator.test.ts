/**
 * The hand evaluator: every category, kickers, the wheel, best five of seven, ties; and a
 * count over all 2,598,960 five-card hands against the known frequencies.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  bestHand,
  cards,
  type Category,
  categoryOf,
  compareHands,
  evaluateFive,
  newDeck,
  scoreFive,
} from "../examples/cards/mod.ts";

const five = (text: string) => evaluateFive(cards(text));
const best = (text: string) => bestHand(cards(text));
/** Asserts that `stronger` beats `weaker`, both ways round. */
function beats(stronger: string, weaker: string, message?: string) {
  const [a, b] = [best(stronger), best(weaker)];
  assert.ok(compareHands(a, b) > 0, message ?? `${stronger} should beat ${weaker}`);
  assert.ok(compareHands(b, a) < 0, message ?? `${weaker} should lose to ${stronger}`);
}
function ties(a: string, b: string) {
  assert.equal(compareHands(best(a), best(b)), 0, `${a} should tie ${b}`);
}

test("each category is recognised, and the categories rank in order", () => {
  const examples: [Category, string][] = [
    ["high card", "Ah Jd 8c 5s 3h"],
    ["pair", "9h 9d Kc 5s 3h"],
    ["two pair", "9h 9d 5c 5s Ah"],
    ["three of a kind", "9h 9d 9c 5s Ah"],
    ["straight", "9h Td Jc Qs Kh"],
    ["flush", "2h 7h 9h Jh Kh"],
    ["full house", "9h 9d 9c 5s 5h"],
    ["four of a kind", "9h 9d 9c 9s 2h"],
    ["straight flush", "5s 6s 7s 8s 9s"],
  ];
  for (const [category, hand] of examples) assert.equal(five(hand).category, category, hand);
  for (let n = 1; n < examples.length; n++) beats(examples[n][1], examples[n - 1][1]);
  assert.equal(five("Ts Js Qs Ks As").category, "straight flush", "a royal flush");
  beats("Ts Js Qs Ks As", "9s Ts Js Qs Ks");
});

test("the wheel A-2-3-4-5 is the lowest straight; the ace does not wrap round", () => {
  assert.equal(five("Ah 2d 3c 4s 5h").category, "straight");
  beats("2h 3d 4c 5s 6h", "Ah 2d 3c 4s 5h");
  beats("Ah 2d 3c 4s 5h", "Ah Kd Qc Js 9h", "the wheel beats any high card");
  beats("Th Jd Qc Ks Ah", "9h Td Jc Qs Kh");
  assert.equal(five("Kh Ad 2c 3s 4h").category, "high card", "K-A-2-3-4 is no straight");
  assert.equal(five("Qh Kd Ac 2s 3h").category, "high card");
  assert.equal(five("Ac 2c 3c 4c 5c").category, "straight flush", "the steel wheel");
  beats("2c 3c 4c 5c 6c", "Ac 2c 3c 4c 5c");
  assert.deepEqual(five("Ah 2d 3c 4s 5h").cards, cards("5h 4s 3c 2d Ah"), "the ace plays low");
  assert.equal(best("Ah 2d 3c 4s 5h 6c Kd").category, "straight");
  beats("Ah 2d 3c 4s 5h 6c Kd", "Ah 2d 3c 4s 5h 9c Kd", "six-high beats the wheel in seven");
});

test("kickers decide within a category", () => {
  beats("Ah Ad Kc 7s 3h", "As Ac Qd 7h 3d", "pair: first kicker");
  beats("Ah Ad Kc 7s 4h", "As Ac Kd 7h 3d", "pair: last kicker");
  beats("Kh Kd 2c 2s Ah", "Ks Kc 2d 2h Qh", "two pair: the kicker");
  beats("Kh Kd 3c 3s 2h", "Ks Kc 2d 2h Ah", "two pair: the second pair before the kicker");
  beats("Ah Ad 2c 2s 3h", "Kh Kd Qc Qs Jh", "two pair: the top pair first");
  beats("7h 7d 7c As 2h", "7s 7c 7d Ks Qh", "trips: kicker");
  beats("3h 3d 3c 2s 2h", "2d 2c 2s Ah Ad", "full house: the trips first");
  beats("Ah Ad Ac 3s 3h", "Ah Ad Ac 2s 2h", "full house: then the pair");
  beats("9h 9d 9c 9s 3h", "9h 9d 9c 9s 2h", "quads: kicker");
  beats("Ah Jh 8h 5h 3h", "Ad Jd 8d 5d 2d", "flush: all five cards count");
  beats("Ah Jd 8c 5s 3h", "Ad Jc 8s 5h 2d", "high card: the fifth card");
  ties("Ah Jd 8c 5s 3h", "As Jc 8d 5h 3d");
  ties("Th Jd Qc Ks Ah", "Ts Jc Qd Kh As");
});

test("the best five of seven cards", () => {
  assert.deepEqual(best("Ah Kh Qh Jh Th 2c 2d").cards, cards("Ah Kh Qh Jh Th"));
  assert.equal(best("2h 7h 9h Jh 3s 4d 5c").category, "high card", "four hearts are no flush");
  assert.equal(best("2h 7h 9h Jh Kh 8s 6d").category, "flush", "five hearts among seven");
  assert.equal(best("2h 7h 9h Jh Kh Ts 8d").category, "flush", "a flush beats a straight");
  assert.equal(best("9h 9d 9c 5s 5h 5d Ah").category, "full house", "two trips make a full house");
  assert.deepEqual(best("9h 9d 9c 5s 5h 5d Ah").cards, cards("9h 9d 9c 5s 5h"));
  assert.equal(best("9h 9d 5c 5s 3h 3d Ah").category, "two pair");
  assert.deepEqual(
    best("9h 9d 5c 5s 3h 3d Ah").cards,
    cards("9h 9d 5c 5s Ah"),
    "third pair counterfeited",
  );
  assert.deepEqual(
    best("9h 9d 5c 5s 3h 3d 2h").cards,
    cards("9h 9d 5c 5s 3h"),
    "the third pair kicks",
  );
  assert.equal(best("Qc Qd Qh Qs Kh Kd Kc").category, "four of a kind");
  assert.equal(best("4s 5s 6s 7s 8s 9s 9h").cards[0], "9s", "the higher straight flush");
  assert.throws(() => bestHand(cards("Ah Kh Qh Jh")), RangeError);
  assert.throws(() => evaluateFive(cards("Ah Kh Qh Jh Th 9h")), RangeError);
});

test("ties: equal hands split, and the board can play for everyone", () => {
  const board = "Th Jd Qc Ks Ah";
  ties(`2c 3d ${board}`, `4c 5d ${board}`);
  ties("Ah Ad Kc Ks 7h 2c 3d", "As Ac Kd Kh 7d 4c 5s");
  // The same pair with different discarded low cards: the best five are equal.
  ties("Ah Ad Kc Qs Jh 3c 2d", "As Ac Kd Qh Jd 4c 2s");
  beats("Ah Ad Kc Qs Jh 3c 2d", "As Ac Kd Qh Td 4c 2s");
});

test("all 2,598,960 five-card hands: the known count of each category, 7,462 distinct values", () => {
  const deck = newDeck();
  const counts = new Map<Category, number>();
  const scores = new Set<number>();
  const hand = ["", "", "", "", ""];
  for (let a = 0; a < 52; a++) {
    hand[0] = deck[a];
    for (let b = a + 1; b < 52; b++) {
      hand[1] = deck[b];
      for (let c = b + 1; c < 52; c++) {
        hand[2] = deck[c];
        for (let d = c + 1; d < 52; d++) {
          hand[3] = deck[d];
          for (let e = d + 1; e < 52; e++) {
            hand[4] = deck[e];
            const score = scoreFive(hand);
            scores.add(score);
            const category = categoryOf(score);
            counts.set(category, (counts.get(category) ?? 0) + 1);
          }
        }
      }
    }
  }
  assert.deepEqual(Object.fromEntries(counts), {
    "straight flush": 40,
    "four of a kind": 624,
    "full house": 3744,
    "flush": 5108,
    "straight": 10200,
    "three of a kind": 54912,
    "two pair": 123552,
    "pair": 1098240,
    "high card": 1302540,
  });
  assert.equal(scores.size, 7462);
});

test("scoreFive and evaluateFive agree, and the cards come by weight", () => {
  const hand = cards("5s 9h 5h 9d 9c");
  assert.equal(scoreFive(hand), evaluateFive(hand).score);
  assert.deepEqual(evaluateFive(hand).cards, cards("9h 9d 9c 5s 5h"));
});
