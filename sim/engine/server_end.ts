/**
 * The server's end of a simulated link: the transport {@linkcode Socket} record the real
 * connection layer drives (writes, drains, the graceful and the abortive close), and what the
 * link learns of a reset.
 *
 * @module
 */
import type { Socket, SocketHandlers } from "../../mod.ts";
import { BatchingCheck } from "./batching_check.ts";
import type { Feed } from "./feed.ts";
import type { LinkFaults } from "./faults.ts";
import type { LinkState } from "./link_contract.ts";
import { LinkSocket } from "./link_socket.ts";
import type { Pipe } from "./pipe.ts";
import type { Reader } from "./reader.ts";
import type { World } from "./world.ts";

/** What a server end is built on: its link's parts. */
export interface ServerEndParts {
  readonly world: World;
  readonly name: string;
  readonly faults: LinkFaults;
  /** Server to client. */
  readonly down: Pipe;
  /** The server's receive buffer. */
  readonly feed: Feed;
  /** The client's receive buffer: it hears of the end of the stream. */
  readonly reader: Reader;
  /** A drain had to wait: the link's trigger may make the client vanish now. */
  readonly drainWaits: () => void;
}

/**
 * The socket record and its state. With a WebSocket in between, the layer writes to the
 * WebSocket socket, not to this one: {@linkcode ServerEnd.tapLayer} then watches the layer's
 * writes there, as this record watches them for TCP (the frames the WebSocket socket writes on
 * its own, pongs and closes, are no writes of the layer).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application } from "../../mod.ts";
 * import { Simulation } from "./simulation.ts";
 * const sim = new Simulation({ seed: 1, application: new Application({ storage: null }) });
 * const ws = sim.client({ protocol: "ws-stream" }).send(1, { code: "hi" });
 * await sim.run({ shutdownAtMs: 50 });
 * const end = ws.link.server;
 * assert.equal(end.state, "closed");
 * assert.ok(end.releasedAt > 0); // the first message told the WebSocket socket its mode
 * ```
 */
export class ServerEnd {
  /** The record the layer (or the HTTP upgrade, for a WebSocket) is given. */
  readonly socket: Socket;
  state: LinkState = "connecting";
  /** The handlers of whatever was given the socket, once opened. */
  handlers: SocketHandlers | undefined;
  /** Bytes the server wrote that can no longer reach the client. */
  discardedBytes = 0;
  /** The most bytes ever unsent on the server side. */
  maxQueuedBytes = 0;
  /**
   * The most bytes unsent right after a socket write of the layer that found bytes unsent
   * already: what the slow-consumer cap bounds (a write to an idle socket may carry one
   * iteration's bytes).
   */
  maxUnsentOnBacklog = 0;
  /**
   * A WebSocket's: what the layer was told of the peer first (`end`: its close frame or the
   * end of its stream; `error`: a fault, a reset, silence), if anything yet.
   */
  peerEnded: "end" | "error" | undefined;
  /** A WebSocket's: `peerEnded` when the layer ended the WebSocket socket (`none`: nothing). */
  endedAfter: "end" | "error" | "none" | undefined;
  /** When the layer asked for the graceful close (virtual microseconds), if it did. */
  closingAt: number | undefined;
  /** When the socket closed, and whether everything queued had left first. */
  closed: { readonly at: number; readonly flushed: boolean } | undefined;
  /** When a drain first had to wait (virtual microseconds), if one ever did. */
  firstDrainWaitAt: number | undefined;
  /**
   * When what the layer writes could first leave (virtual microseconds): at once on TCP (0);
   * on a WebSocket, once its mode was known: the client's first message reached the core, or
   * the layer closed the socket before one did (`Infinity` until then).
   */
  releasedAt = 0;
  /** Drains that had to wait, drains that failed, core writes that threw, socket writes. */
  readonly counts = {
    drainWaits: 0,
    drainFailures: 0,
    writeFailures: 0,
    socketWrites: 0,
    /** Socket writes made to a reset connection before the layer heard of the reset. */
    lostWrites: 0,
  };
  readonly batching: BatchingCheck = new BatchingCheck();
  readonly #parts: ServerEndParts;
  readonly #world: World;
  /** Whether the layer writes to this record (not to a WebSocket socket on top of it). */
  #layerHere = true;
  #drains: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  #failure: Error | undefined;
  /** Tells the layer of a reset it has not heard of yet. */
  #untold: (() => void) | undefined;

  constructor(parts: ServerEndParts) {
    this.#parts = parts;
    this.#world = parts.world;
    this.socket = new LinkSocket(parts.down.queue, {
      write: (bytes) => this.#write(bytes),
      drained: () => this.#drained(),
      end: () => this.#end(),
      abort: () => this.#abort(),
    });
  }

  /** Whether the server side still takes input. */
  get open(): boolean {
    return this.state === "open" || this.state === "closing";
  }

