/**
 * The card table example over in-memory clients on a manual clock, and ways to look at what
 * each client received (decoded views, raw bytes) and at what the server knows (hole cards).
 */
import { type Command, ManualClock } from "../../mod.ts";
import {
  type Card,
  type CardsStorage,
  type CardTableOptions,
  createCardTableApplication,
  isTableView,
  newDeck,
  type RandomSource,
  seededRandom,
  type TableView,
} from "../../examples/cards/mod.ts";
import { Harness, type TestClient } from "./harness.ts";

/** The table every test plays at. */
export const KEY = "t1";
/** The turn timer of the tests' tables. */
export const TURN_MS = 1000;

const decoder = new TextDecoder();

/** Options of {@linkcode cardTable}. */
export interface CardTableSetup extends CardTableOptions {
  /** Clients that join and sit, in seat order. Default 2. */
  players?: number;
  /** Clients that join after them and only watch. Default 0. */
  spectators?: number;
  /** Seeds the deck when no `random` is given. Default 1. */
  seed?: number;
  /** Sessions: the server holds a dropped player this long (`ServerOptions.holdMs`). */
  holdMs?: number;
}

/**
 * A card application on a manual clock, with `players` clients seated (seats 0, 1, ...) and
 * `spectators` watching table {@linkcode KEY}. What they received so far is cleared.
 */
export async function cardTable(setup: CardTableSetup = {}) {
  const { players: playerCount = 2, spectators: spectatorCount = 0, seed = 1, holdMs, ...options } =
    setup;
  const clock = new ManualClock();
  const application = createCardTableApplication({
    turnTimeoutMs: TURN_MS,
    random: seededRandom(seed),
    ...options,
  });
  // No idle timer: the clock's pending timers are then exactly the table's.
  const harness = new Harness(application, { clock, limits: { idleTimeoutMs: 0 }, holdMs });
  const players: TestClient[] = [];
  const spectators: TestClient[] = [];
  for (let n = 0; n < playerCount + spectatorCount; n++) {
    const client = await harness.connect();
    await client.send({ code: "join", key: KEY });
    if (n < playerCount) await client.send({ code: "sit", key: KEY });
    (n < playerCount ? players : spectators).push(client);
  }
  const clients = [...players, ...spectators];
  // With sessions, each client's first message holds its token.
  const tokens = new Map(clients.map((client) => [client, client.messages[0]?.[0]?.token]));
  for (const client of clients) client.take();
  const storage: CardsStorage = application.storage;
  return {
    clock,
    harness,
    storage,
    players,
    spectators,
    clients,
    /** Each client's session token (with `holdMs`). */
    tokenOf: (client: TestClient) => String(tokens.get(client)),
    /** The table (it exists while anyone is at it). */
    table: () => storage.tables.get(KEY)!,
    /** Moves virtual time on and lets every turn it causes run. */
    advance: async (ms: number) => {
      clock.advance(ms);
      await harness.settle();
    },
  };
}

/** Sends `code` about table {@linkcode KEY}. */
export function act(client: TestClient, code: string, fields: Command = {}): Promise<void> {
  return client.send({ code, key: KEY, ...fields });
}

/** Every table view a client received (not cleared by this). */
export function viewsOf(client: TestClient): TableView[] {
  return client.messages.flat().filter(isTableView);
}

/** The last table view a client received. */
export function lastView(client: TestClient): TableView {
  const views = viewsOf(client);
  if (views.length === 0) throw new Error(`client ${client.index} received no view`);
  return views[views.length - 1];
}

/** The raw bytes a client received since its last `take()`, as text. */
export function wireOf(client: TestClient): string {
  return client.chunks.map((chunk) => decoder.decode(chunk)).join("");
}

/** Which of `cards` appear, as JSON strings, in `text`. */
export function cardsIn(text: string, cards: readonly Card[]): Card[] {
  return cards.filter((card) => text.includes(JSON.stringify(card)));
}

/** What the server dealt: each dealt-in connection's hole cards, by index. */
export function holeCards(storage: CardsStorage, key = KEY): Map<number, readonly Card[]> {
  const hand = storage.tables.get(key)?.hand;
  return new Map(hand?.players.map((player) => [player.index, player.cards]) ?? []);
}

/** The client whose turn it is at table {@linkcode KEY}, if any. */
export function onTurn(storage: CardsStorage, clients: readonly TestClient[]) {
  const hand = storage.tables.get(KEY)?.hand;
  const seat = hand?.live ? hand.turn : undefined;
  const index = seat === undefined ? undefined : hand!.playerAt(seat)?.index;
  return clients.find((client) => client.index === index);
}

/**
 * A random source that deals the given cards: the `holes` (two cards a player, in acting
 * order) and then the `board` (five cards; each street after a burn card). The other
 * cards follow in any order.
 */
export function stackedDeck(holes: readonly string[], board: string): RandomSource {
  const pairs = holes.map((hole) => hole.split(" "));
  const flop = board.split(" ");
  const dealt = [...pairs.map((pair) => pair[0]), ...pairs.map((pair) => pair[1])];
  const rest = newDeck().filter((card) => !dealt.includes(card) && !flop.includes(card));
  const burns = rest.splice(0, 3);
  const draws = [
    ...dealt,
    burns[0],
    ...flop.slice(0, 3),
    burns[1],
    flop[3],
    burns[2],
    flop[4],
  ];
  // The hand draws from the end of the shuffled deck.
  return shuffleTo([...rest, ...draws.reverse()]);
}

/** A random source whose first Fisher-Yates shuffle of a new deck gives `order`. */
function shuffleTo(order: readonly Card[]): RandomSource {
  const deck = newDeck();
  const picks: number[] = [];
  for (let last = deck.length - 1; last > 0; last--) {
    const other = deck.indexOf(order[last]);
    picks.push(other);
    [deck[last], deck[other]] = [deck[other], deck[last]];
  }
  if (deck.join() !== order.join()) throw new Error("not an order of the whole deck");
  return { int: () => picks.shift()! };
}
