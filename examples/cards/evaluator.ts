/**
 * The poker hand evaluator: the value of five cards, and the best five of up to seven.
 *
 * @module
 */
import { type Card, rankOf, suitOf } from "./cards.ts";

/** The hand categories, weakest first. */
export const CATEGORIES = [
  "high card",
  "pair",
  "two pair",
  "three of a kind",
  "straight",
  "flush",
  "full house",
  "four of a kind",
  "straight flush",
] as const;

/** One hand category, e.g. `"full house"`. A royal flush is the ace-high straight flush. */
export type Category = typeof CATEGORIES[number];

/** What a hand is worth. */
export interface HandValue {
  readonly category: Category;
  /**
   * Orders hands: higher wins, equal ties. The category, then the ranks that break ties
   * within it (most repeated first, then highest), packed in base 16.
   */
  readonly score: number;
  /** The five cards that make the hand, in the order of their ranks' weight. */
  readonly cards: readonly Card[];
}

/** The category of a {@linkcode HandValue.score}. */
export function categoryOf(score: number): Category {
  return CATEGORIES[Math.floor(score / 16 ** 5)];
}

/**
 * The score of exactly five cards (see {@linkcode HandValue.score}), without building the
 * rest of a {@linkcode HandValue}: the fast path for comparing many hands.
 *
 * @example
 * ```ts
 * import { cards } from "./cards.ts";
 * import { categoryOf, scoreFive } from "./evaluator.ts";
 * categoryOf(scoreFive(cards("Ah Ad Kc Ks 2h"))); // "two pair"
 * ```
 */
export function scoreFive(five: readonly Card[]): number {
  return valueParts(five).score;
}

/**
 * The value of exactly five cards. A straight's only tie-breaker is its top card, and in the
 * wheel (A-2-3-4-5) that is the five: the ace plays low.
 *
 * @example
 * ```ts
 * import { cards } from "./cards.ts";
 * import { evaluateFive } from "./evaluator.ts";
 * evaluateFive(cards("Ah 2d 3c 4s 5h")).category; // "straight"
 * ```
 */
export function evaluateFive(five: readonly Card[]): HandValue {
  const { score, counts, top } = valueParts(five);
  const weight = (card: Card) => {
    const rank = top === 5 && rankOf(card) === 14 ? 1 : rankOf(card);
    return (counts[rankOf(card)] << 4) + rank;
  };
  return {
    category: categoryOf(score),
    score,
    cards: [...five].sort((a, b) => weight(b) - weight(a)),
  };
}

function valueParts(five: readonly Card[]): { score: number; counts: number[]; top: number } {
  if (five.length !== 5) throw new RangeError("a hand is five cards");
  const counts = new Array<number>(15).fill(0);
  for (const card of five) counts[rankOf(card)]++;
  // Each rank present, most repeated first, then highest: this order is the tie-break.
  const groups: number[] = [];
  for (let rank = 14; rank >= 2; rank--) if (counts[rank] > 0) groups.push(rank);
  groups.sort((a, b) => counts[b] - counts[a] || b - a);
  const flush = five.every((card) => suitOf(card) === suitOf(five[0]));
  const top = straightTop(groups);
  const [most, next] = [counts[groups[0]], counts[groups[1]]];
  // Indexes into CATEGORIES.
  let category = 0;
  if (top && flush) category = 8;
  else if (most === 4) category = 7;
  else if (most === 3 && next === 2) category = 6;
  else if (flush) category = 5;
  else if (top) category = 4;
  else if (most === 3) category = 3;
  else if (most === 2) category = next === 2 ? 2 : 1;
  const breakers = top ? [top] : groups;
  let score = category;
  for (let place = 0; place < 5; place++) score = score * 16 + (breakers[place] ?? 0);
  return { score, counts, top };
}

/** The top rank of a straight made by five distinct ranks (sorted high to low), else 0. */
function straightTop(ranks: readonly number[]): number {
  if (ranks.length !== 5) return 0;
  if (ranks[0] - ranks[4] === 4) return ranks[0];
  if (ranks[0] === 14 && ranks[1] === 5) return 5;
  return 0;
}

/**
 * The best five-card hand among five to seven cards (in hold'em: two hole cards and the
 * board), trying every choice of five.
 *
 * @example
 * ```ts
 * import { cards } from "./cards.ts";
 * import { bestHand } from "./evaluator.ts";
 * const hand = bestHand(cards("Ah Kh Qh Jh Th 2c 2d"));
 * // hand.category is "straight flush"; hand.cards is ["Ah", "Kh", "Qh", "Jh", "Th"]
 * ```
 */
export function bestHand(cards: readonly Card[]): HandValue {
  if (cards.length < 5 || cards.length > 7) throw new RangeError("give five to seven cards");
  let best: Card[] = [];
  let bestScore = -1;
  // Each mask with five bits set is one choice of five cards.
  for (let mask = 0; mask < 1 << cards.length; mask++) {
    const five = cards.filter((_, place) => mask & (1 << place));
    if (five.length !== 5) continue;
    const score = scoreFive(five);
    if (score > bestScore) [best, bestScore] = [five, score];
  }
  return evaluateFive(best);
}

/**
 * Orders two hands: positive when `a` wins, negative when `b` wins, 0 for a tie (a split).
 *
 * @example
 * ```ts
 * import { cards } from "./cards.ts";
 * import { compareHands, evaluateFive } from "./evaluator.ts";
 * const wheel = evaluateFive(cards("Ah 2d 3c 4s 5h"));
 * const six = evaluateFive(cards("2h 3d 4c 5s 6h"));
 * compareHands(six, wheel) > 0; // true: the wheel is the lowest straight
 * ```
 */
export function compareHands(a: HandValue, b: HandValue): number {
  return a.score - b.score;
}
