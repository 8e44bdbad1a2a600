/**
 * The protocol controller of the card game: client codes, the turn timer, and the personal
 * views every change is answered with.
 *
 * @module
 */
import {
  cancelTimer,
  type Command,
  type CommandContext,
  CommandError,
  type Controller,
  deliver,
  type Index,
  keyOf,
  later,
  type Logger,
  type Result,
  SERVER_INDEX,
  silentLogger,
  verbOf,
} from "../../mod.ts";
import type { TableEvent } from "./hand.ts";
import { cryptoRandom, type RandomSource } from "./random.ts";
import { CardTable, checkRules, DEFAULT_MAX_SEATS, type TableRules } from "./table.ts";
import { viewFor } from "./view.ts";

/** What the card game shares across connections. */
export interface CardsStorage {
  /** The tables with anyone at them (or a hand still running), by key. */
  readonly tables: Map<string, CardTable>;
  /** The table each connection is at. */
  readonly tableOf: Map<Index, string>;
  /** How many tables were ever opened: each gets the next serial. */
  opened: number;
}

/** A fresh, empty {@linkcode CardsStorage}. */
export function createCardsStorage(): CardsStorage {
  return { tables: new Map(), tableOf: new Map(), opened: 0 };
}

/** The default time a player has to act: 30 seconds. */
export const DEFAULT_TURN_TIMEOUT_MS = 30_000;
/** The code of the timed command that ends a turn; only the server itself may send it. */
export const TURN_TIMEOUT_CODE = "turn-timeout";

/** Options of {@linkcode createCardsController}. */
export interface CardsControllerOptions {
  /** Shuffles the decks. Default: {@linkcode cryptoRandom}. */
  random?: RandomSource;
  /** How long a player has to act before being folded. Default 30 s. */
  turnTimeoutMs?: number;
  /** Seats per table. Default 6. */
  maxSeats?: number;
  logger?: Logger;
}

type Context = CommandContext<CardsStorage>;
type Handler = (command: Command, key: string, context: Context) => Result;

/**
 * The card game's controller, for every table key. Each change to a table is answered with
 * one personal `table` view per connection at it (see `./view.ts`), and re-arms or cancels
 * that table's turn timer when the turn changed. Refused commands answer the sender alone.
 *
 * @example
 * ```ts
 * import { Application } from "../../mod.ts";
 * import { createCardsController, createCardsStorage } from "./cards_controller.ts";
 * import { seededRandom } from "./random.ts";
 * const application = new Application({
 *   storage: createCardsStorage(),
 *   defaultController: createCardsController({ random: seededRandom(1), turnTimeoutMs: 5000 }),
 * });
 * await application.handleCommands(1, [{ code: "join", key: "t1" }]);
 * ```
 */
