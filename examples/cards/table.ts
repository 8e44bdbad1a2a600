/**
 * A card table: who is watching, who sits where, and the hand being played. Every change
 * is checked in full before anything is changed, so a refused command changes nothing.
 *
 * @module
 */
import { CommandError, type Index } from "../../mod.ts";
import { newDeck } from "./cards.ts";
import { Hand, type TableEvent } from "./hand.ts";
import { type RandomSource, shuffle } from "./random.ts";

/** The default number of seats at a table. */
export const DEFAULT_MAX_SEATS = 6;
/** The most seats a table may have: two hole cards each and five on the board fit a deck. */
export const MAX_SEATS = 10;

/** One taken seat. */
export interface SeatState {
  readonly index: Index;
  /** Wants the next hand to start. */
  ready: boolean;
  /** Its player left in the middle of a hand; the seat is freed once that player is out. */
  gone: boolean;
  /** Its player's connection dropped and may come back (the server holds the identity). */
  away?: boolean;
}

/** How a table plays. */
export interface TableRules {
  /** Shuffles every deck. */
  readonly random: RandomSource;
  readonly maxSeats: number;
  /** How long a player has to act; shown to the clients. */
  readonly turnTimeoutMs: number;
}

/** Throws a RangeError for rules no table can play by. */
export function checkRules(rules: TableRules): void {
  const { maxSeats, turnTimeoutMs } = rules;
  if (!Number.isInteger(maxSeats) || maxSeats < 2 || maxSeats > MAX_SEATS) {
    throw new RangeError(`maxSeats must be an integer in [2, ${MAX_SEATS}]`);
  }
  if (!(Number.isFinite(turnTimeoutMs) && turnTimeoutMs >= 0)) {
    throw new RangeError("turnTimeoutMs must be a number >= 0");
  }
}

/** Why someone is no longer at a table. */
export type Departure = "leave" | "disconnect";

/**
 * One table. Connections `join` it (as spectators), `sit` down, and play hands. A hand
 * starts once two seated players are `ready` (dealing in the ready ones) or on `start`
 * (dealing in everyone seated). A player who leaves mid-hand folds at once; one who
 * disconnects stays in until their turn timer folds them (see {@linkcode CardTable.timeout}).
 * Either way they lose their seat.
 *
 * @example
 * ```ts
 * import { CardTable } from "./table.ts";
 * import { seededRandom } from "./random.ts";
 * const table = new CardTable("t1", 1, { random: seededRandom(1), maxSeats: 6, turnTimeoutMs: 1000 });
 * table.join(1);
 * table.join(2);
 * table.sit(1);
 * table.sit(2);
 * table.start(1); // [{ type: "start", hand: 1, button: 0 }]
 * table.hand?.turn; // 1: the seat left of the button acts first
 * ```
 */
export class CardTable {
  /** Everyone at the table, spectators and seated players, in the order they joined. */
  readonly members = new Set<Index>();
  /** The seats, `undefined` where free. */
  readonly seats: (SeatState | undefined)[];
  /** The hand being played, or the last one played. */
  hand: Hand | undefined;
  /**
   * Players of a table restored from a snapshot (another server ran it) who are not back
   * yet: their identity beyond this server, and the stand-in index (negative) they have here.
   */
  readonly absent = new Map<string, Index>();

  constructor(
    readonly key: string,
    /** Tells this table from an earlier one of the same key, for stale timers. */
    readonly serial: number,
    readonly rules: TableRules,
  ) {
    checkRules(rules);
    this.seats = new Array(rules.maxSeats).fill(undefined);
  }

  /** The seat of a connection, if it has one. */
  seatOf(index: Index): number | undefined {
    const seat = this.seats.findIndex((taken) => taken?.index === index);
    return seat === -1 ? undefined : seat;
  }

  /** Names the current turn (table, hand, turn), or undefined when nobody is to act. */
  get turnKey(): string | undefined {
    const hand = this.hand;
    if (!hand?.live || hand.turn === undefined) return undefined;
    return `${this.serial}/${hand.number}/${hand.turnNumber}`;
  }

  /** Whether nobody is here and no hand is running: the table can be forgotten. */
  get idle(): boolean {
    return this.members.size === 0 && !this.hand?.live;
  }

  /** A connection comes to watch. */
  join(index: Index): TableEvent[] {
    if (this.members.has(index)) throw new CommandError("already at this table");
    this.members.add(index);
    return [{ type: "join", index }];
  }

  /** A connection leaves (or is gone): see the class for what happens to its hand. */
  leave(index: Index, how: Departure): TableEvent[] {
    this.#member(index);
    this.members.delete(index);
    const events: TableEvent[] = [{ type: how, index }];
    const seat = this.seatOf(index);
    if (seat === undefined) return events;
    this.seats[seat]!.gone = true;
    delete this.seats[seat]!.away;
    const player = this.hand?.live ? this.hand.playerOf(index) : undefined;
    if (how === "leave" && player && !player.folded) {
      events.push(...this.hand!.act(player.seat, "fold", "leave"));
    }
    this.#freeGoneSeats();
    return events;
  }

  /**
   * A member's connection dropped and the server holds its identity: it stays at the table
   * and in its seat (its turn timer still runs). Nothing for one who is not here.
   */
  hold(index: Index): TableEvent[] {
    if (!this.members.has(index)) return [];
    const seat = this.seatOf(index);
    if (seat !== undefined) this.seats[seat]!.away = true;
    return [{ type: "disconnected", index }];
  }

