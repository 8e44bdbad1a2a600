/**
 * One process of a cluster, wired: its bus, its leases, the front server that holds its
 * players' sockets, and the owner server that runs the game for the rooms it owns.
 *
 * @module
 */
import type { ApplicationHooks } from "../core/application_hooks.ts";
import type { Cancel, Clock } from "../core/clock.ts";
import { type LogFields, type Logger, silentLogger } from "../core/logger.ts";
import { Server } from "../core/server.ts";
import type { ServerOptions } from "../core/server_options.ts";
import type { Index, JsonValue } from "../core/types.ts";
import type { StateStore } from "../store/state_store.ts";
import { Bus, type Gap } from "./bus.ts";
import { type ClusterMessage, parseClusterMessage } from "./cluster_messages.ts";
import { PlayerRouter, type PlayerRouterOptions, type RoomOf } from "./player_router.ts";
import type { RedisClient } from "./redis_client.ts";
import { leaseGuarded } from "./lease_guarded_store.ts";
import type { RedisStore } from "./redis_store.ts";
import { RoomLeases } from "./room_leases.ts";
import { RoomMembers, type RoomMembersOptions } from "./room_members.ts";

/** Options of {@linkcode ClusterNode.start}. */
export interface ClusterNodeOptions {
  redis: RedisClient;
  /** This run of this process: never reuse one after a restart. */
  processId: string;
  clock: Clock;
  /**
   * The game, run by the owner server for the rooms this process owns; or what makes it,
   * given the node (a game that guards its writes with {@linkcode ClusterNode.storeFor}).
   */
  application: ApplicationHooks | ((node: ClusterNode) => ApplicationHooks);
  /** The room of a command (see {@linkcode RoomOf}). */
  roomOf: RoomOf;
  /**
   * What a player says to come back to a room whose owner died (see
   * {@linkcode PlayerRouterOptions.resume}); without it, such players are closed.
   */
  resume?: PlayerRouterOptions["resume"];
  /** A room's lease: how long an owner that died keeps it. Default 5,000 ms. */
  leaseMs?: number;
  /** How often peers are pinged (a gone peer, a lost last message). Default 1,000 ms. */
  pingMs?: number;
  /** Prefix of the Redis keys and channels. Default "zb:". */
  prefix?: string;
  /** For both servers; without holds: sessions are not shared between processes. */
  server?: Omit<ServerOptions, "application" | "clock" | "holdMs" | "sessionLayer">;
  logger?: Logger;
  /** Sees what the owner writes to each player, as it leaves (`RoomMembersOptions.observe`). */
  observe?: RoomMembersOptions["observe"];
  /** Builds the router: a subclass for a planted bug in the simulator; never otherwise. */
  router?: (options: PlayerRouterOptions) => PlayerRouter;
}

/**
 * Starts a process of the cluster: serve `node.server` on the transports (its players may be
 * in any room of the cluster); `close` shuts it down. Messages to itself skip Redis (in a
 * microtask, in order).
 *
 * @example
 * ```ts
 * import { Application, deliver, ManualClock } from "../../mod.ts";
 * import { ClusterNode } from "./cluster_node.ts";
 * import { MemoryRedis } from "./memory_redis.ts";
 * const clock = new ManualClock();
 * const redis = new MemoryRedis({ clock });
 * const application = new Application({
 *   storage: null,
 *   defaultController: { handleCommand: (command, { index }) => deliver([index], command) },
 * });
 * const node = await ClusterNode.start({
 *   redis: redis.client(), processId: "a", clock, application,
 *   roomOf: (command) => typeof command.key === "string" ? command.key : null,
 * });
 * const out: string[] = [];
 * const admission = node.server.accept({
 *   bufferedBytes: 0,
 *   write: (bytes) => void out.push(new TextDecoder().decode(bytes)),
 *   drain: () => Promise.resolve(),
 *   close: () => Promise.resolve(),
 * });
 * if (!admission.accepted) throw new Error("accepted");
 * await admission.events.data(new TextEncoder().encode('{"code":"hi","key":"lobby"}\0'));
 * while (out.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
 * if (out[0] !== '[{"code":"hi","key":"lobby"}]\0') throw new Error(out[0]);
 * if (await redis.client().get("zb:lease:lobby") !== "1:a") throw new Error("a owns lobby");
 * await node.close();
 * ```
 */
