/**
 * The player's side of the routing: the application of the server that holds the sockets,
 * which attaches each player to the owner of its room and forwards its commands there.
 *
 * @module
 */
import { errorFor } from "../core/application.ts";
import type { ApplicationHooks } from "../core/application_hooks.ts";
import type { Server } from "../core/server.ts";
import { type Command, deliver, type Index, isCommand, type Result } from "../core/types.ts";
import type { ClusterMessage } from "./cluster_messages.ts";
import { PlayerQueues } from "./player_queues.ts";

/**
 * The room a command is about, as the game decides: a name, or null for none (the player's
 * own process handles it). `current` is the room the player is attached to now.
 */
export type RoomOf = (command: Command, current: string | null) => string | null;

/** Who owns a room now: this process (it just took the lease) or the holder, and its fence. */
export type OwnerOf = (room: string) => Promise<{ owner: string; fence: number }>;

/** Options of {@linkcode PlayerRouter}. */
export interface PlayerRouterOptions {
  processId: string;
  roomOf: RoomOf;
  ownerOf: OwnerOf;
  /** Sends a message to a process: how many listened (0: it is gone). */
  send(destination: string, message: ClusterMessage): Promise<number>;
  /**
   * What a player says to come back to `room` (the card table: `join`). With it, the players
   * of a room whose owner died are not closed: they are told, and once a process takes the
   * room over (the lease ran out), attached there and sent this on their behalf, first.
   * Without it, they are closed and reconnect.
   */
  resume?: (room: string) => Command;
}

interface Attachment {
  readonly owner: string;
  readonly room: string | null;
  readonly fence: number;
  readonly a: number;
}

/** What a router dropped: deliveries of an attachment that is no longer the player's. */
export interface RouterCounts {
  /** `out` of an earlier attachment, another owner, or an older fence of the room. */
  stale: number;
}

/**
 * Implements the hooks the front `Server` calls. A player starts attached to its own process
 * without a room; a command whose room (`roomOf`) is not the attachment's moves it: `bye` to
 * the old owner, `attach` to the new one (`ownerOf`: the lease). Its commands then go to that
 * owner as `cmd`, and what the owner writes to it comes back as `out`, written through the
 * front server. Anything that could leave a player out of step with its room (an owner gone,
 * messages lost, the room taken over with a newer fence) closes it with an error saying why.
 *
 * @example
 * ```ts
 * import { ManualClock, Server } from "../../mod.ts";
 * import type { ClusterMessage } from "./cluster_messages.ts";
import { PlayerQueues } from "./player_queues.ts";
 * import { PlayerRouter } from "./player_router.ts";
 * const sent: [string, ClusterMessage][] = [];
 * const router = new PlayerRouter({
 *   processId: "b",
 *   roomOf: (command) => typeof command.key === "string" ? command.key : null,
 *   ownerOf: () => Promise.resolve({ owner: "a", fence: 3 }),
 *   send: (to, message) => (sent.push([to, message]), Promise.resolve(1)),
 * });
 * router.serve(new Server({ application: router, clock: new ManualClock() }));
 * await router.onConnect(1);
 * await router.handleCommands(1, [{ code: "join", key: "t1" }]); // a move: queued
 * while (sent.length < 4) await new Promise((resolve) => setTimeout(resolve, 1));
 * const kinds = sent.map(([to, message]) => `${to}:${message.k}`).join();
 * if (kinds !== "b:attach,b:bye,a:attach,a:cmd") throw new Error(kinds);
 * ```
 */