  /** The socket the layer writes to instead of this one, watched as this one would be. */
  tapLayer(socket: Socket): Socket {
    this.#layerHere = false;
    this.releasedAt = Infinity;
    const release = () => void (this.releasedAt = Math.min(this.releasedAt, this.#world.now));
    return {
      write: (bytes) => {
        const before = socket.unsentBytes;
        this.#account(bytes.length, before);
        socket.write(bytes);
      },
      get unsentBytes() {
        return socket.unsentBytes;
      },
      drained: () => socket.drained(),
      end: () => {
        this.endedAfter ??= this.peerEnded ?? "none";
        release();
        socket.end();
      },
      abort: () => socket.abort(),
    };
  }

  /** The layer's handlers of a WebSocket, watched for what it is told of the peer first. */
  watchLayer(handlers: SocketHandlers): SocketHandlers {
    return {
      data: (bytes) => handlers.data(bytes),
      end: () => {
        this.peerEnded ??= "end";
        handlers.end();
      },
      error: (error) => {
        this.peerEnded ??= "error";
        handlers.error(error);
      },
      closed: () => handlers.closed(),
    };
  }

  /** The core was given the client's first bytes: a WebSocket's mode is known. */
  heard(): void {
    if (this.releasedAt === Infinity) this.releasedAt = this.#world.now;
  }

  /** Called after every flush of either pipe. */
  afterFlush(): void {
    const queued = this.#parts.down.queue.bytes;
    if (this.#drains.length > 0 && queued <= this.#parts.faults.highWaterMark) {
      this.#settleDrains(undefined);
    }
    if (this.state === "closing" && queued === 0) this.#finishClose(true);
  }

  /** The server side learns the connection is broken; the layer is told `noticeUs` later. */
  break(reason: string, noticeUs: number): void {
    if (this.state === "closed" || this.state === "broken") return;
    const failure = this.#failure = new Error(`connection reset: ${reason}`);
    this.state = "broken";
    this.#parts.feed.clear();
    this.discardedBytes += this.#parts.down.cut();
    this.#settleDrains(failure);
    const notify = this.#untold = () => {
      this.#untold = undefined;
      const handlers = this.handlers;
      if (!handlers) return;
      void this.#world.callCore(`${this.#parts.name} error`, () => {
        handlers.error(failure);
        handlers.closed();
        return RESOLVED;
      });
    };
    if (noticeUs === 0) notify();
    else this.#world.schedule(noticeUs, () => this.#untold?.());
  }

  #account(length: number, unsentBefore: number): void {
    this.counts.socketWrites++;
    this.batching.written(this.#world.eventNumber, length);
    if (unsentBefore > 0) {
      this.maxUnsentOnBacklog = Math.max(this.maxUnsentOnBacklog, unsentBefore + length);
    }
  }

  #write(bytes: Uint8Array): void {
    this.#world.activity();
    const down = this.#parts.down;
    const unsentBefore = down.queue.bytes;
    if (this.#layerHere) {
      this.counts.socketWrites++;
      this.batching.written(this.#world.eventNumber, bytes.length);
    }
    if (this.state !== "open" && this.state !== "closing") {
      this.discardedBytes += bytes.length;
      if (this.#untold) {
        // Writing to a reset connection fails: the runtime reports it as the socket's error.
        this.counts.lostWrites++;
        this.#untold();
      }
      return;
    }
    down.send(bytes);
    const unsent = down.queue.bytes;
    this.maxQueuedBytes = Math.max(this.maxQueuedBytes, unsent);
    if (this.#layerHere && unsentBefore > 0) {
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
    const queued = this.#parts.down.queue.bytes;
    if (this.state === "closed" || queued <= this.#parts.faults.highWaterMark) return RESOLVED;
    this.counts.drainWaits++;
    this.firstDrainWaitAt ??= this.#world.now;
    if (this.#world.trace.on) this.#trace(`drain waits queued=${queued}B`);
    this.#parts.drainWaits();
    return new Promise((resolve, reject) => this.#drains.push({ resolve, reject }));
  }

  /** Graceful close: the rest of the queue goes out, then the end of the stream. */
  #end(): void {
    this.#world.touch();
    if (this.state !== "open") return;
    this.#trace("close");
    this.state = "closing";
    this.closingAt = this.#world.now;
    if (this.#parts.down.queue.bytes === 0) this.#finishClose(true);
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
    this.closed = { at: this.#world.now, flushed };
    const { feed, down, reader } = this.#parts;
    feed.clear();
    if (!flushed) this.discardedBytes += down.dropQueue();
    this.#settleDrains(undefined);
    down.end(() => reader.endArrived());
    this.handlers?.closed();
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

  #trace(what: string): void {
    if (this.#world.trace.on) this.#world.trace.add(this.#world.now, this.#parts.name, what);
  }
}

/** One settled promise for every drain that need not wait. */
const RESOLVED = Promise.resolve();
