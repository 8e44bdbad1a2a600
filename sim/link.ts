/**
 * One simulated TCP connection between a client and the server core, both directions, with
 * the server's side as a core {@linkcode Connection}.
 *
 * @module
 */
import type { Connection, ConnectionEvents } from "../mod.ts";
import { Feed } from "./feed.ts";
import type { LinkPeer, LinkState, LinkTriggers } from "./link_contract.ts";
import type { LinkFaults } from "./faults.ts";
import { Pipe } from "./pipe.ts";
import { Reader } from "./reader.ts";
import type { Random } from "./random.ts";
import type { World } from "./world.ts";

export type { LinkPeer, LinkState, LinkTriggers } from "./link_contract.ts";

/**
 * The simulated connection. The server writes into the down pipe; the client reads from its
 * receive buffer at its read rate, and the window (bytes in flight plus unread) is bounded,
 * so a slow reader makes the server's drain wait. What the client writes goes up, waits in
 * the server's receive buffer, and reaches the core one chunk at a time: the next chunk only
 * when the core is done with the previous one, like the adapters.
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
  /** The server's side of the connection, as the core sees it. */
  readonly connection: Connection & { readonly bufferedBytes: number };
  /** The core's events for this connection, once accepted. */
  events: ConnectionEvents | undefined;
  /** The server side's state. */
  state: LinkState = "connecting";
  /** The client is gone (aborted or reset): nothing reaches it any more. */
  clientGone = false;
  /** The client half-closed: it sends nothing more. */
  clientEnded = false;
  /** Bytes the server wrote that can no longer reach the client. */
  discardedBytes = 0;
  /** The most bytes ever queued on the server side. */
  maxQueuedBytes = 0;
  /** The client's receive buffer. */
  readonly reader: Reader;
  /** Drains that had to wait, drains that failed, writes that threw. */
  readonly counts = { drainWaits: 0, drainFailures: 0, writeFailures: 0 };
  /** When a drain first had to wait (virtual microseconds), if one ever did. */
  firstDrainWaitAt: number | undefined;
  readonly #world: World;
  readonly #peer: LinkPeer;
  readonly #up: Pipe;
  readonly #down: Pipe;
  readonly #feed: Feed;
  #drains: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  #failure: Error | undefined;
  #closing: Promise<void> | undefined;
  #closed: ((flushed: boolean) => void) | undefined;
  #closeFlushed = true;
  #writes = 0;

  constructor(world: World, random: Random, name: string, faults: LinkFaults, peer: LinkPeer) {
    this.#world = world;
    this.name = name;
    this.faults = faults;
    this.#peer = peer;
    this.#feed = new Feed(world, name, {
      events: () => this.events,
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
    const shared = { world, random, faults, flushed: () => this.#afterFlush() };
    this.#up = new Pipe({
      ...shared,
      delayUs: faults.upDelayMs * 1000,
      room: () => faults.serverWindowBytes - this.#up.inFlight - this.#feed.bufferedBytes,
      arrive: (bytes) => this.#serverOpen() && this.#feed.push(bytes),
    });
    this.#down = new Pipe({
      ...shared,
      delayUs: faults.downDelayMs * 1000,
      room: () => faults.windowBytes - this.#down.inFlight - this.reader.unreadBytes,
      arrive: (bytes) => this.#arriveAtClient(bytes),
    });
    const down = this.#down;
    this.connection = {
      write: (bytes) => this.#write(bytes),
      drain: () => this.#drain(),
      close: () => this.#close(),
      get bufferedBytes() {
        return down.queue.bytes;
      },
    };
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

  /** How many times the server wrote to it (or tried to). */
  get writes(): number {
    return this.#writes;
  }

  /** The client connects now; the server accepts when the connect arrives. */
  connect(): void {
    this.#trace("connect");
    this.#up.mark(() => {
      // Open from the start: the core may answer and close a refused connection inside accept.
      this.state = "open";
      this.events = this.#peer.accept(this.connection);
      if (!this.events && this.state === "open") void this.#close();
    });
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
   * `noticeUs` null the core is told at once, else writes fail first and the core is told
   * `noticeUs` later.
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
    if (
      ++this.#writes === this.triggers.resetBeforeWrite && this.#leaveClient("reset before write")
    ) {
      this.#break("connection reset before write", 50_000);
    }
    if (this.state !== "open") {
      this.counts.writeFailures++;
      throw this.#failure ?? new Error(`write on a ${this.state} connection`);
    }
    this.#down.send(bytes);
    this.#peer.written(bytes);
    this.maxQueuedBytes = Math.max(this.maxQueuedBytes, this.#down.queue.bytes);
    if (this.#world.trace.on) this.#trace(`write ${bytes.length}B`);
    if (this.#writes === this.triggers.abortAfterWrite && this.#leaveClient("abort after write")) {
      this.#break("connection reset after write", 1);
    }
  }

  #drain(): Promise<void> {
    this.#world.activity();
    if (this.#failure) {
      this.counts.drainFailures++;
      return Promise.reject(this.#failure);
    }
    if (this.state === "closed") {
      return this.#closeFlushed ? RESOLVED : Promise.reject(new Error("closed before flushing"));
    }
    if (this.#down.queue.bytes <= this.faults.highWaterMark) return RESOLVED;
    this.counts.drainWaits++;
    this.firstDrainWaitAt ??= this.#world.now;
    if (this.#world.trace.on) this.#trace(`drain waits queued=${this.#down.queue.bytes}B`);
    if (this.triggers.abortWhileDraining) {
      this.#world.soon(() => this.abortNow("abort while the server drains"));
    }
    return new Promise((resolve, reject) => this.#drains.push({ resolve, reject }));
  }

  #close(): Promise<void> {
    this.#world.activity();
    if (this.#closing) return this.#closing;
    this.#trace("close");
    this.#closing = new Promise((resolve) => {
      this.#closed = (flushed) => {
        this.#closed = undefined;
        this.#trace(flushed ? "closed" : "closed unflushed");
        this.#finishClose(flushed);
        resolve();
      };
    });
    if (this.state === "broken" || this.state === "closed") this.#closed?.(this.state === "closed");
    else {
      this.state = "closing";
      if (this.#down.queue.bytes === 0) this.#closed?.(true);
      else this.#world.schedule(this.faults.closeTimeoutMs * 1000, () => this.#closed?.(false));
    }
    return this.#closing;
  }

  #finishClose(flushed: boolean): void {
    this.#world.touch();
    if (this.state === "broken") return void (this.state = "closed");
    this.state = "closed";
    this.#feed.clear();
    this.#closeFlushed = flushed;
    if (!flushed) this.discardedBytes += this.#down.dropQueue();
    this.#settleDrains(flushed ? undefined : new Error("closed before flushing"));
    this.#down.end(() => this.reader.endArrived());
  }

  /** Called after every flush of either pipe. */
  #afterFlush(): void {
    const queued = this.#down.queue.bytes;
    if (this.#drains.length > 0 && queued <= this.faults.highWaterMark) {
      this.#settleDrains(undefined);
    }
    if (this.state === "closing" && queued === 0) this.#closed?.(true);
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

  /** The server side learns the connection is broken; the core is told `noticeUs` later. */
  #break(reason: string, noticeUs: number): void {
    if (this.state === "closed" || this.state === "broken") return;
    const wasClosing = this.state === "closing";
    const failure = this.#failure = new Error(`connection reset: ${reason}`);
    this.state = "broken";
    this.#feed.clear();
    this.discardedBytes += this.#down.cut();
    this.#settleDrains(failure);
    if (wasClosing) this.#closed?.(false);
    const notify = () => {
      const events = this.events;
      if (events) this.#world.callCore(`${this.name} error`, () => events.error(failure));
    };
    if (noticeUs === 0) notify();
    else this.#world.schedule(noticeUs, notify);
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
