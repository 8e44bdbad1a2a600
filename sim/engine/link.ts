/**
 * One simulated TCP connection between a client and the server: both directions, with the
 * server's end as a transport {@linkcode Socket} record that the real connection layer
 * drives, exactly as it drives a Node or Deno socket.
 *
 * @module
 */
import type { Connection, Socket, SocketHandlers } from "../../mod.ts";
import { Feed } from "./feed.ts";
import type { LinkPeer, LinkState, LinkTriggers } from "./link_contract.ts";
import type { LinkFaults } from "./faults.ts";
import { Pipe } from "./pipe.ts";
import { Reader } from "./reader.ts";
import type { FaultPlan } from "./fault_plan.ts";
import { ServerEnd } from "./server_end.ts";
import { WatchedConnection, type WatchHost } from "./watched_connection.ts";
import type { World } from "./world.ts";

export type { LinkPeer, LinkState, LinkTriggers } from "./link_contract.ts";

/**
 * The simulated connection. The layer writes into the down pipe; the client reads from its
 * receive buffer at its read rate, and the window (bytes in flight plus unread) is bounded,
 * so a slow reader leaves bytes unsent and the drain waits. What the client writes goes up,
 * waits in the server's receive buffer, and reaches the layer one chunk at a time: the next
 * chunk only when the core is done with the previous one, like the adapters. The server's
 * end is a {@linkcode ServerEnd}; the client's end is here.
 */
export class Link {
  /** The client's name. */
  readonly name: string;
  /** This link's properties. */
  readonly faults: LinkFaults;
  /** Faults that strike at a moment of the core. */
  readonly triggers: LinkTriggers = {
    abortAfterConnect: false,
    resetBeforeWrite: 0,
    abortWhileDraining: false,
    abortAfterWrite: 0,
  };
  /** The server's end: the socket record the layer drives, and its state. */
  readonly server: ServerEnd;
  /** The client is gone (aborted or reset): nothing reaches it any more. */
  clientGone = false;
  /** The client half-closed: it sends nothing more. */
  clientEnded = false;
  /** The client's receive buffer. */
  readonly reader: Reader;
  /** Drains that had to wait, drains that failed, core writes that threw, socket writes. */
  readonly counts: ServerEnd["counts"];
  /** The core's connection, as the layer built it and the link watches it. */
  connection: Connection | undefined;
  readonly #world: World;
  readonly #peer: LinkPeer;
  readonly #up: Pipe;
  readonly #down: Pipe;
  readonly #feed: Feed;
  #coreWrites = 0;

  readonly #host: WatchHost = {
    coreWriting: () => {
      this.#world.activity();
      const n = ++this.#coreWrites;
      if (n === this.triggers.resetBeforeWrite && this.#leaveClient("reset before write")) {
        this.server.break("connection reset before write", 0);
      }
      return n;
    },
    coreWrote: (bytes, n) => {
      this.#peer.written(bytes);
      if (n === this.triggers.abortAfterWrite && this.#leaveClient("abort after write")) {
        this.server.break("connection reset after write", 1);
      }
    },
    coreWriteFailed: () => void this.counts.writeFailures++,
    flushForced: () => this.server.batching.forced(this.#world.eventNumber),
  };