export class ClusterNode {
  readonly processId: string;
  /** Serve this one: it holds this process's players. */
  readonly server: Server;
  /** Runs the game for the rooms this process owns. */
  readonly owner: Server;
  readonly router: PlayerRouter;
  readonly members: RoomMembers;
  readonly leases: RoomLeases;
  readonly #logger: Logger;
  #bus: Bus | undefined;
  #stopPings: Cancel = () => {};

  private constructor(options: ClusterNodeOptions) {
    const { processId, clock } = options;
    this.processId = processId;
    this.#logger = options.logger ?? silentLogger;
    const send = (destination: string, message: ClusterMessage) => this.#send(destination, message);
    this.leases = new RoomLeases({
      redis: options.redis,
      clock,
      processId,
      ttlMs: options.leaseMs ?? 5_000,
      prefix: options.prefix,
      onLost: (lease) => {
        this.#logger.warn("room lost", { room: lease.room, fence: lease.fence });
        this.members.roomLost(lease.room);
      },
    });
    const serverOptions = { ...options.server, clock, logger: this.#logger };
    this.owner = new Server({
      ...serverOptions,
      application: typeof options.application === "function"
        ? options.application(this)
        : options.application,
      logger: tagged(this.#logger, "owner"),
    });
    this.members = new RoomMembers({
      server: this.owner,
      leases: this.leases,
      processId,
      send,
      observe: options.observe,
    });
    this.router = (options.router ?? ((o) => new PlayerRouter(o)))({
      processId,
      roomOf: options.roomOf,
      resume: options.resume,
      send,
      ownerOf: async (room) => {
        const attempt = await this.leases.acquire(room);
        return attempt.acquired ? { owner: processId, fence: attempt.lease.fence } : attempt.holder;
      },
    });
    this.server = new Server({ ...serverOptions, application: this.router });
    this.router.serve(this.server);
  }

  /** A process of the cluster, listening on the bus once this resolves. */
  static async start(options: ClusterNodeOptions): Promise<ClusterNode> {
    const node = new ClusterNode(options);
    node.#bus = await Bus.open({
      redis: options.redis,
      processId: options.processId,
      prefix: options.prefix,
      onMessage: (source, body) => node.#receive(source, body),
      onGap: (gap) => node.#gap(gap),
    });
    const { clock } = options;
    const pingMs = options.pingMs ?? 1_000;
    const ping = () => {
      node.#stopPings = clock.schedule(clock.now() + pingMs, ping);
      node.#ping();
    };
    node.#stopPings = clock.schedule(clock.now() + pingMs, ping);
    return node;
  }