export function createCardsController(
  options: CardsControllerOptions = {},
): Controller<CardsStorage> {
  const rules: TableRules = {
    random: options.random ?? cryptoRandom(),
    maxSeats: options.maxSeats ?? DEFAULT_MAX_SEATS,
    turnTimeoutMs: options.turnTimeoutMs ?? DEFAULT_TURN_TIMEOUT_MS,
  };
  checkRules(rules);
  const logger = options.logger ?? silentLogger;

  /** Runs one change of a table and builds everything that follows from it. */
  const change = (
    storage: CardsStorage,
    table: CardTable,
    run: () => TableEvent[],
    alsoTo: Index[] = [],
  ): Result => {
    const turnBefore = table.turnKey;
    const liveBefore = table.hand?.live ? table.hand : undefined;
    const events = run();
    if (events.length === 0) return [];
    const result: Result = [];
    for (const viewer of new Set([...table.members, ...alsoTo])) {
      result.push(...deliver([viewer], viewFor(table, viewer, events)));
    }
    const turn = table.turnKey;
    if (turn !== turnBefore) {
      const id = timerId(table.key);
      const timeout = (turn: string) => ({ code: TURN_TIMEOUT_CODE, key: table.key, turn });
      result.push(
        turn === undefined
          ? cancelTimer(id)
          : later(timeout(turn), { afterMs: rules.turnTimeoutMs, id }),
      );
    }
    if (liveBefore && !liveBefore.live) {
      const { number, winners, showdown } = liveBefore;
      logger.info("hand over", {
        table: table.key,
        hand: number,
        winners: winners.join(),
        showdown,
      });
    }
    if (table.idle) storage.tables.delete(table.key);
    return result;
  };

  /** The table `key`, which the sender must be at. */
  const tableAt = (key: string, { index, storage }: Context): CardTable => {
    const table = storage.tableOf.get(index) === key ? storage.tables.get(key) : undefined;
    if (!table) throw new CommandError("join this table first");
    return table;
  };

  /** The table a connection is at, if any. */
  const tableOf = (index: Index, storage: CardsStorage): CardTable | undefined => {
    const key = storage.tableOf.get(index);
    return key === undefined ? undefined : storage.tables.get(key);
  };

  /** Takes a connection away from its table, if it is at one. */
  const depart = (index: Index, storage: CardsStorage, how: "leave" | "disconnect"): Result => {
    const table = tableOf(index, storage);
    storage.tableOf.delete(index);
    // One who leaves gets a last view; one who disconnected cannot.
    const alsoTo = how === "leave" ? [index] : [];
    return table ? change(storage, table, () => table.leave(index, how), alsoTo) : [];
  };

  const join: Handler = (_, key, { index, storage }) => {
    if (storage.tableOf.get(index) === key) throw new CommandError("already at this table");
    const result = depart(index, storage, "leave");
    const table = storage.tables.get(key) ?? new CardTable(key, ++storage.opened, rules);
    storage.tables.set(key, table);
    storage.tableOf.set(index, key);
    return [...result, ...change(storage, table, () => table.join(index))];
  };

  const atTable =
    (act: (table: CardTable, index: Index, command: Command) => TableEvent[]) =>
    (command: Command, key: string, context: Context): Result => {
      const table = tableAt(key, context);
      return change(context.storage, table, () => act(table, context.index, command));
    };

  const handlers = new Map<string, Handler>([
    ["join", join],
    ["sit", atTable((table, index, command) => table.sit(index, seatOf(command)))],
    ["ready", atTable((table, index) => table.ready(index))],
    ["start", atTable((table, index) => table.start(index))],
    ["check", atTable((table, index) => table.act(index, "check"))],
    ["fold", atTable((table, index) => table.act(index, "fold"))],
    ["leave", (_, key, context) => {
      tableAt(key, context);
      return depart(context.index, context.storage, "leave");
    }],
  ]);

  const timedOut: Handler = (command, key, { storage }) => {
    const table = storage.tables.get(key);
    const turn = command.turn;
    if (!table || typeof turn !== "string") return [];
    return change(storage, table, () => table.timeout(turn));
  };

  return {
    handleCommand(command, context) {
      const verb = verbOf(command);
      const key = keyOf(command, "the table");
      if (context.index === SERVER_INDEX && verb === TURN_TIMEOUT_CODE) {
        return timedOut(command, key, context);
      }
      const handler = handlers.get(verb);
      if (!handler) throw new CommandError("unknown code");
      return handler(command, key, context);
    },
    onDisconnect({ index, storage }) {
      return depart(index, storage, "disconnect");
    },
    // With a hold: the seat is kept, the table sees the player go and come back.
    onHold({ index, storage }) {
      const table = tableOf(index, storage);
      return table ? change(storage, table, () => table.hold(index)) : [];
    },
    // The resumed player's copy of the change is the whole view, with their own cards.
    onResume({ index, storage }) {
      const table = tableOf(index, storage);
      return table ? change(storage, table, () => table.back(index)) : [];
    },
  };
}

/** The id of a table's turn timer. */
export function timerId(key: string): string {
  return `cards-turn:${key}`;
}

function seatOf(command: Command): number | undefined {
  if (!Object.hasOwn(command, "seat") || command.seat === null) return undefined;
  if (typeof command.seat !== "number") throw new CommandError("seat must be a number");
  return command.seat;
}
