/**
 * The server's side of a link's input: its receive buffer, fed to the core one chunk at a
 * time, as the adapters do.
 *
 * @module
 */
import { ByteQueue } from "./byte_queue.ts";
import type { World } from "./world.ts";
import type { SocketHandlers } from "../../mod.ts";

/** What a feed needs of its link. */
export interface FeedHost {
  /** The connection layer's handlers for this socket, once opened. */
  handlers(): SocketHandlers | undefined;
  /** Whether the server side still takes input. */
  open(): boolean;
  /** Room was made in the receive buffer: the client may send more. */
  freed(): void;
  trace(what: string): void;
}

/**
 * Bytes that reached the server wait here until the core is done with the previous chunk
 * (the promise `handlers.data` returned): then all of them go to the core as one chunk, like
 * a paused socket's buffer on resume. The end of the stream goes after the last byte. An
 * `eager` feed reports each arrival and the end at once, as a transport that does not await
 * `data` may: the core must keep them in order itself.
 *
 * @example
 * ```ts
 * import { Feed } from "./feed.ts";
 * declare const world: import("./world.ts").World;
 * declare const host: import("./feed.ts").FeedHost;
 * const feed = new Feed(world, "c1", host);
 * feed.push(new TextEncoder().encode('{"code":"ping"}\0'));
 * ```
 */
export class Feed {
  readonly #world: World;
  readonly #name: string;
  readonly #host: FeedHost;
  readonly #buffer = new ByteQueue();
  #busy = false;
  #endArrived = false;
  #endReported = false;
  readonly #next = () => this.#pump();
  readonly #eager: boolean;

  constructor(world: World, name: string, host: FeedHost, eager = false) {
    this.#world = world;
    this.#name = name;
    this.#host = host;
    this.#eager = eager;
  }

  /** Bytes waiting for the core. */
  get bufferedBytes(): number {
    return this.#buffer.bytes;
  }

  /** A segment arrived. */
  push(segment: Uint8Array): void {
    this.#buffer.push(segment);
    if (this.#world.trace.on) this.#host.trace(`up ${segment.length}B`);
    this.#pump();
  }

  /** The client's end of stream arrived. */
  end(): void {
    this.#endArrived = true;
    this.#pump();
  }

  /** Drops what waits (the connection is gone). */
  clear(): void {
    this.#buffer.clear();
  }

  #pump(): void {
    const handlers = this.#host.handlers();
    if ((this.#busy && !this.#eager) || !handlers || !this.#host.open()) return;
    let call: () => Promise<void>;
    if (this.#buffer.bytes > 0) {
      const chunk = this.#buffer.take(this.#buffer.bytes);
      this.#host.freed();
      if (this.#world.trace.on) this.#host.trace(`data ${chunk.length}B`);
      call = () => handlers.data(chunk);
    } else if (this.#endArrived && !this.#endReported) {
      this.#endReported = true;
      this.#host.trace("eof");
      call = () => {
        handlers.end();
        return Promise.resolve();
      };
    } else return;
    this.#busy = true;
    void this.#world.callCore(`${this.#name} data`, call).then(() => {
      this.#busy = false;
      this.#world.soon(this.#next);
    });
  }
}