  /**
   * `store` as the game should use it for the owner server's player `index` (its
   * `CommandContext.index`): writes guarded by the lease of the room the player is attached
   * to here (see {@linkcode RoomMembers.guardOf}), so an owner that stalled while another
   * process took the room cannot overwrite what the new owner saves. A refused write is the
   * player's error (a `CommandError`: `the room moved to another server: reconnect`), and
   * makes this process check its lease at once: lost, the room's players are told and
   * closed without waiting for the next renewal. A player in no room writes unguarded; one
   * no longer attached here writes nothing.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CommandError, ManualClock } from "../../mod.ts";
   * import { createRoomsApplication } from "../../examples/rooms/mod.ts";
   * import { ClusterNode } from "./cluster_node.ts";
   * import { MemoryRedis } from "./memory_redis.ts";
   * import { RedisStore } from "./redis_store.ts";
   * const clock = new ManualClock();
   * const redis = new MemoryRedis({ clock });
   * const store = new RedisStore({ redis: redis.client() });
   * const node = await ClusterNode.start({
   *   redis: redis.client(),
   *   processId: "a",
   *   clock,
   *   application: (node) =>
   *     createRoomsApplication({ store, storeOf: (index) => node.storeFor(store, index) }),
   *   roomOf: (command) => typeof command.key === "string" ? command.key : null,
   * });
   * const refused = await node.storeFor(store, 9).set("dress", 1).catch((error) => error);
   * assert.ok(refused instanceof CommandError); // nobody is attached at index 9
   * assert.equal(await store.get("dress"), undefined);
   * await node.close();
   * ```
   */
  storeFor(store: RedisStore, index: Index): StateStore {
    const guard = this.members.guardOf(index);
    return guard === null ? store : leaseGuarded(store, guard, (room) => this.#lost(room));
  }

  /**
   * `store` as the game should use it for what it writes about `room` (the card table, whose
   * timers write too): guarded by this process's lease on the room, as
   * {@linkcode ClusterNode.storeFor}; not held here, every write is refused.
   */
  roomStore(store: RedisStore, room: string): StateStore {
    const lease = this.leases.leaseOf(room);
    return leaseGuarded(store, lease, (room) => this.#lost(room));
  }

  /** A guarded write was refused: the lease is checked now (lost: the players are closed). */
  #lost(room: string): void {
    // After this turn, so that the refusal is answered first.
    void this.owner.runTurn(() => {
      this.leases.renew(room).catch(() => {});
      return [];
    });
  }

  /** Messages received and lost on the bus so far. */
  get busCounts(): Bus["counts"] | undefined {
    return this.#bus?.counts;
  }

  /**
   * Shuts down: the front server first (its players' rooms elsewhere see them leave), then
   * the owner server (the players of other processes in its rooms are told and closed), then
   * the leases are released and the bus closed.
   */
  async close(): Promise<void> {
    this.#stopPings();
    await this.server.shutdown();
    await this.owner.shutdown();
    await this.leases.close();
    await this.#bus?.close();
  }

  #send(destination: string, message: ClusterMessage): Promise<number> {
    if (destination === this.processId) {
      queueMicrotask(() => this.#dispatch(this.processId, message));
      return Promise.resolve(1);
    }
    if (this.#bus === undefined) return Promise.resolve(0);
    return this.#bus.send(destination, message as unknown as JsonValue);
  }

  #receive(source: string, body: JsonValue): void {
    const message = parseClusterMessage(body);
    if (message === undefined) {
      return this.#logger.warn("bad cluster message", { source });
    }
    this.#dispatch(source, message);
  }

  #dispatch(source: string, message: ClusterMessage): void {
    const k = message.k;
    if (k === "out" || k === "outs" || k === "closed") this.router.handle(source, message);
    else if (message.k !== "ping") this.members.handle(source, message);
  }

  #gap(gap: Gap): void {
    this.#logger.warn("messages lost between servers", { ...gap });
    const reason = "messages between servers were lost: reconnect";
    this.router.closeAttachedTo(gap.source, reason, false);
    this.members.closeFrom(gap.source, reason, true);
  }

  /** Every peer is pinged: one that no longer listens is gone; a lost tail shows as a gap. */
  #ping(): void {
    this.router.resumeOrphans();
    const peers = new Set([...this.router.owners(), ...this.members.sources()]);
    peers.delete(this.processId);
    for (const peer of peers) {
      this.#send(peer, { k: "ping" }).then((listeners) => {
        if (listeners > 0) return;
        this.#logger.warn("server gone", { peer });
        this.router.closeAttachedTo(peer, "the room's server is gone: reconnect", true);
        this.members.closeFrom(peer, "its server is gone", false);
      }, () => {});
    }
  }
}

/** The logger with a `server` field on every line: the owner's lines told from the front's. */
function tagged(logger: Logger, server: string): Logger {
  const at = (level: keyof Logger) => (message: string, fields?: LogFields) =>
    logger[level](message, { ...fields, server });
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