  constructor(world: World, plan: FaultPlan, name: string, faults: LinkFaults, peer: LinkPeer) {
    this.#world = world;
    this.name = name;
    this.faults = faults;
    this.#peer = peer;
    this.#feed = new Feed(world, name, {
      handlers: () => this.server.handlers,
      open: () => this.server.open,
      freed: () => this.#up.scheduleFlush(),
      trace: (what) => this.#trace(what),
    }, faults.eagerFeed === true);
    this.reader = new Reader(world, faults.readBytesPerMs, {
      read: (bytes) => peer.read(bytes),
      ended: () => peer.ended(),
      freed: () => {
        if (this.#down.queue.bytes > 0) this.#down.scheduleFlush();
      },
    });
    const shared = { world, plan, client: name, faults, flushed: () => this.server.afterFlush() };
    this.#up = new Pipe({
      ...shared,
      direction: "up",
      delayUs: faults.upDelayMs * 1000,
      room: () => faults.serverWindowBytes - this.#up.inFlight - this.#feed.bufferedBytes,
      arrive: (bytes) => this.server.open && this.#feed.push(bytes),
    });
    this.#down = new Pipe({
      ...shared,
      direction: "down",
      delayUs: faults.downDelayMs * 1000,
      // An unbounded window needs no sum (and no boxed Infinity per segment).
      room: faults.windowBytes === Infinity
        ? unbounded
        : () => faults.windowBytes - this.#down.inFlight - this.reader.unreadBytes,
      arrive: (bytes) => this.#arriveAtClient(bytes),
    });
    this.server = new ServerEnd({
      world,
      name,
      faults,
      down: this.#down,
      feed: this.#feed,
      reader: this.reader,
      drainWaits: () => {
        if (this.triggers.abortWhileDraining) {
          this.#world.soon(() => this.abortNow("abort while the server drains"));
        }
      },
    });
    this.counts = this.server.counts;
  }

  /** The server's end, as the connection layer (or the HTTP upgrade) sees it. */
  get socket(): Socket {
    return this.server.socket;
  }

  /** The server side's state. */
  get state(): LinkState {
    return this.server.state;
  }

  /** The handlers of whatever the server's end was given to, once opened. */
  get handlers(): SocketHandlers | undefined {
    return this.server.handlers;
  }

  /** Bytes the server wrote that can no longer reach the client. */
  get discardedBytes(): number {
    return this.server.discardedBytes;
  }

  /** The most bytes ever unsent on the server side. */
  get maxQueuedBytes(): number {
    return this.server.maxQueuedBytes;
  }

  /** See {@linkcode ServerEnd.maxUnsentOnBacklog}. */
  get maxUnsentOnBacklog(): number {
    return this.server.maxUnsentOnBacklog;
  }

  /** When a drain first had to wait (virtual microseconds), if one ever did. */
  get firstDrainWaitAt(): number | undefined {
    return this.server.firstDrainWaitAt;
  }

  /** Socket writes beyond one per event-loop iteration that nothing forced, as found. */
  get unbatchedWrites(): string[] {
    return this.server.batching.unbatched.map(({ iteration, write }) =>
      `${this.name}: socket write ${write} of one iteration (event ${iteration})`
    );
  }

  /** Segments cut short and segments that carried several writes, both directions. */
  get segmentCounts(): { fragments: number; coalesced: number } {
    return {
      fragments: this.#up.fragments + this.#down.fragments,
      coalesced: this.#up.coalesced + this.#down.coalesced,
    };
  }

  /** Whether every byte the server wrote reached the client and was read. */
  get lossless(): boolean {
    return this.discardedBytes === 0 && !this.clientGone && this.#down.queue.bytes === 0 &&
      this.#down.inFlight === 0 && this.reader.unreadBytes === 0;
  }

  /** How many times the core wrote to its connection (or tried to). */
  get writes(): number {
    return this.#coreWrites;
  }

  /** The client connects now; the server's layer opens the socket when the connect arrives. */
  connect(): void {
    this.#trace("connect");
    this.#up.mark(() => {
      this.server.state = "open";
      this.server.handlers = this.#peer.accept(this.socket);
    });
  }

  /** The core's connection as the layer built it, watched (see {@linkcode WatchedConnection}). */
  watch(inner: Connection): Connection {
    return this.connection = new WatchedConnection(inner, this.#host);
  }

  /** The client writes bytes; false once it can no longer send. */
  clientWrite(bytes: Uint8Array): boolean {
    if (this.clientGone || this.clientEnded) return false;
    this.#up.send(bytes);
    return true;
  }

  /** The client half-closes: the server sees the end after everything sent before. */
  clientEnd(): void {
    if (this.clientGone || this.clientEnded) return;
    this.clientEnded = true;
    this.#trace("half-close");
    this.#up.end(() => this.#feed.end());
  }

  /**
   * The client vanishes. The reset reaches the server after what was already sent; with
   * `noticeUs` null the layer is told at once, else writes are lost first and the layer is
   * told `noticeUs` later.
   */
  clientAbort(reason: string, noticeUs: number | null = null): void {
    if (!this.#leaveClient(reason)) return;
    this.#up.dropQueue();
    this.#up.mark(() => this.server.break(reason, noticeUs ?? 0));
  }

  /** The client vanishes at this very moment of the core (inside its promise chains). */
  abortNow(reason: string): void {
    if (this.#leaveClient(reason)) this.server.break(reason, 0);
  }

  #leaveClient(reason: string): boolean {
    if (this.clientGone) return false;
    this.clientGone = true;
    this.#trace(`client gone: ${reason}`);
    this.server.discardedBytes += this.reader.stop();
    return true;
  }

  #arriveAtClient(segment: Uint8Array): void {
    if (this.clientGone) return void (this.server.discardedBytes += segment.length);
    if (this.#world.trace.on) this.#trace(`down ${segment.length}B`);
    this.reader.arrive(segment);
  }

  #trace(what: string): void {
    if (this.#world.trace.on) this.#world.trace.add(this.#world.now, this.name, what);
  }
}

const unbounded = () => Infinity;
