/**
 * A new game, to copy and grow: players `join` a room and `say` things that only the players
 * in that room hear. Everything the game knows lives in its storage; the controller returns
 * deliveries (who gets which commands) and never touches a socket.
 *
 * @module
 */
import { Application, CommandError, type Controller, deliver, type Index, verbOf } from "zerobyte";

/** Who is in which room. */
export interface Rooms {
  readonly roomOf: Map<Index, string>;
}

/** The members of `room`. */
function membersOf(rooms: Rooms, room: string): Index[] {
  return [...rooms.roomOf].filter(([, where]) => where === room).map(([index]) => index);
}

/**
 * `{"code":"join","room":"r1"}` moves the sender to room r1; `{"code":"say","text":"hi"}`
 * goes to everyone in the sender's room, with the room's name.
 */
export const roomsController: Controller<Rooms> = {
  handleCommand(command, { index, storage }) {
    const verb = verbOf(command);
    if (verb === "join") {
      if (typeof command.room !== "string" || command.room === "") {
        throw new CommandError("room must be a non-empty string"); // answers the sender alone
      }
      storage.roomOf.set(index, command.room);
      return deliver(membersOf(storage, command.room), {
        code: "joined",
        room: command.room,
        index,
      });
    }
    if (verb === "say") {
      const room = storage.roomOf.get(index);
      if (room === undefined) throw new CommandError("join a room first");
      return deliver(membersOf(storage, room), {
        code: "said",
        room,
        from: index,
        text: command.text ?? "",
      });
    }
    throw new CommandError("unknown code");
  },
  onDisconnect({ index, storage }) {
    storage.roomOf.delete(index);
    return [];
  },
};

/** A fresh game: one Application with its own storage. */
export function createGame(): Application<Rooms> {
  return new Application({ storage: { roomOf: new Map() }, defaultController: roomsController });
}
