/**
 * Playing cards as the wire carries them: two-character strings, rank then suit.
 *
 * @module
 */

/** The ranks, lowest first: 2..9, T(en), J(ack), Q(ueen), K(ing), A(ce). */
export const RANKS = "23456789TJQKA";
/** The suits: clubs, diamonds, hearts, spades. */
export const SUITS = "cdhs";

/**
 * One card, e.g. `"As"` (ace of spades) or `"Td"` (ten of diamonds). A plain string, so that
 * it is what the JSON on the wire holds, and what a test looks for in the raw bytes.
 */
export type Card = string;

/** A card's rank as a number: 2 for a two, ..., 14 for an ace. */
export function rankOf(card: Card): number {
  return RANKS.indexOf(card[0]) + 2;
}

/** A card's suit letter. */
export function suitOf(card: Card): string {
  return card[1];
}

/** Whether `value` names one of the 52 cards. */
export function isCard(value: unknown): value is Card {
  return typeof value === "string" && value.length === 2 && RANKS.includes(value[0]) &&
    SUITS.includes(value[1]);
}

/**
 * The 52 cards in a fixed order (by rank, then suit): shuffle a copy before dealing.
 *
 * @example
 * ```ts
 * import { newDeck } from "./cards.ts";
 * const deck = newDeck();
 * // deck.length is 52; deck[0] is "2c", deck[51] is "As"
 * ```
 */
export function newDeck(): Card[] {
  const deck: Card[] = [];
  for (const rank of RANKS) for (const suit of SUITS) deck.push(rank + suit);
  return deck;
}

/**
 * Parses cards written with spaces, e.g. `"As Kd 7h"`; throws on anything that is not a card.
 * For tests and examples.
 *
 * @example
 * ```ts
 * import { cards } from "./cards.ts";
 * cards("As Kd"); // ["As", "Kd"]
 * ```
 */
export function cards(text: string): Card[] {
  const list = text.split(/\s+/).filter((word) => word.length > 0);
  for (const card of list) if (!isCard(card)) throw new RangeError(`not a card: ${card}`);
  return list;
}
