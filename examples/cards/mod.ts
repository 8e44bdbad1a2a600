/**
 * The card table example: Texas hold'em without betting, where the server, not the client,
 * hides every player's hole cards from everyone else.
 *
 * ## Protocol
 * The framework's wire (UTF-8 JSON, each message ended by a zero byte). Every command names
 * its table in `key` (any string); the verb is in `code` (or `command`).
 *
 * Client to server:
 * - `join {key}`: come to the table as a spectator (leaving any other table first).
 * - `sit {key, seat?}`: take seat `seat` (0 to 5 by default), or the first free one.
 * - `ready {key}`: ready for the next hand. Once two seated players are ready, a hand starts
 *   with the ready ones (readiness is used up by the hand).
 * - `start {key}`: start a hand now with everyone seated (at least two).
 * - `check {key}`, `fold {key}`: act, on your turn.
 * - `leave {key}`: leave the table; a hand you are in is folded at once, your seat is freed.
 *
 * Server to client: every change of a table sends each connection at it one message holding
 * one `table` command built for that connection alone ({@linkcode TableView}):
 * `{code: "table", key, events, you: {index, seat}, seats, hand}`.
 * - `events`: what just happened: `join`/`leave`/`disconnect {index}`, with a hold
 *   `disconnected`/`back {index}` (a dropped player's connection, then its resume), `sit {index, seat}`,
 *   `ready`/`check {seat}`, `fold {seat, reason: "fold" | "timeout" | "leave"}`,
 *   `start {hand, button}`, `deal {street: "flop" | "turn" | "river"}`,
 *   `win {seats, showdown}` (several seats: a split).
 * - `seats`: by seat number, `{index, ready, gone?, away?}` or `null` when free (`away`: the
 *   player's connection dropped and the server holds the seat for a resume).
 * - `hand` (the running or last hand, else `null`): `number`, `phase` (`preflop`, `flop`,
 *   `turn`, `river`, `over`), `button`, `board`, `turn` (the seat to act, `null` when over),
 *   `turnMs`, `players` (in acting order: `{seat, index, folded, cards?, best?}`),
 *   `winners` (seats), `showdown`.
 *
 * Who sees which hole cards (`hand.players[].cards`; the rule lives in `./view.ts` alone):
 * - a player sees their own two cards while they are in the hand, and no one else's;
 * - nobody sees a folded hand, not even its owner; spectators see only the board;
 * - at a showdown everyone at the table sees the cards (and `best`: category and five
 *   cards) of exactly the players still in; a hand won by folds shows no one's cards.
 *
 * Turns: on each street the players still in act once each, in seat order from the button's
 * left. A player who has not acted within `turnMs` is folded (`fold`, reason `timeout`). A
 * player who disconnects stays in until their turn runs out, is folded then (the hand goes
 * on for the others), and loses their seat.
 *
 * Reconnection: served with a hold (`new Server({ application, clock, holdMs })`; the example
 * server holds 60 s for this game), a player whose connection drops keeps their seat: the table
 * sees `disconnected`, the turn timer still runs (a held player on turn is folded for a
 * timeout, and keeps the seat). A new connection whose first command is
 * `{"code":"resume","token":T}` (T from the `session` message every connection gets first)
 * is that player again: it gets `{"code":"resume","success":true,"token":T2}` and then the
 * whole current view (its own hole cards included); the others see `back`. Once the hold runs
 * out the player is gone as above (`disconnect`). After the river comes the showdown: the best
 * five of seven cards wins; equal hands split.
 *
 * Refused commands change nothing and answer the sender alone, e.g.
 * `[{"error":"not your turn","code":"check","key":"t1"}]`.
 *
 * Example session (`>` sent by connection 1, `<` what it receives; lines are wrapped here):
 * ```text
 * > {"code":"join","key":"t1"}
 * < [{"code":"table","key":"t1","events":[{"type":"join","index":1}],
 *     "you":{"index":1,"seat":null},"seats":[null,null,null,null,null,null],"hand":null}]
 * > {"code":"sit","key":"t1"}
 * < [{"code":"table","key":"t1","events":[{"type":"sit","index":1,"seat":0}],
 *     "you":{"index":1,"seat":0},"seats":[{"index":1,"ready":false},null,null,null,null,null],
 *     "hand":null}]
 *   (connection 2 joins and sits in seat 1; connection 1 receives a view of each change)
 * > {"code":"ready","key":"t1"}
 * < [{"code":"table","key":"t1","events":[{"type":"ready","seat":0}],...,"hand":null}]
 *   (connection 2 is ready too, so the hand starts; connection 1 receives)
 * < [{"code":"table","key":"t1","events":[{"type":"ready","seat":1},
 *     {"type":"start","hand":1,"button":0}],"you":{"index":1,"seat":0},
 *     "seats":[{"index":1,"ready":false},{"index":2,"ready":false},null,null,null,null],
 *     "hand":{"number":1,"phase":"preflop","button":0,"board":[],"turn":1,"turnMs":30000,
 *     "players":[{"seat":1,"index":2,"folded":false},
 *     {"seat":0,"index":1,"folded":false,"cards":["Kd","Jc"]}],"winners":[],"showdown":false}}]
 *   (connection 2's copy shows its own cards, and not these)
 * > {"code":"check","key":"t1"}
 * < [{"error":"not your turn","code":"check","key":"t1"}]
 *   (... checks on every street; at the showdown each player still in is shown to everyone:)
 * < [{"code":"table",...,"hand":{...,"phase":"over",...,"players":[{"seat":1,"index":2,
 *     "folded":false,"cards":["9s","9d"],"best":{"category":"pair","cards":[...]}},...],
 *     "winners":[1],"showdown":true}}]
 * ```
 *
 * @example
 * ```ts
 * import { ManualClock, Server } from "../../mod.ts";
 * import { createCardTableApplication, seededRandom } from "./mod.ts";
 * const clock = new ManualClock(); // a real clock in production
 * const application = createCardTableApplication({ random: seededRandom(1), turnTimeoutMs: 20_000 });
 * const server = new Server({ application, clock });
 * ```
 *
 * @module
 */
import { Application, type Logger } from "../../mod.ts";
import {
  type CardsControllerOptions,
  type CardsStorage,
  createCardsController,
  createCardsStorage,
} from "./cards_controller.ts";

export * from "./cards.ts";
export * from "./random.ts";
export * from "./evaluator.ts";
export * from "./hand.ts";
export * from "./table.ts";
export * from "./view.ts";
export * from "./cards_controller.ts";
export * from "./bot.ts";

/** Options of {@linkcode createCardTableApplication}. */
export interface CardTableOptions extends CardsControllerOptions {
  logger?: Logger;
}

/**
 * An Application whose card controller handles every key (each key is a table). Serve it
 * with a clock (`new Server({ application, clock })`): the turn timers are timed commands.
 *
 * @example
 * ```ts
 * import { createCardTableApplication, seededRandom } from "./mod.ts";
 * const application = createCardTableApplication({ random: seededRandom(42), maxSeats: 4 });
 * await application.handleCommands(1, [{ code: "join", key: "t1" }]);
 * application.storage.tables.get("t1")?.members; // Set { 1 }
 * ```
 */
export function createCardTableApplication(
  options: CardTableOptions = {},
): Application<CardsStorage> {
  return new Application({
    storage: createCardsStorage(),
    defaultController: createCardsController(options),
    logger: options.logger,
  });
}
