/**
 * Who is connected, and who is in which room.
 *
 * @module
 */
import type { Index } from "../../mod.ts";

const NOBODY: readonly Index[] = Object.freeze([]);

/**
 * The connected indexes and their rooms. A connection is in at most one room. Rooms are
 * Map keys, so any string names a room (`"indexes"`, `"__proto__"`, `""`) and none can
 * touch this model's own fields.
 *
 * @example
 * ```ts
 * import { RoomModel } from "./room_model.ts";
 * const rooms = new RoomModel();
 * rooms.connect(1);
 * rooms.connect(2);
 * rooms.join(1, "dresser"); // true
 * rooms.join(1, "dresser"); // false: already there
 * rooms.audienceOf(1); // [1]: the room
 * rooms.audienceOf(2); // [1, 2]: in no room, so everyone
 * ```
 */
export class RoomModel {
  readonly #connected = new Set<Index>();
  readonly #roomOf = new Map<Index, string>();
  readonly #members = new Map<string, Set<Index>>();
  /**
   * The lists handed out, kept until their room changes: every broadcast of a busy room gets
   * the same frozen list instead of a copy of its members each.
   */
  readonly #lists = new Map<string, readonly Index[]>();
  #everyone: readonly Index[] | undefined;

  /** Adds a connection, in no room. */
  connect(index: Index): void {
    this.#connected.add(index);
    this.#everyone = undefined;
  }

  /** Removes a connection from its room and from the connected indexes. */
  disconnect(index: Index): void {
    this.leave(index);
    this.#connected.delete(index);
    this.#everyone = undefined;
  }

  /**
   * Moves a connection into `room`, out of the one it was in. Returns false, changing
   * nothing, when it is already there.
   */
  join(index: Index, room: string): boolean {
    if (this.#roomOf.get(index) === room) return false;
    this.leave(index);
    this.#roomOf.set(index, room);
    let members = this.#members.get(room);
    if (!members) this.#members.set(room, members = new Set());
    members.add(index);
    this.#lists.delete(room);
    return true;
  }

  /** Takes a connection out of its room, if any; an emptied room is forgotten. */
  leave(index: Index): void {
    const room = this.#roomOf.get(index);
    if (room === undefined) return;
    this.#roomOf.delete(index);
    const members = this.#members.get(room);
    members?.delete(index);
    if (members?.size === 0) this.#members.delete(room);
    this.#lists.delete(room);
  }

  /** The room a connection is in, or undefined. */
  roomOf(index: Index): string | undefined {
    return this.#roomOf.get(index);
  }

  /** The indexes in a room, in the order they joined (frozen: it is shared). */
  members(room: string): readonly Index[] {
    let list = this.#lists.get(room);
    if (list === undefined) {
      const members = this.#members.get(room);
      if (members === undefined) return NOBODY;
      this.#lists.set(room, list = Object.freeze([...members]));
    }
    return list;
  }

  /** The rooms with anyone in them. */
  rooms(): string[] {
    return [...this.#members.keys()];
  }

  /** Every connected index, oldest first (frozen: it is shared). */
  connected(): readonly Index[] {
    return this.#everyone ??= Object.freeze([...this.#connected]);
  }

  /** Who hears what a connection shares: its room, or everyone when it is in no room. */
  audienceOf(index: Index): readonly Index[] {
    const room = this.#roomOf.get(index);
    return room === undefined ? this.connected() : this.members(room);
  }
}
