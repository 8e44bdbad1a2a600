/**
 * What one connection may see of a table: the only place where cards are hidden. Every
 * command the card game sends about a table is built here, for one viewer at a time.
 *
 * @module
 */
import type { Index } from "../../mod.ts";
import type { Card } from "./cards.ts";
import type { Category } from "./evaluator.ts";
import type { Hand, HandPlayer, Phase, TableEvent } from "./hand.ts";
import type { CardTable } from "./table.ts";

/** The code of the commands that carry a view of a table. */
export const VIEW_CODE = "table";

/**
 * A taken seat as everyone sees it (`gone`: its player left mid-hand and is still in; `away`:
 * its player's connection dropped and may come back).
 */
export type SeatView = { index: Index; ready: boolean; gone?: true; away?: true };

/** A dealt-in player as one viewer sees them: `cards` and `best` only where the rule allows. */
export type PlayerView = {
  seat: number;
  index: Index;
  folded: boolean;
  cards?: Card[];
  /** At a showdown: the best five cards and their category. */
  best?: { category: Category; cards: Card[] };
};

/** A hand as one viewer sees it. `turn` is the seat to act (null when over). */
export type HandView = {
  number: number;
  phase: Phase;
  button: number;
  board: Card[];
  turn: number | null;
  /** How long each turn lasts. */
  turnMs: number;
  /** In acting order. */
  players: PlayerView[];
  winners: number[];
  showdown: boolean;
};

/** The command every change of a table is answered with, one per viewer. */
export type TableView = {
  code: typeof VIEW_CODE;
  key: string;
  /** What just happened, in order. */
  events: TableEvent[];
  /** The viewer: their connection index, and their seat or null. */
  you: { index: Index; seat: number | null };
  /** By seat number, null where free. */
  seats: (SeatView | null)[];
  /** The running or last hand; null before the first. */
  hand: HandView | null;
};

/**
 * The rule of hidden information: whether `viewer` may see `player`'s hole cards. Nobody
 * sees a folded hand, not even its owner; at a showdown, everyone sees the hands still in;
 * until then, a player sees only their own.
 *
 * @example
 * ```ts
 * import type { Hand } from "./hand.ts";
 * import { mayShow } from "./view.ts";
 * declare const hand: Hand;
 * hand.players.filter((player) => mayShow(hand, player, 3)); // what connection 3 may see
 * ```
 */
export function mayShow(hand: Hand, player: HandPlayer, viewer: Index): boolean {
  if (player.folded) return false;
  return hand.showdown || player.index === viewer;
}

/**
 * The table as `viewer` may see it, after `events`: a `table` command. Seats are listed by
 * number, `null` where free; `hand` is the running or last hand, `null` before the first.
 *
 * @example
 * ```ts
 * import { CardTable } from "./table.ts";
 * import { seededRandom } from "./random.ts";
 * import { viewFor } from "./view.ts";
 * const table = new CardTable("t1", 1, { random: seededRandom(1), maxSeats: 2, turnTimeoutMs: 1000 });
 * viewFor(table, 5, table.join(5));
 * // { code: "table", key: "t1", events: [{ type: "join", index: 5 }],
 * //   you: { index: 5, seat: null }, seats: [null, null], hand: null }
 * ```
 */
export function viewFor(
  table: CardTable,
  viewer: Index,
  events: readonly TableEvent[],
): TableView {
  return {
    code: VIEW_CODE,
    key: table.key,
    events: [...events],
    you: { index: viewer, seat: table.seatOf(viewer) ?? null },
    seats: table.seats.map((taken) =>
      taken
        ? {
          index: taken.index,
          ready: taken.ready,
          ...(taken.gone ? { gone: true } : {}),
          ...(taken.away ? { away: true } : {}),
        }
        : null
    ),
    hand: table.hand ? handView(table.hand, viewer, table.rules.turnTimeoutMs) : null,
  };
}

function handView(hand: Hand, viewer: Index, turnMs: number): HandView {
  return {
    number: hand.number,
    phase: hand.phase,
    button: hand.button,
    board: [...hand.board],
    turn: hand.turn ?? null,
    turnMs,
    players: hand.players.map((player) => playerView(hand, player, viewer)),
    winners: [...hand.winners],
    showdown: hand.showdown,
  };
}

function playerView(hand: Hand, player: HandPlayer, viewer: Index): PlayerView {
  const view: PlayerView = { seat: player.seat, index: player.index, folded: player.folded };
  if (!mayShow(hand, player, viewer)) return view;
  view.cards = [...player.cards];
  const value = player.value;
  if (value) view.best = { category: value.category, cards: [...value.cards] };
  return view;
}
