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
  type JsonValue,
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
import {
  isTableSnapshot,
  restoreTable,
  snapshotKey,
  snapshotTable,
  type TableKeeper,
} from "./table_keeper.ts";

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
/** The code of the timed command that lets go of a resumed table's players not back. */
export const SWEEP_CODE = "table-sweep";

/** Options of {@linkcode createCardsController}. */
export interface CardsControllerOptions {
  /** Shuffles the decks. Default: {@linkcode cryptoRandom}. */
  random?: RandomSource;
  /** How long a player has to act before being folded. Default 30 s. */
  turnTimeoutMs?: number;
  /** Seats per table. Default 6. */
  maxSeats?: number;
  logger?: Logger;
  /**
   * Keeps each table in a store on every change (answered once it is written), and resumes a
   * table this server does not have from there: what a cluster's owner needs so that another
   * process can take a table over with its hand. Default: tables live in memory alone.
   */
  keeper?: TableKeeper;
}

type Context = CommandContext<CardsStorage>;
type Handler = (command: Command, key: string, context: Context) => Result | Promise<Result>;

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
  const keeper = options.keeper;
  const none = (): Promise<Result> => Promise.resolve([]);

  /** The table's turn timer set for its current turn, or cancelled when nobody is to act. */
  const turnTimer = (table: CardTable): Result[number] => {
    const id = timerId(table.key);
    const turn = table.turnKey;
    if (turn === undefined) return cancelTimer(id);
    const timeout = { code: TURN_TIMEOUT_CODE, key: table.key, turn };
    return later(timeout, { afterMs: rules.turnTimeoutMs, id });
  };

  /** Runs one change of a table and builds everything that follows from it. */
  const change = async (
    storage: CardsStorage,
    table: CardTable,
    run: () => TableEvent[],
    alsoTo: Index[] = [],
  ): Promise<Result> => {
    const turnBefore = table.turnKey;
    const liveBefore = table.hand?.live ? table.hand : undefined;
    const events = run();
    if (events.length === 0) return [];
    const result: Result = [];
    for (const viewer of new Set([...table.members, ...alsoTo])) {
      result.push(...deliver([viewer], viewFor(table, viewer, events)));
    }
    if (table.turnKey !== turnBefore) result.push(turnTimer(table));
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
    await keep(table);
    return result;
  };

  /** Writes the table where the keeper says (nothing once idle); nothing without a keeper. */
  const keep = async (table: CardTable) => {
    if (!keeper) return;
    const snapshot = table.idle ? null : snapshotTable(table, keeper.identityOf);
    await keeper.storeFor(table.key).set(snapshotKey(table.key), snapshot as JsonValue);
  };

  /**
   * The table `key` as the keeper last wrote it (another server ran it): its players are
   * stand-ins until they come back, and let go after a turn's time; its turn timer runs anew.
   */
  const resume = async (key: string, storage: CardsStorage): Promise<Result> => {
    const stored = keeper ? await keeper.storeFor(key).get(snapshotKey(key)) : undefined;
    if (!isTableSnapshot(stored)) return [];
    const table = restoreTable(stored, key, ++storage.opened, rules);
    storage.tables.set(key, table);
    logger.info("table resumed", { table: key, hand: table.hand?.number ?? 0 });
    const sweep = later({ code: SWEEP_CODE, key }, { afterMs: rules.turnTimeoutMs });
    return [sweep, turnTimer(table)];
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
  const depart = (
    index: Index,
    storage: CardsStorage,
    how: "leave" | "disconnect",
  ): Promise<Result> => {
    const table = tableOf(index, storage);
    storage.tableOf.delete(index);
    // One who leaves gets a last view; one who disconnected cannot.
    const alsoTo = how === "leave" ? [index] : [];
    return table ? change(storage, table, () => table.leave(index, how), alsoTo) : none();
  };

  const join: Handler = async (_, key, { index, storage }) => {
    if (storage.tableOf.get(index) === key) throw new CommandError("already at this table");
    const result = [...await depart(index, storage, "leave")];
    // Kept elsewhere too: a table nobody is at here may be stale (another server ran it since).
    if (keeper && storage.tables.get(key)?.members.size === 0) storage.tables.delete(key);
    if (!storage.tables.has(key)) result.push(...await resume(key, storage));
    const table = storage.tables.get(key) ?? new CardTable(key, ++storage.opened, rules);
    storage.tables.set(key, table);
    storage.tableOf.set(index, key);
    const identity = keeper?.identityOf(index);
    const rejoin = () => {
      const back = identity === undefined ? [] : table.rebind(identity, index);
      return back.length > 0 ? back : table.join(index);
    };
    return [...result, ...await change(storage, table, rejoin)];
  };

  const atTable =
    (act: (table: CardTable, index: Index, command: Command) => TableEvent[]) =>
    (command: Command, key: string, context: Context): Promise<Result> => {
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

  const swept: Handler = (_, key, { storage }) => {
    const table = storage.tables.get(key);
    return table ? change(storage, table, () => table.sweep()) : [];
  };

  return {
    handleCommand(command, context) {
      const verb = verbOf(command);
      const key = keyOf(command, "the table");
      if (context.index === SERVER_INDEX && verb === TURN_TIMEOUT_CODE) {
        return timedOut(command, key, context);
      }
      if (context.index === SERVER_INDEX && verb === SWEEP_CODE) {
        return swept(command, key, context);
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
      return table ? change(storage, table, () => table.hold(index)) : none();
    },
    // The resumed player's copy of the change is the whole view, with their own cards.
    onResume({ index, storage }) {
      const table = tableOf(index, storage);
      return table ? change(storage, table, () => table.back(index)) : none();
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