export class PlayerRouter implements ApplicationHooks {
  readonly #options: PlayerRouterOptions;
  readonly #attached = new Map<Index, Attachment>();
  /** The newest fence seen per room: an owner with an older one is stale. */
  readonly #fences = new Map<string, number>();
  /** Processes found gone (ids are never reused, so for good). */
  readonly #gone = new Set<string>();
  readonly #counts: RouterCounts = { stale: 0 };
  /** Each player's moves and what follows them, out of the front server's turn. */
  readonly #queues = new PlayerQueues((index) =>
    this.#close(index, "the room's server cannot be reached")
  );
  /** Players whose room's owner died, and the room they go back to. */
  readonly #orphans = new Map<Index, string>();
  #server: Server | undefined;
  #attachments = 0;

  constructor(options: PlayerRouterOptions) {
    this.#options = options;
  }

  /** The front server, whose players these are: where deliveries are written. */
  serve(server: Server): void {
    this.#server = server;
  }

  /** What was dropped so far. */
  get counts(): Readonly<RouterCounts> {
    return { ...this.#counts };
  }

  /** The processes this one's players are attached to (itself included). */
  owners(): string[] {
    return [...new Set([...this.#attached.values()].map((attachment) => attachment.owner))];
  }

  /** The room a player is attached to, where, and the attachment's number: for checks. */
  attachmentOf(index: Index): { owner: string; room: string | null; a: number } | undefined {
    const attachment = this.#attached.get(index);
    return attachment && { owner: attachment.owner, room: attachment.room, a: attachment.a };
  }

  async onConnect(index: Index): Promise<Result> {
    await this.#attach(index, null, this.#options.processId, 0);
    return [];
  }

  onDisconnect(index: Index): Promise<Result> {
    this.#orphans.delete(index);
    this.#detach(index);
    return Promise.resolve([]);
  }

  /**
   * Forwards the commands at once when the player stays in its room; a command that moves it
   * (the owner of the new room is found in Redis, and told) is queued with what follows it,
   * out of the front server's turn, so the other players of this process do not wait for
   * Redis meanwhile; what it is answered is delivered once it is done.
   */
  handleCommands(index: Index, commands: readonly Command[]): Promise<Result> {
    if (this.#queues.idle(index) && !this.#moves(index, commands)) {
      return this.#route(index, commands);
    }
    void this.#queues.add(index, () => this.#answerLater(() => this.#route(index, commands)));
    return Promise.resolve([]);
  }

  /** Whether a command of `commands` is about another room than the player's. */
  #moves(index: Index, commands: readonly Command[]): boolean {
    let room = this.#attached.get(index)?.room ?? null;
    for (const command of commands) {
      const next = this.#options.roomOf(command, room);
      if (next !== room) return true;
      room = next;
    }
    return false;
  }

  /** Runs `route` and delivers what it answers in a turn of the front server. */
  async #answerLater(route: () => Promise<Result>): Promise<void> {
    const result = await route();
    if (result.length > 0) await this.#server?.runTurn(() => result);
  }

  async #route(index: Index, commands: readonly Command[]): Promise<Result> {
    const result: Result = [];
    let run: Command[] = [];
    let room: string | null = this.#attached.get(index)?.room ?? null;
    const flush = async () => {
      if (run.length > 0) result.push(...await this.#forward(index, room, run));
      run = [];
    };
    for (const command of commands) {
      const next = this.#options.roomOf(command, room);
      if (next !== room) await flush();
      room = next;
      run.push(command);
    }
    await flush();
    return result;
  }

  /** A message from a room's owner about one of this process's players. */
  handle(source: string, message: ClusterMessage): void {
    if (message.k === "outs") {
      for (const entry of message.o) this.handle(source, { k: "out", ...entry });
      return;
    }
    if (message.k !== "out" && message.k !== "closed") return;
    const attachment = this.#attached.get(message.c);
    if (attachment?.owner !== source || attachment.a !== message.a) {
      if (message.k === "out") this.#counts.stale++;
      return;
    }
    if (message.k === "closed") return this.#close(message.c, message.reason);
    const newest = message.room === null ? 0 : this.#fences.get(message.room) ?? 0;
    if (message.fence < newest) return void this.#counts.stale++;
    let commands: unknown;
    try {
      commands = JSON.parse(message.m);
    } catch {
      return;
    }
    if (!Array.isArray(commands) || !commands.every(isCommand)) return;
    void this.#server?.runTurn(() => deliver([message.c], ...commands as Command[]));
  }

  /**
   * The players attached to `owner` are closed with `reason`: it is gone, or messages from
   * it were lost (a gap), so their view of the room can no longer be trusted.
   */
  closeAttachedTo(owner: string, reason: string, gone: boolean): void {
    if (gone && owner !== this.#options.processId) this.#gone.add(owner);
    const resume = gone && this.#options.resume !== undefined;
    for (const [index, attachment] of [...this.#attached]) {
      if (attachment.owner !== owner) continue;
      if (resume && attachment.room !== null) this.#orphan(index, attachment.room);
      else this.#close(index, reason);
    }
  }

  /**
   * Tries to bring back to their rooms the players whose owner died (see
   * {@linkcode PlayerRouterOptions.resume}): call it now and then (the node does, on each
   * ping); a room still held by its dead owner's lease is tried again next time.
   */
  resumeOrphans(): void {
    for (const [index, room] of this.#orphans) {
      if (!this.#queues.idle(index)) continue; // tried already, or moving
      void this.#queues.add(
        index,
        () =>
          this.#answerLater(() =>
            this.#orphans.get(index) === room ? this.#forward(index, room, []) : Promise.resolve([])
          ),
      );
    }
  }

  /** The player stays, told; it goes back to `room` once someone owns it. */
  #orphan(index: Index, room: string): void {
    this.#orphans.set(index, room);
    void this.#attach(index, null, this.#options.processId, 0);
    const notice = { error: "the room's server is gone: resuming the room on another" };
    void this.#server?.runTurn(() => deliver([index], notice));
  }

  async #forward(index: Index, room: string | null, commands: Command[]): Promise<Result> {
    const current = this.#attached.get(index);
    if (current === undefined) return []; // left meanwhile
    if (current.room !== room) {
      const orphaned = this.#orphans.get(index);
      if (room !== null && orphaned === room) {
        commands = [this.#options.resume!(room), ...commands];
      } else if (room !== null) this.#orphans.delete(index); // gone elsewhere
      const owner = room === null
        ? { owner: this.#options.processId, fence: 0 }
        : await this.#options.ownerOf(room).catch(() => undefined);
      if (!this.#attached.has(index)) return []; // left meanwhile
      const attached = owner !== undefined && !this.#gone.has(owner.owner) &&
        await this.#attach(index, room, owner.owner, owner.fence);
      if (!attached) {
        // Redis away, or the lease of a dead owner not run out yet: the player is told, and
        // is attached to no room.
        await this.#attach(index, null, this.#options.processId, 0);
        const why = "the room's server is gone: try again soon";
        const own = orphaned === room ? commands.slice(1) : commands;
        return own.flatMap((command) => deliver([index], errorFor(command, why)));
      }
      if (orphaned === room) this.#orphans.delete(index);
    }
    if (commands.length === 0) return [];
    const { owner, a } = this.#attached.get(index)!;
    const m = JSON.stringify(commands);
    this.#options.send(owner, { k: "cmd", c: index, a, m }).then((listeners) => {
      if (listeners === 0) this.closeAttachedTo(owner, "the room's server is gone", true);
    }, () => this.#close(index, "the room's server cannot be reached"));
    return [];
  }

  /** Moves the player's attachment; false if nobody listens at `owner`. */
  async #attach(index: Index, room: string | null, owner: string, fence: number): Promise<boolean> {
    this.#detach(index);
    const a = ++this.#attachments;
    this.#attached.set(index, { owner, room, fence, a });
    if (room !== null && fence > (this.#fences.get(room) ?? 0)) {
      this.#fences.set(room, fence);
      for (const [other, attachment] of this.#attached) {
        if (attachment.room === room && attachment.fence < fence) {
          this.#close(other, "the room moved to another server");
        }
      }
    }
    const listeners = await this.#options.send(owner, { k: "attach", c: index, a, room, fence })
      .catch(() => 0);
    if (listeners > 0) return true;
    if (this.#attached.get(index)?.a === a) this.#attached.delete(index);
    return false;
  }

  #detach(index: Index): void {
    const attachment = this.#attached.get(index);
    if (attachment === undefined) return;
    this.#attached.delete(index);
    void this.#options.send(attachment.owner, { k: "bye", c: index, a: attachment.a })
      .catch(() => {});
  }

  /** Tells the player why and closes it; its `onDisconnect` ends the attachment. */
  #close(index: Index, reason: string): void {
    if (!this.#attached.has(index)) return;
    this.#detach(index); // a bye the owner ignores if it ended the attachment itself
    const server = this.#server;
    if (server === undefined) return;
    void server.runTurn(() => deliver([index], { error: reason }))
      .then(() => server.disconnect(index, reason));
  }
}
