/**
 * The protocol controller of the dress-up and coloring games: the codes goto, get/load,
 * set/save and update, with the routing and replies of the original wire protocol.
 *
 * @module
 */
import {
  type Command,
  type CommandContext,
  CommandError,
  type Controller,
  deliver,
  type Index,
  type JsonValue,
  keyOf,
  type Logger,
  type Result,
  silentLogger,
  StateKeyError,
  type StateStore,
  verbOf,
} from "../../mod.ts";
import type { RoomModel } from "./room_model.ts";
import { checkDeliverable, DEFAULT_STATE_LIMITS, type StateLimits } from "./state_limits.ts";

/** What the rooms controller shares across connections: the rooms and the stored states. */
export interface RoomsStorage {
  readonly rooms: RoomModel;
  readonly store: StateStore;
  /**
   * The store a player's commands read and write through, if not `store`: in a cluster, the
   * owner's guarded by the lease of the player's room (`ClusterNode.storeFor`).
   */
  readonly storeOf?: (index: Index) => StateStore;
}

/** The default bound on list length for `update`: an index must be below it. */
export const DEFAULT_MAX_LIST_LENGTH = 10_000;

/**
 * Options of {@linkcode createRoomsController}. `maxStateBytes` and `maxStateDepth` (see
 * {@linkcode StateLimits}) bound what `set` and `update` write, checked before writing, so
 * every stored state can be sent to a client reading with the parser's default limits.
 */
export interface RoomsControllerOptions extends Partial<StateLimits> {
  /** `update` rejects an index at or above this. Default {@linkcode DEFAULT_MAX_LIST_LENGTH}. */
  maxListLength?: number;
  logger?: Logger;
}

type Context = CommandContext<RoomsStorage>;
/** A code's handler, given the command and its validated key. */
type Handler = (command: Command, key: string, context: Context) => Promise<Result>;

/**
 * The controller of the rooms protocol. The verb is read from `code`, else from `command`
 * (the original Haxe clients' spelling), and looked up in a Map of handlers, so no other
 * name can reach any code. Every handler validates the whole command before it changes any
 * state; what it rejects is answered to the sender alone as a {@linkcode CommandError}.
 *
 * The handlers read a state and then write it: they rely on the Server running one turn at
 * a time, as it does.
 *
 * @example
 * ```ts
 * import { Application, MemoryStore } from "../../mod.ts";
 * import { createRoomsController, type RoomsStorage } from "./rooms_controller.ts";
 * import { RoomModel } from "./room_model.ts";
 * const application = new Application<RoomsStorage>({
 *   storage: { rooms: new RoomModel(), store: new MemoryStore() },
 *   defaultController: createRoomsController({ maxListLength: 100 }),
 * });
 * await application.onConnect(1);
 * await application.handleCommands(1, [{ command: "goto", key: "dresser" }]);
 * // [[[1], [{ command: "goto", key: "dresser", success: true }]]]
 * ```
 */
export function createRoomsController(
  options: RoomsControllerOptions = {},
): Controller<RoomsStorage> {
  const maxListLength = options.maxListLength ?? DEFAULT_MAX_LIST_LENGTH;
  if (!Number.isSafeInteger(maxListLength) || maxListLength < 1) {
    throw new RangeError("maxListLength must be a positive integer");
  }
  const logger = options.logger ?? silentLogger;
  const limits: StateLimits = {
    maxStateBytes: options.maxStateBytes ?? DEFAULT_STATE_LIMITS.maxStateBytes,
    maxStateDepth: options.maxStateDepth ?? DEFAULT_STATE_LIMITS.maxStateDepth,
  };

  const goto: Handler = (command, key, { index, storage }) => {
    const moved = storage.rooms.join(index, key);
    if (moved) logger.debug("joined room", { index, room: key });
    return Promise.resolve(deliver([index], echo(command, { success: moved })));
  };

  const get: Handler = async (command, key, { index, storage }) => {
    const state = await fromStore(storeOf(storage, index).get(key));
    return deliver([index], echo(command, { success: true, state: state ?? null }));
  };

  const set: Handler = async (command, key, { index, storage, hold }) => {
    const state = required(command, "state");
    checkDeliverable(state, limits, storage.store.limits?.maxStateBytes);
    await keep(storeOf(storage, index), key, state, hold);
    return deliver(storage.rooms.audienceOf(index), echo(command, { success: true }));
  };

  const update: Handler = async (command, key, { index, storage, hold }) => {
    const at = listIndex(command, maxListLength);
    const value = required(command, "value");
    const store = storeOf(storage, index);
    const stored = await fromStore(store.get(key));
    // get answers a stored null as "no state", so update treats it as no list yet.
    if (stored != null && !Array.isArray(stored)) {
      throw new CommandError("the state under this key is not a list");
    }
    const next = withElement(stored ?? [], at, value);
    checkDeliverable(next, limits, storage.store.limits?.maxStateBytes);
    await keep(store, key, next, hold);
    return deliver(storage.rooms.audienceOf(index), echo(command, { success: true }));
  };

  const handlers = new Map<string, Handler>([
    ["goto", goto],
    ["get", get],
    ["load", get],
    ["set", set],
    ["save", set],
    ["update", update],
  ]);

  return {
    handleCommand(command, context) {
      const handler = handlers.get(verbOf(command));
      if (!handler) throw new CommandError("unknown code");
      return handler(command, keyOf(command), context);
    },
    onConnect({ index, storage }) {
      storage.rooms.connect(index);
      return [];
    },
    onDisconnect({ index, storage }) {
      storage.rooms.disconnect(index);
      return [];
    },
  };
}

/** The store the player at `index` goes through. */
function storeOf(storage: RoomsStorage, index: Index): StateStore {
  return storage.storeOf?.(index) ?? storage.store;
}

/**
 * The command as the client sent it, with `fields` added. Not `{ ...command, success }`:
 * the V8 of Node 20 takes a microsecond for that (ten times Object.assign), per update.
 */
function echo(command: Command, fields: Command): Command {
  return Object.assign({}, command, fields);
}

function required(command: Command, field: string): JsonValue {
  if (!Object.hasOwn(command, field)) throw new CommandError(`${field} is required`);
  return command[field];
}

function listIndex(command: Command, maxListLength: number): number {
  const at = required(command, "index");
  if (typeof at !== "number" || !Number.isInteger(at) || at < 0) {
    throw new CommandError("index must be an integer >= 0");
  }
  if (at >= maxListLength) throw new CommandError(`index must be below ${maxListLength}`);
  return at;
}

/** A new list: `list` with element `at` set to `value`, padded with zeros up to it. */
function withElement(list: readonly JsonValue[], at: number, value: JsonValue): JsonValue[] {
  const next = list.slice();
  while (next.length < at) next.push(0);
  next[at] = value;
  return next;
}

/**
 * Stores a state. A store that writes to disk takes it at once and the answer is held until
 * it is durable, outside the turn: other clients are not kept waiting for the disk.
 */
async function keep(
  store: StateStore,
  key: string,
  state: JsonValue,
  hold: Context["hold"],
): Promise<void> {
  if (!hold || !store.write) return await fromStore(store.set(key, state));
  hold((await fromStore(store.write(key, state))).durable);
}

/** A store call's result; a key the store cannot hold is the client's error. */
function fromStore<T>(operation: Promise<T>): Promise<T> {
  // A catch, not an async function around an await: one promise less on every store call.
  return operation.catch(clientError);
}

function clientError(error: unknown): never {
  if (error instanceof StateKeyError) throw new CommandError(error.message);
  throw error;
}
