/**
 * Where the example games' commands belong in a cluster ({@linkcode RoomOf}): the room whose
 * owner handles them.
 *
 * @module
 */
import type { Command } from "../../mod.ts";
import type { RoomOf } from "../../src/cluster/player_router.ts";

/**
 * The rooms game: `goto` names the room; every other command (get, set, update) is about the
 * room the player is in, whose members its saves reach; before any `goto`, the player's own
 * process (null).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { roomsGameRoomOf } from "./room_of.ts";
 * assert.equal(roomsGameRoomOf({ code: "goto", key: "attic" }, null), "attic");
 * assert.equal(roomsGameRoomOf({ code: "save", key: "dress", state: 1 }, "attic"), "attic");
 * assert.equal(roomsGameRoomOf({ code: "get", key: "dress" }, null), null);
 * ```
 */
export const roomsGameRoomOf: RoomOf = (command: Command, current: string | null) => {
  // The verb as the controller reads it; a command without one is refused where it is.
  const verb = Object.hasOwn(command, "code") ? command.code : command.command;
  return verb === "goto" && typeof command.key === "string" ? command.key : current;
};

/**
 * The card table: every command names its table in `key`; a command without one stays where
 * the player is (and is refused there).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cardsRoomOf } from "./room_of.ts";
 * assert.equal(cardsRoomOf({ code: "sit", key: "t1" }, null), "t1");
 * assert.equal(cardsRoomOf({ code: "sit" }, "t1"), "t1");
 * ```
 */
export const cardsRoomOf: RoomOf = (command: Command, current: string | null) =>
  typeof command.key === "string" ? command.key : current;
