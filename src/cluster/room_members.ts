/**
 * The owner's side of the routing: the players attached to this process's rooms, each a
 * {@linkcode RemoteConnection} of the owner's `Server`, wherever its socket is.
 *
 * @module
 */
import type { ConnectionEvents } from "../core/connection.ts";
import type { Server } from "../core/server.ts";
import type { Index } from "../core/types.ts";
import type { ClusterMessage } from "./cluster_messages.ts";
import { OutBatcher } from "./out_batcher.ts";
import { RemoteConnection } from "./remote_connection.ts";
import type { RoomLeases } from "./room_leases.ts";

/** Options of {@linkcode RoomMembers}. */
export interface RoomMembersOptions {
  /** The owner's server: it runs the game for the attached players. */
  server: Server;
  /** This process's leases: a player is attached to a room only while it holds it. */
  leases: Pick<RoomLeases, "leaseOf" | "owns" | "keyOf">;
  processId: string;
  /** Sends a message to a process: how many listened (0: it is gone). */
  send(destination: string, message: ClusterMessage): Promise<number>;
  /** Sees each `out` as the owner's server writes it, before it leaves: for checks. */
  observe?: (destination: string, out: Extract<ClusterMessage, { k: "out" }>) => void;
}

interface Member {
  readonly source: string;
  readonly c: number;
  readonly a: number;
  readonly room: string | null;
  readonly fence: number;
  readonly remote: RemoteConnection;
  readonly events: ConnectionEvents | undefined;
}

const encoder = new TextEncoder();

/**
 * Handles what players' processes send the owner: `attach` (accepted as a new connection of
 * the owner's server if this process holds the room with that fence, else answered
 * `closed`), `cmd` (handed to that connection as bytes it read), `bye` (it ended). What the
 * server writes to a member goes back as `out`, with the room's fence and the attachment's
 * number, gathered with the others to that process in the same turn (`outs`).
 *
 * @example
 * ```ts
 * import { Application, deliver, ManualClock, Server } from "../../mod.ts";
 * import type { ClusterMessage } from "./cluster_messages.ts";
 * import { RoomMembers } from "./room_members.ts";
 * const application = new Application({
 *   storage: null,
 *   defaultController: { handleCommand: (command, { index }) => deliver([index], command) },
 * });
 * const server = new Server({ application, clock: new ManualClock() });
 * const sent: [string, ClusterMessage][] = [];
 * const members = new RoomMembers({
 *   server,
 *   processId: "a",
 *   leases: {
 *     owns: (room) => room === "lobby",
 *     leaseOf: () => ({ fence: 4 }) as never,
 *     keyOf: (room) => `zb:lease:${room}`,
 *   },
 *   send: (to, message) => (sent.push([to, message]), Promise.resolve(1)),
 * });
 * members.handle("b", { k: "attach", c: 7, a: 1, room: "lobby", fence: 4 });
 * members.handle("b", { k: "cmd", c: 7, a: 1, m: '{"code":"hi"}' });
 * while (sent.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
 * const [to, out] = sent[0];
 * if (to !== "b" || out.k !== "out" || out.m !== '[{"code":"hi"}]' || out.fence !== 4) {
 *   throw new Error(JSON.stringify(sent));
 * }
 * await server.shutdown(); // the member is closed, and its process told
 * if (sent[1][1].k !== "closed") throw new Error(JSON.stringify(sent));
 * ```
 */
export class RoomMembers {
  readonly #options: RoomMembersOptions;
  readonly #members = new Map<string, Member>();
  readonly #batcher: OutBatcher;

  constructor(options: RoomMembersOptions) {
    this.#options = options;
    this.#batcher = new OutBatcher((destination, message) => this.#send(destination, message));
  }

