/**
 * One hand of Texas hold'em without betting: the deal, the streets, the turns, and the end
 * (one player left, or a showdown).
 *
 * @module
 */
import type { Index } from "../../mod.ts";
import type { Card } from "./cards.ts";
import { bestHand, type HandValue } from "./evaluator.ts";

/** The betting rounds, in order (here every action is a check or a fold). */
export type Street = "preflop" | "flop" | "turn" | "river";
/** Where a hand is: a street while it lasts, then `over`. */
export type Phase = Street | "over";

/**
 * A public fact about what just happened at a table. Events never carry cards: what a
 * viewer may see of the cards is decided by the view alone.
 */
export type TableEvent =
  | { type: "join" | "leave" | "disconnect" | "disconnected" | "back"; index: Index }
  | { type: "sit"; index: Index; seat: number }
  | { type: "ready" | "check"; seat: number }
  | { type: "fold"; seat: number; reason: "fold" | "timeout" | "leave" }
  | { type: "start"; hand: number; button: number }
  | { type: "deal"; street: Street }
  | { type: "win"; seats: number[]; showdown: boolean };

/** A player dealt into a hand. */
export interface HandPlayer {
  readonly seat: number;
  readonly index: Index;
  /** The two hole cards: secret to everyone but this player until a showdown. */
  readonly cards: readonly Card[];
  folded: boolean;
  /** The best five of this player's seven, worked out at a showdown for those still in. */
  value?: HandValue;
}

/**
 * Everything a hand is, as JSON, for a server that takes the table over: the hole cards and
 * the rest of the deck included, so it stays on the server side (in its store), never sent.
 */
export interface HandSnapshot {
  number: number;
  button: number;
  phase: Phase;
  board: Card[];
  players: { seat: number; index: Index; cards: Card[]; folded: boolean; value?: HandValue }[];
  turn: number | null;
  turnNumber: number;
  showdown: boolean;
  winners: number[];
  /** The cards not dealt yet, the top last. */
  deck: Card[];
  /** The seats that acted on this street. */
  acted: number[];
}

const NEXT_STREET = { preflop: "flop", flop: "turn", turn: "river" } as const;
const STREET_CARDS = { flop: 3, turn: 1, river: 1 } as const;

/**
 * A hand's state machine. Each street, the players still in act once each, in seat order
 * from the button's left; every action is a check or a fold. The hand is over when one
 * player is left or when the river has been played (the showdown: best five of seven wins,
 * equal hands split).
 *
 * @example
 * ```ts
 * import { newDeck } from "./cards.ts";
 * import { Hand } from "./hand.ts";
 * const hand = new Hand(1, 0, [{ seat: 1, index: 7 }, { seat: 0, index: 3 }], newDeck());
 * hand.turn; // 1: the first seat of the acting order
 * hand.act(1, "fold"); // [{ type: "fold", ... }, { type: "win", seats: [0], showdown: false }]
 * ```
 */
export class Hand {
  phase: Phase = "preflop";
  readonly board: Card[] = [];
  /** The players, in acting order. */
  readonly players: HandPlayer[];
  /** The seat whose turn it is, while the hand lasts. */
  turn: number | undefined;
  /** Counts turns, so that a turn timer set for an earlier turn knows it is stale. */
  turnNumber = 0;
  /** Whether the hand was decided by comparing hands (and not by folds). */
  showdown = false;
  /** The seats that won (several on a split). */
  winners: number[] = [];
  readonly #deck: Card[];
  readonly #acted = new Set<number>();

