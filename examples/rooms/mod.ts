/**
 * The example game server's application: the rooms protocol of the original dress-up and
 * coloring games, over a {@linkcode StateStore} of your choice.
 *
 * @example
 * ```ts
 * import { ManualClock, Server } from "../../mod.ts";
 * import { createRoomsApplication } from "./mod.ts";
 * const server = new Server({
 *   application: createRoomsApplication({ maxListLength: 1000 }),
 *   clock: new ManualClock(),
 * });
 * ```
 *
 * @module
 */
import { Application, type Index, type Logger, MemoryStore, type StateStore } from "../../mod.ts";
import { RoomModel } from "./room_model.ts";
import { createRoomsController, type RoomsStorage } from "./rooms_controller.ts";
import type { StateLimits } from "./state_limits.ts";

export { RoomModel } from "./room_model.ts";
export {
  createRoomsController,
  DEFAULT_MAX_LIST_LENGTH,
  type RoomsControllerOptions,
  type RoomsStorage,
} from "./rooms_controller.ts";
export { checkDeliverable, DEFAULT_STATE_LIMITS, type StateLimits } from "./state_limits.ts";

/**
 * Options of {@linkcode createRoomsApplication}; `maxStateBytes` and `maxStateDepth` as in
 * {@linkcode StateLimits}.
 */
export interface RoomsApplicationOptions extends Partial<StateLimits> {
  /** Where states are kept. Default: a fresh {@linkcode MemoryStore}. */
  store?: StateStore;
  /**
   * The store a player's commands go through, if not `store` (a cluster's owner guards a
   * player's writes by the lease of its room: `ClusterNode.storeFor`).
   */
  storeOf?: (index: Index) => StateStore;
  logger?: Logger;
  /** `update` rejects an index at or above this. Default 10,000. */
  maxListLength?: number;
}

/**
 * An Application whose rooms controller handles every key, with fresh rooms and the given
 * store.
 *
 * @example
 * ```ts
 * import { MemoryStore } from "../../mod.ts";
 * import { createRoomsApplication } from "./mod.ts";
 * const application = createRoomsApplication({ store: new MemoryStore() });
 * await application.onConnect(1);
 * await application.handleCommands(1, [{ code: "get", key: "dresser" }]);
 * // [[[1], [{ code: "get", key: "dresser", success: true, state: null }]]]
 * ```
 */
export function createRoomsApplication(
  options: RoomsApplicationOptions = {},
): Application<RoomsStorage> {
  const storage: RoomsStorage = {
    rooms: new RoomModel(),
    store: options.store ?? new MemoryStore(),
    storeOf: options.storeOf,
  };
  return new Application({
    storage,
    defaultController: createRoomsController(options),
    logger: options.logger,
  });
}
