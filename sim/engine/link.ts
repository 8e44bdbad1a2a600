/**
 * One simulated TCP connection between a client and the server: both directions, with the
 * server's end as a transport {@linkcode Socket} record that the real connection layer
 * drives, exactly as it drives a Node or Deno socket.
 *
 * @module
 */
import type { Connection, Socket, SocketHandlers } from "../../mod.ts";
import { BatchingCheck } from "./batching_check.ts";
import { Feed } from "./feed.ts";
import type { LinkPeer, LinkState, LinkTriggers } from "./link_contract.ts";
import type { LinkFaults } from "./faults.ts";
import { LinkSocket } from "./link_socket.ts";
import { Pipe } from "./pipe.ts";
import { Reader } from "./reader.ts";
import type { FaultPlan } from "./fault_plan.ts";
import { WatchedConnection, type WatchHost } from "./watched_connection.ts";
import type { World } from "./world.ts";

export type { LinkPeer, LinkState, LinkTriggers } from "./link_contract.ts";

/**
 * The simulated connection. The layer writes into the down pipe; the client reads from its
 * receive buffer at its read rate, and the window (bytes in flight plus unread) is bounded,
 * so a slow reader leaves bytes unsent and the drain waits. What the client writes goes up,
 * waits in the server's receive buffer, and reaches the layer one chunk at a time: the next
 * chunk only when the core is done with the previous one, like the adapters.
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
  /** The server's end, as the connection layer sees it. */
  readonly socket: Socket;
  /** The layer's handlers for this socket, once opened. */
  handlers: SocketHandlers | undefined;
  /** The server side's state. */
  state: LinkState = "connecting";
  /** The client is gone (aborted or reset): nothing reaches it any more. */
  clientGone = false;
  /** The client half-closed: it sends nothing more. */
  clientEnded = false;
  /** Bytes the server wrote that can no longer reach the client. */
  discardedBytes = 0;
  /** The most bytes ever unsent on the server side. */
  maxQueuedBytes = 0;
  /**
   * The most bytes unsent right after a socket write that found bytes unsent already: what
   * the slow-consumer cap bounds (a write to an idle socket may carry one iteration's bytes).
   */
  maxUnsentOnBacklog = 0;
  /** Socket writes beyond one per event-loop iteration that nothing forced, as found. */
  get unbatchedWrites(): string[] {
    return this.#batching.unbatched.map(({ iteration, write }) =>
      `${this.name}: socket write ${write} of one iteration (event ${iteration})`
    );
  }
  /** The client's receive buffer. */
  readonly reader: Reader;
  /** Drains that had to wait, drains that failed, core writes that threw, socket writes. */
  readonly counts = {
    drainWaits: 0,
    drainFailures: 0,
    writeFailures: 0,
    socketWrites: 0,
    /** Socket writes made to a reset connection before the layer heard of the reset. */
    lostWrites: 0,
  };
  /** The core's connection, as the layer built it and the link watches it. */
  connection: Connection | undefined;
  /** When a drain first had to wait (virtual microseconds), if one ever did. */
  firstDrainWaitAt: number | undefined;
  readonly #world: World;
  readonly #peer: LinkPeer;
  readonly #up: Pipe;
  readonly #down: Pipe;
  readonly #feed: Feed;
  #drains: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  #failure: Error | undefined;
  /** Tells the layer of a reset it has not heard of yet. */
  #untold: (() => void) | undefined;
  #coreWrites = 0;
  readonly #batching = new BatchingCheck();

  readonly #host: WatchHost = {
    coreWriting: () => {
      this.#world.activity();
      const n = ++this.#coreWrites;
      if (n === this.triggers.resetBeforeWrite && this.#leaveClient("reset before write")) {
        this.#break("connection reset before write", 0);
      }
      return n;
    },
    coreWrote: (bytes, n) => {
      this.#peer.written(bytes);
      if (n === this.triggers.abortAfterWrite && this.#leaveClient("abort after write")) {
        this.#break("connection reset after write", 1);
      }
    },
    coreWriteFailed: () => void this.counts.writeFailures++,
    flushForced: () => this.#batching.forced(this.#world.eventNumber),
  };

  constructor(world: World, plan: FaultPlan, name: string, faults: LinkFaults, peer: LinkPeer) {
    this.#world = world;
    this.name = name;
    this.faults = faults;
    this.#peer = peer;
    this.#feed = new Feed(world, name, {
      handlers: () => this.handlers,
      open: () => this.#serverOpen(),
      freed: () => this.#up.scheduleFlush(),
      trace: (what) => this.#trace(what),
    });
    this.reader = new Reader(world, faults.readBytesPerMs, {
      read: (bytes) => peer.read(bytes),
      ended: () => peer.ended(),
      freed: () => {
        if (this.#down.queue.bytes > 0) this.#down.scheduleFlush();
      },
    });
    const shared = { world, plan, client: name, faults, flushed: () => this.#afterFlush() };
    this.#up = new Pipe({
      ...shared,
      direction: "up",
      delayUs: faults.upDelayMs * 1000,
      room: () => faults.serverWindowBytes - this.#up.inFlight - this.#feed.bufferedBytes,
      arrive: (bytes) => this.#serverOpen() && this.#feed.push(bytes),
    });
    this.#down = new Pipe({
      ...shared,
      direction: "down",
      delayUs: faults.downDelayMs * 1000,
      room: () => faults.windowBytes - this.#down.inFlight - this.reader.unreadBytes,
      arrive: (bytes) => this.#arriveAtClient(bytes),
    });
    this.socket = new LinkSocket(this.#down.queue, {
      write: (bytes) => this.#write(bytes),
      drained: () => this.#drained(),
      end: () => this.#end(),
      abort: () => this.#abort(),
    });
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
      this.state = "open";
      this.handlers = this.#peer.accept(this.socket);
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
    this.#up.mark(() => this.#break(reason, noticeUs ?? 0));
  }

  /** The client vanishes at this very moment of the core (inside its promise chains). */
  abortNow(reason: string): void {
    if (this.#leaveClient(reason)) this.#break(reason, 0);
  }

  #write(bytes: Uint8Array): void {
    this.#world.activity();
    this.counts.socketWrites++;
    this.#batching.written(this.#world.eventNumber, bytes.length);
    if (this.state !== "open" && this.state !== "closing") {
      this.discardedBytes += bytes.length;
      if (this.#untold) {
        // Writing to a reset connection fails: the runtime reports it as the socket's error.
        this.counts.lostWrites++;
        this.#untold();
      }
      return;
    }
    const unsentBefore = this.#down.queue.bytes;
    this.#down.send(bytes);
    const unsent = this.#down.queue.bytes;
    this.maxQueuedBytes = Math.max(this.maxQueuedBytes, unsent);
    if (unsentBefore > 0) {
      this.maxUnsentOnBacklog = Math.max(this.maxUnsentOnBacklog, unsentBefore + bytes.length);
    }
    if (this.#world.trace.on) this.#trace(`write ${bytes.length}B`);
  }

  #drained(): Promise<void> {
    this.#world.activity();
    if (this.#failure) {
      this.counts.drainFailures++;
      return Promise.reject(this.#failure);
    }
    if (this.state === "closed" || this.#down.queue.bytes <= this.faults.highWaterMark) {
      return RESOLVED;
    }
    this.counts.drainWaits++;
    this.firstDrainWaitAt ??= this.#world.now;
    if (this.#world.trace.on) this.#trace(`drain waits queued=${this.#down.queue.bytes}B`);
    if (this.triggers.abortWhileDraining) {
      this.#world.soon(() => this.abortNow("abort while the server drains"));
    }
    return new Promise((resolve, reject) => this.#drains.push({ resolve, reject }));
  }

  /** Graceful close: the rest of the queue goes out, then the end of the stream. */
  #end(): void {
    this.#world.touch();
    if (this.state !== "open") return;
    this.#trace("close");
    this.state = "closing";
    if (this.#down.queue.bytes === 0) this.#finishClose(true);
  }

  /** Abortive close: what is unsent is dropped. */
  #abort(): void {
    this.#world.touch();
    if (this.state === "closed" || this.state === "broken") return;
    this.#trace("abort");
    this.#finishClose(false);
  }

  #finishClose(flushed: boolean): void {
    this.#world.touch();
    this.#trace(flushed ? "closed" : "closed unflushed");
    this.state = "closed";
    this.#feed.clear();
    if (!flushed) this.discardedBytes += this.#down.dropQueue();
    this.#settleDrains(undefined);
    this.#down.end(() => this.reader.endArrived());
    this.handlers?.closed();
  }

  /** Called after every flush of either pipe. */
  #afterFlush(): void {
    const queued = this.#down.queue.bytes;
    if (this.#drains.length > 0 && queued <= this.faults.highWaterMark) {
      this.#settleDrains(undefined);
    }
    if (this.state === "closing" && queued === 0) this.#finishClose(true);
  }

  #settleDrains(error: Error | undefined): void {
    if (this.#drains.length === 0) return;
    const drains = this.#drains;
    this.#drains = [];
    this.#world.touch();
    if (error) this.counts.drainFailures += drains.length;
    if (this.#world.trace.on) this.#trace(error ? `drain fails: ${error.message}` : "drained");
    for (const drain of drains) error ? drain.reject(error) : drain.resolve();
  }

  #leaveClient(reason: string): boolean {
    if (this.clientGone) return false;
    this.clientGone = true;
    this.#trace(`client gone: ${reason}`);
    this.discardedBytes += this.reader.stop();
    return true;
  }

  /** The server side learns the connection is broken; the layer is told `noticeUs` later. */
  #break(reason: string, noticeUs: number): void {
    if (this.state === "closed" || this.state === "broken") return;
    const failure = this.#failure = new Error(`connection reset: ${reason}`);
    this.state = "broken";
    this.#feed.clear();
    this.discardedBytes += this.#down.cut();
    this.#settleDrains(failure);
    const notify = this.#untold = () => {
      this.#untold = undefined;
      const handlers = this.handlers;
      if (!handlers) return;
      void this.#world.callCore(`${this.name} error`, () => {
        handlers.error(failure);
        handlers.closed();
        return RESOLVED;
      });
    };
    if (noticeUs === 0) notify();
    else this.#world.schedule(noticeUs, () => this.#untold?.());
  }

  #serverOpen(): boolean {
    return this.state === "open" || this.state === "closing";
  }

  #arriveAtClient(segment: Uint8Array): void {
    if (this.clientGone) return void (this.discardedBytes += segment.length);
    if (this.#world.trace.on) this.#trace(`down ${segment.length}B`);
    this.reader.arrive(segment);
  }

  #trace(what: string): void {
    if (this.#world.trace.on) this.#world.trace.add(this.#world.now, this.name, what);
  }
}

/** One settled promise for every drain that need not wait. */
const RESOLVED = Promise.resolve();