  /** A held member is back, on a new connection. */
  back(index: Index): TableEvent[] {
    if (!this.members.has(index)) return [];
    const seat = this.seatOf(index);
    if (seat !== undefined) delete this.seats[seat]!.away;
    return [{ type: "back", index }];
  }

  /**
   * A restored player is back on connection `index`, in place of its stand-in: in its seat
   * and its hand as before. Nothing for one who was no longer at the table.
   */
  rebind(identity: string, index: Index): TableEvent[] {
    const standIn = this.absent.get(identity);
    if (standIn === undefined) return [];
    this.absent.delete(identity);
    const hand = this.hand;
    hand?.players.forEach((player, n) => {
      if (player.index === standIn) hand.players[n] = { ...player, index };
    });
    if (!this.members.delete(standIn)) return [];
    this.members.add(index);
    const seat = this.seatOf(standIn);
    if (seat !== undefined) {
      this.seats[seat] = { ...this.seats[seat]!, index };
      delete this.seats[seat]!.away;
    }
    return [{ type: "back", index }];
  }

  /** The restored players still not back are gone: as if they had disconnected. */
  sweep(): TableEvent[] {
    const events: TableEvent[] = [];
    for (const standIn of this.absent.values()) {
      if (this.members.has(standIn)) events.push(...this.leave(standIn, "disconnect"));
    }
    this.absent.clear();
    return events;
  }

  /** Takes the given seat, or the first free one. */
  sit(index: Index, seat?: number): TableEvent[] {
    this.#member(index);
    if (this.seatOf(index) !== undefined) throw new CommandError("already seated");
    const free = this.seats.findIndex((taken) => taken === undefined);
    if (seat !== undefined && !(Number.isInteger(seat) && seat >= 0 && seat < this.seats.length)) {
      throw new CommandError(`seat must be an integer in [0, ${this.seats.length - 1}]`);
    }
    if (free === -1) throw new CommandError("table is full");
    if (seat !== undefined && this.seats[seat]) throw new CommandError("seat is taken");
    const chosen = seat ?? free;
    this.seats[chosen] = { index, ready: false, gone: false };
    return [{ type: "sit", index, seat: chosen }];
  }

  /** A seated player is ready; with two ready, the hand starts. */
  ready(index: Index): TableEvent[] {
    const seat = this.#seated(index);
    this.#noHandRunning();
    if (this.seats[seat]!.ready) throw new CommandError("already ready");
    this.seats[seat]!.ready = true;
    const events: TableEvent[] = [{ type: "ready", seat }];
    const ready = this.#taken().filter((taken) => this.seats[taken]!.ready);
    if (ready.length >= 2) events.push(this.#deal(ready));
    return events;
  }

  /** A seated player starts a hand now, with everyone seated. */
  start(index: Index): TableEvent[] {
    this.#seated(index);
    this.#noHandRunning();
    const seated = this.#taken();
    if (seated.length < 2) throw new CommandError("a hand needs two seated players");
    return [this.#deal(seated)];
  }

  /** The player whose turn it is checks or folds. */
  act(index: Index, action: "check" | "fold"): TableEvent[] {
    this.#seated(index);
    const hand = this.hand;
    if (!hand?.live) throw new CommandError("no hand in progress");
    const player = hand.playerOf(index);
    if (!player) throw new CommandError("you are not in this hand");
    if (player.folded) throw new CommandError("you have folded");
    if (hand.turn !== player.seat) throw new CommandError("not your turn");
    const events = hand.act(player.seat, action);
    this.#freeGoneSeats();
    return events;
  }

  /** The turn timer of `turnKey` ran out: the player to act folds. Stale timers do nothing. */
  timeout(turnKey: string): TableEvent[] {
    const hand = this.hand;
    if (turnKey !== this.turnKey || !hand || hand.turn === undefined) return [];
    const events = hand.act(hand.turn, "fold", "timeout");
    this.#freeGoneSeats();
    return events;
  }

  #deal(seats: number[]): TableEvent {
    const previous = this.hand?.button ?? -1;
    const button = seats.find((seat) => seat > previous) ?? seats[0];
    // Acting order: from the button's left, round the table, the button last.
    const order = [...seats.filter((seat) => seat > button), ...seats.filter((s) => s <= button)];
    for (const seat of this.#taken()) this.seats[seat]!.ready = false;
    const number = (this.hand?.number ?? 0) + 1;
    const players = order.map((seat) => ({ seat, index: this.seats[seat]!.index }));
    this.hand = new Hand(number, button, players, shuffle(newDeck(), this.rules.random));
    return { type: "start", hand: number, button };
  }

  /** Frees the seats of players who left and are no longer in a running hand. */
  #freeGoneSeats(): void {
    this.seats.forEach((taken, seat) => {
      if (!taken?.gone) return;
      const player = this.hand?.live ? this.hand.playerOf(taken.index) : undefined;
      if (!player || player.folded) this.seats[seat] = undefined;
    });
  }

  /** The taken seats, in seat order. */
  #taken(): number[] {
    return this.seats.flatMap((taken, seat) => (taken ? [seat] : []));
  }

  #member(index: Index): void {
    if (!this.members.has(index)) throw new CommandError("join this table first");
  }

  #seated(index: Index): number {
    this.#member(index);
    const seat = this.seatOf(index);
    if (seat === undefined) throw new CommandError("you are not seated");
    return seat;
  }

  #noHandRunning(): void {
    if (this.hand?.live) throw new CommandError("a hand is in progress");
  }
}
