/**
 * Invariants of the card table example, judged against the table's own state (the ground
 * truth of who holds which cards, and whose turn it is) as the core sends each result.
 *
 * @module
 */
import { type Index, SERVER_INDEX } from "../../mod.ts";
import { type CardsStorage, type CardTable, isCard, newDeck } from "../../examples/cards/mod.ts";
import type { Invariant, Violation } from "../engine/invariant.ts";
import {
  hiddenAsAddressed,
  type HiddenAsAddressedOptions,
} from "../invariants/secret_invariants.ts";
import { formatTime } from "../engine/trace.ts";

/**
 * Hole cards stay hidden: the raw bytes of each message a client read hold no card but the
 * board's, its own hole cards, and, once a hand has ended in a showdown, the cards of the
 * players who were still in. Not another player's hole card before the showdown, not a
 * folded hand after it, not the deck; judged for each message against the table as it was
 * when the core addressed it. Checks one table, `key`.
 *
 * @example
 * ```ts
 * import { createCardsStorage } from "../../examples/cards/mod.ts";
 * import { holeCardsHidden } from "./cards_invariants.ts";
 * const invariant = holeCardsHidden(createCardsStorage(), "t1");
 * ```
 */
export function holeCardsHidden(storage: CardsStorage, key: string): Invariant {
  return hiddenAsAddressed(holeCardRule(storage, key));
}

/**
 * The rule of {@linkcode holeCardsHidden}, for a hidden-information invariant: the cards
 * `viewer` may not see now, by what they are, read from the table's state.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createCardsStorage } from "../../examples/cards/mod.ts";
 * import { holeCardRule } from "./cards_invariants.ts";
 * const rule = holeCardRule(createCardsStorage(), "t1");
 * assert.equal(rule.forbiddenNow(1).size, 52); // no table: no card may be shown
 * ```
 */
export function holeCardRule(storage: CardsStorage, key: string): HiddenAsAddressedOptions {
  const cache = new Map<string, ReadonlyMap<string, string>>();
  // A table nobody is at is forgotten in the very turn whose last view (to one who leaves)
  // still shows it: judge that view by the table as it was.
  let last: CardTable | undefined;
  return {
    forbiddenNow(viewer) {
      const table = last = storage.tables.get(key) ?? last;
      const hand = table?.hand;
      const own = hand?.playerOf(viewer);
      const state = hand
        ? `${table!.serial}/${hand.number}/${hand.phase}/${hand.board.length}/${own?.seat ?? "-"}`
        : "no hand";
      let forbidden = cache.get(state);
      if (forbidden) return forbidden;
      const allowed = new Set([...hand?.board ?? [], ...own?.cards ?? []]);
      const holders = new Map<string, string>();
      for (const player of hand?.players ?? []) {
        if (hand!.showdown && !player.folded) {
          for (const card of player.cards) allowed.add(card);
        }
        const what =
          `a hole card of index ${player.index} in hand ${hand!.number} (${hand!.phase}` +
          `${player.folded ? ", folded" : ""})`;
        for (const card of player.cards) holders.set(card, what);
      }
      forbidden = new Map(
        newDeck().filter((card) => !allowed.has(card)).map((card) => [
          JSON.stringify(card),
          holders.get(card) ?? "a card nobody was shown",
        ]),
      );
      cache.set(state, forbidden);
      return forbidden;
    },
    tokensIn: quotedCards,
  };
}

/** Every `"As"`-like string in raw JSON bytes: a quote, a rank, a suit, a quote. */
function quotedCards(bytes: Uint8Array): string[] {
  const found: string[] = [];
  for (
    let at = bytes.indexOf(QUOTE);
    at >= 0 && at + 3 < bytes.length;
    at = bytes.indexOf(QUOTE, at + 1)
  ) {
    if (bytes[at + 3] !== QUOTE) continue;
    const card = String.fromCharCode(bytes[at + 1], bytes[at + 2]);
    if (isCard(card)) found.push(`"${card}"`);
  }
  return found;
}

const QUOTE = 0x22;

/** What {@linkcode tableClock} saw, for the tests to show that it saw something. */
export interface TableClockStats {
  hands: number;
  showdowns: number;
  /** Showdowns with a folded hand in them: what the showdown must still hide. */
  foldedAtShowdown: number;
  /** Turns ended by their timer. */
  timeouts: number;
  turns: number;
}

/** {@linkcode tableClock}'s invariant and what it counted. */
export interface TableClock extends Invariant {
  readonly stats: TableClockStats;
}

/**
 * Turn timers and hands, in virtual time: every turn ends within `turnTimeoutMs` of its
 * start; a turn ended by the server's own timer lasted exactly `turnTimeoutMs` (to the
 * microsecond the virtual clock rounds to); and every hand dealt before `handsOverByMs` has
 * ended by then. Sampled from the table's state each time the core sends a turn's result.
 *
 * @example
 * ```ts
 * import { createCardsStorage } from "../../examples/cards/mod.ts";
 * import { tableClock } from "./cards_invariants.ts";
 * const clock = tableClock(createCardsStorage(), "t1", { turnTimeoutMs: 400, handsOverByMs: 20_000 });
 * ```
 */
export function tableClock(
  storage: CardsStorage,
  key: string,
  options: { turnTimeoutMs: number; handsOverByMs: number },
): TableClock {
  const name = "table clock";
  const violations: Violation[] = [];
  const stats: TableClockStats = {
    hands: 0,
    showdowns: 0,
    foldedAtShowdown: 0,
    timeouts: 0,
    turns: 0,
  };
  const timeoutUs = options.turnTimeoutMs * 1000;
  let owner: Index | undefined;
  let turn: { key: string; since: number } | undefined;
  let hand: { id: string; since: number } | undefined;
  return {
    name,
    stats,
    attach(sim) {
      const add = (message: string) => violations.push({ invariant: name, time: sim.now, message });
      sim.observe({
        turnStarted: (index) => void (owner = index),
        sent() {
          if (sim.now >= options.handsOverByMs * 1000) return;
          const table = storage.tables.get(key);
          const turnKey = table?.turnKey;
          if (turnKey !== turn?.key) {
            if (turn) {
              const lasted = sim.now - turn.since;
              stats.turns++;
              if (lasted > timeoutUs + 1) {
                add(`turn ${turn.key} lasted ${formatTime(lasted)}ms: its timer never ended it`);
              }
              if (owner === SERVER_INDEX) {
                stats.timeouts++;
                if (Math.abs(lasted - timeoutUs) > 1) {
                  add(`the timer of turn ${turn.key} fired after ${formatTime(lasted)}ms`);
                }
              }
            }
            turn = turnKey === undefined ? undefined : { key: turnKey, since: sim.now };
          }
          const live = table?.hand?.live ? `${table.serial}/${table.hand.number}` : undefined;
          if (live !== hand?.id) {
            const ended = table?.hand;
            if (hand && ended?.showdown) {
              stats.showdowns++;
              stats.foldedAtShowdown += Number(ended.players.some((player) => player.folded));
            }
            if (live) stats.hands++;
            hand = live === undefined ? undefined : { id: live, since: sim.now };
          }
          owner = undefined;
        },
      });
    },
    check() {
      const unfinished = hand && {
        invariant: name,
        time: hand.since,
        message: `hand ${hand.id} never ended (the run checked until ${options.handsOverByMs}ms)`,
      };
      return unfinished ? [...violations, unfinished] : violations;
    },
  };
}