  /** Sends to a player's process; one that no longer listens is gone: its members end. */
  #send(destination: string, message: ClusterMessage): Promise<number> {
    const sent = this.#options.send(destination, message);
    sent.then((listeners) => {
      if (listeners === 0) this.closeFrom(destination, "its server is gone", false);
    }, () => {});
    return sent;
  }

  /** How many players are attached here. */
  get size(): number {
    return this.#members.size;
  }

  /** The processes that have players attached here. */
  sources(): string[] {
    return [...new Set([...this.#members.values()].map((member) => member.source))];
  }

  /**
   * The lease that guards what the owner's game writes for its player `index`: the lease of
   * the room the player is attached to, with the fence it was attached under, so a write
   * made after another process took the room (even before this one noticed) is refused.
   * Null for a player in no room (its own process: no lease); undefined for an index that is
   * not attached here (any more): nothing it writes should pass.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { ManualClock, Server } from "../../mod.ts";
   * import { createRoomsApplication } from "../../examples/rooms/mod.ts";
   * import { RoomMembers } from "./room_members.ts";
   * const server = new Server({ application: createRoomsApplication(), clock: new ManualClock() });
   * const members = new RoomMembers({
   *   server,
   *   processId: "a",
   *   leases: { owns: () => true, leaseOf: () => ({ fence: 4 }) as never, keyOf: (room) => `L:${room}` },
   *   send: () => Promise.resolve(1),
   * });
   * members.handle("b", { k: "attach", c: 7, a: 1, room: "lobby", fence: 4 });
   * // The owner's index 1: the player of b's connection 7.
   * assert.deepEqual(members.guardOf(1), { room: "lobby", key: "L:lobby", token: "4:a" });
   * assert.equal(members.guardOf(2), undefined);
   * await server.shutdown();
   * ```
   */
  guardOf(index: Index): { room: string; key: string; token: string } | null | undefined {
    const member = this.#memberAt(index);
    if (member === undefined || member.room === null) return member && null;
    const { room, fence } = member;
    const { leases, processId } = this.#options;
    return { room, key: leases.keyOf(room), token: `${fence}:${processId}` };
  }

  /**
   * Who the owner server's player `index` is in the cluster: its process and its connection
   * there (`b/7`), which outlive this owner: a game that keeps a room's state for the next
   * owner names its players by it.
   */
  identityOf(index: Index): string | undefined {
    const member = this.#memberAt(index);
    return member && `${member.source}/${member.c}`;
  }

  #memberAt(index: Index): Member | undefined {
    for (const member of this.#members.values()) {
      if (member.events?.index === index) return member;
    }
    return undefined;
  }

  /** A message from a player's process. */
  handle(source: string, message: ClusterMessage): void {
    if (message.k === "attach") return this.#attach(source, message);
    if (message.k !== "cmd" && message.k !== "bye") return;
    const member = this.#members.get(keyOf(source, message.c));
    if (member === undefined || member.a !== message.a) return;
    if (message.k === "cmd") void member.events?.data(encoder.encode(message.m + "\0"));
    else this.#end(member, "left", false);
  }

  /**
   * Closes the members of `room` (this process lost it): their processes are told, and their
   * players reconnect to whoever holds it now.
   */
  roomLost(room: string): void {
    for (const member of [...this.#members.values()]) {
      if (member.room === room) this.#end(member, "the room moved to another server", true);
    }
  }

  /**
   * Closes the members of a process: gone (`tell` false: nobody listens), or whose commands
   * were lost on the way (a gap: its players are told, and closed there).
   */
  closeFrom(source: string, reason: string, tell: boolean): void {
    for (const member of [...this.#members.values()]) {
      if (member.source === source) this.#end(member, reason, tell);
    }
  }

  #attach(source: string, message: Extract<ClusterMessage, { k: "attach" }>): void {
    const key = keyOf(source, message.c);
    const previous = this.#members.get(key);
    if (previous) this.#end(previous, "moved", false);
    const { c, a, room, fence } = message;
    const remote = new RemoteConnection({
      send: (m) => {
        const out = { c, a, room, fence, m };
        this.#options.observe?.(source, { k: "out", ...out });
        return this.#batcher.send(source, out);
      },
      closed: (reason) => {
        if (this.#members.get(key)?.remote === remote) this.#members.delete(key);
        // The deliveries before it leave first; Redis away: the player's process pings.
        void this.#batcher.flush(source).catch(() => {});
        this.#send(source, { k: "closed", c, a, reason }).catch(() => {});
      },
    });
    const { leases, processId, server } = this.#options;
    const holds = room === null
      ? source === processId
      : leases.owns(room) && leases.leaseOf(room)?.fence === fence;
    if (!holds) {
      remote.reason = "the room is not held here: reconnect";
      void remote.close();
      return;
    }
    this.#members.set(key, { source, c, a, room, fence, remote, events: undefined });
    const admission = server.accept(remote);
    // Refused (full, shutting down): the server closed it already, which told the player.
    if (!admission.accepted) return;
    const member = this.#members.get(key);
    if (member?.remote === remote) this.#members.set(key, { ...member, events: admission.events });
  }

  #end(member: Member, reason: string, tell: boolean): void {
    const key = keyOf(member.source, member.c);
    if (this.#members.get(key) === member) this.#members.delete(key);
    if (tell) member.remote.reason = reason;
    else member.remote.end();
    const index = member.events?.index;
    if (index !== undefined) void this.#options.server.disconnect(index, reason);
    else void member.remote.close();
  }
}

function keyOf(source: string, c: number): string {
  return `${source}\u0000${c}`;
}