  /**
   * Deals two hole cards to each player from the top of `deck` (already shuffled; its last
   * card is the top), one at a time, in acting order.
   */
  constructor(
    readonly number: number,
    readonly button: number,
    order: readonly { seat: number; index: Index }[],
    deck: readonly Card[],
  ) {
    if (order.length < 2) throw new RangeError("a hand needs two players");
    this.#deck = [...deck];
    const holes = order.map((): Card[] => []);
    for (let round = 0; round < 2; round++) for (const hole of holes) hole.push(this.#draw());
    this.players = order.map(({ seat, index }, n) => ({
      seat,
      index,
      cards: holes[n],
      folded: false,
    }));
    this.#nextTurn();
  }

  /** The hand as JSON (see {@linkcode HandSnapshot}): secret, for the server's store only. */
  snapshot(): HandSnapshot {
    return {
      number: this.number,
      button: this.button,
      phase: this.phase,
      board: [...this.board],
      players: this.players.map((player) => ({ ...player, cards: [...player.cards] })),
      turn: this.turn ?? null,
      turnNumber: this.turnNumber,
      showdown: this.showdown,
      winners: [...this.winners],
      deck: [...this.#deck],
      acted: [...this.#acted],
    };
  }

  /**
   * The hand a snapshot was taken of, where it was: the same cards still to come.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { newDeck } from "./cards.ts";
   * import { Hand } from "./hand.ts";
   * const hand = new Hand(1, 0, [{ seat: 1, index: 7 }, { seat: 0, index: 3 }], newDeck());
   * const copy = Hand.restore(JSON.parse(JSON.stringify(hand.snapshot())));
   * assert.deepEqual(copy.act(1, "check"), hand.act(1, "check"));
   * assert.deepEqual(copy.act(0, "check"), hand.act(0, "check")); // the flop: the same cards
   * assert.deepEqual(copy.board, hand.board);
   * ```
   */
  static restore(snapshot: HandSnapshot): Hand {
    const order = snapshot.players.map(({ seat, index }) => ({ seat, index }));
    // Dealt from a deck of the hole cards alone, then set as it was.
    const holes = dealing(snapshot.players.map((player) => player.cards));
    const hand = new Hand(snapshot.number, snapshot.button, order, holes);
    hand.players.forEach((player, n) => {
      const saved = snapshot.players[n];
      player.folded = saved.folded;
      if (saved.value !== undefined) player.value = saved.value;
    });
    hand.phase = snapshot.phase;
    hand.board.push(...snapshot.board);
    hand.turn = snapshot.turn ?? undefined;
    hand.turnNumber = snapshot.turnNumber;
    hand.showdown = snapshot.showdown;
    hand.winners = [...snapshot.winners];
    hand.#deck.push(...snapshot.deck);
    for (const seat of snapshot.acted) hand.#acted.add(seat);
    return hand;
  }

  /** Whether the hand is still being played. */
  get live(): boolean {
    return this.phase !== "over";
  }

  /** The player in `seat`, if dealt in. */
  playerAt(seat: number): HandPlayer | undefined {
    return this.players.find((player) => player.seat === seat);
  }

  /** The player with connection `index`, if dealt in. */
  playerOf(index: Index): HandPlayer | undefined {
    return this.players.find((player) => player.index === index);
  }

  /** The players who have not folded. */
  get inPlayers(): HandPlayer[] {
    return this.players.filter((player) => !player.folded);
  }

  /**
   * Plays one action and whatever follows from it (the next street, the end). A check
   * must be the turn's; a fold may come out of turn (a player leaving the table).
   */
  act(
    seat: number,
    action: "check" | "fold",
    reason: "fold" | "timeout" | "leave" = "fold",
  ): TableEvent[] {
    const player = this.playerAt(seat);
    if (!this.live || !player || player.folded) throw new RangeError("not in this hand");
    if (action === "check" && seat !== this.turn) throw new RangeError("not this seat's turn");
    if (action === "fold") player.folded = true;
    this.#acted.add(seat);
    const event: TableEvent = action === "check"
      ? { type: "check", seat }
      : { type: "fold", seat, reason };
    return [event, ...this.#advance()];
  }

  #advance(): TableEvent[] {
    const left = this.inPlayers;
    if (left.length === 1) return this.#end([left[0].seat], false);
    if (left.some((player) => !this.#acted.has(player.seat))) {
      this.#nextTurn();
      return [];
    }
    if (this.phase === "river") return this.#showdown(left);
    const street = NEXT_STREET[this.phase as Exclude<Street, "river">];
    this.phase = street;
    this.#draw(); // the burn card
    for (let n = 0; n < STREET_CARDS[street]; n++) this.board.push(this.#draw());
    this.#acted.clear();
    this.turn = undefined; // a new street is a new turn, even for the same seat
    this.#nextTurn();
    return [{ type: "deal", street }];
  }

  /** The first player in acting order who is still in and has not acted on this street. */
  #nextTurn(): void {
    const next = this.players.find((player) => !player.folded && !this.#acted.has(player.seat));
    if (next?.seat !== this.turn) this.turnNumber++;
    this.turn = next?.seat;
  }

  #showdown(left: HandPlayer[]): TableEvent[] {
    for (const player of left) player.value = bestHand([...player.cards, ...this.board]);
    const top = Math.max(...left.map((player) => player.value!.score));
    this.showdown = true;
    const winners = left.filter((player) => player.value!.score === top);
    return this.#end(winners.map((player) => player.seat).sort((a, b) => a - b), true);
  }

  #end(winners: number[], showdown: boolean): TableEvent[] {
    this.phase = "over";
    this.turn = undefined;
    this.turnNumber++;
    this.winners = winners;
    return [{ type: "win", seats: winners, showdown }];
  }

  #draw(): Card {
    const card = this.#deck.pop();
    if (card === undefined) throw new RangeError("the deck is empty");
    return card;
  }
}

/** A deck that deals each player (in acting order) the hole cards given: the top last. */
function dealing(holes: readonly (readonly Card[])[]): Card[] {
  const fromTop: Card[] = [];
  for (let round = 0; round < 2; round++) for (const hole of holes) fromTop.push(hole[round]);
  return fromTop.reverse();
}
