/**
 * What a port speaks, decided per socket before the layer sees it: the raw protocol, HTTP and
 * WebSocket, or either, told apart by the first bytes.
 *
 * @module
 */
import type { Cancel } from "../core/clock.ts";
import { headError } from "../websocket/http_head.ts";
import { errorResponse } from "../websocket/http_response.ts";
import { ProtocolSniffer } from "../websocket/sniff.ts";
import { type HttpOptions, openHttp } from "./http_upgrade.ts";
import type { OpenSocket, Socket, SocketHandlers } from "./socket.ts";
import { WebSocketPort } from "./open_websocket.ts";

/**
 * `"raw"`: the zero-byte protocol only. `"http"`: HTTP and WebSocket only. `"sniff"`: a
 * socket whose first bytes are `GET ` is HTTP, any other the raw protocol.
 */
export type PortProtocol = "raw" | "sniff" | "http";

/** Options of {@linkcode Entrance}. */
export interface EntranceOptions extends HttpOptions {
  readonly protocol: PortProtocol;
  /**
   * `"sniff"`: a socket silent this long is taken as raw, so that a client waiting for the
   * server to speak first is served. Default 1000 ms.
   */
  readonly sniffTimeoutMs?: number;
}

/** How long a silent socket stays undecided by default, in milliseconds. */
export const DEFAULT_SNIFF_TIMEOUT_MS = 1000;

const DONE = Promise.resolve();

/**
 * Hands each socket of a port to the layer (`open`) as what it speaks. Until then (while
 * sniffing, reading a request head, or serving a page) a socket is pending: the layer does
 * not know it, so {@linkcode Entrance.closePending} is there to close it at shutdown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ManualClock } from "../../mod.ts";
 * import { Entrance } from "./entrance.ts";
 * import type { Socket } from "./socket.ts";
 * const opened: Socket[] = [];
 * const layer = { data: () => Promise.resolve(), end() {}, error() {}, closed() {} };
 * const entrance = new Entrance((socket) => (opened.push(socket), layer), {
 *   protocol: "sniff",
 *   clock: new ManualClock(),
 *   handshakeTimeoutMs: 5000,
 * });
 * const raw = {
 *   write() {},
 *   unsentBytes: 0,
 *   drained: () => Promise.resolve(),
 *   end() {},
 *   abort() {},
 * };
 * const events = entrance.open(raw);
 * assert.equal(entrance.pendingSockets, 1);
 * await events.data(new TextEncoder().encode('{"code":"ping"}\0'));
 * assert.deepEqual(opened, [raw]); // the raw protocol: the socket as it is
 * assert.equal(entrance.pendingSockets, 0);
 * ```
 */
export class Entrance {
  readonly #open: OpenSocket;
  readonly #options: EntranceOptions;
  readonly #pending = new Set<Socket>();
  /** One for the port: room members' writes are framed once, one timer pings every socket. */
  readonly #websocket: WebSocketPort;

  constructor(open: OpenSocket, options: EntranceOptions) {
    this.#open = open;
    this.#options = options;
    this.#websocket = new WebSocketPort(options.websocket, options.clock);
  }

  /** Sockets not yet handed to the layer. */
  get pendingSockets(): number {
    return this.#pending.size;
  }

  /** Takes a new socket; report its events to the result. */
  open(raw: Socket): SocketHandlers {
    const { protocol } = this.#options;
    if (protocol === "raw") return this.#open(raw);
    this.#pending.add(raw);
    const sniffing = new Sniffing(raw, this, protocol === "http");
    const pending = this.#pending;
    // The one set of closures of the socket (an adapter may call them detached); the stages
    // behind them are objects. Methods, not named arrows, which tsx's keepNames would name.
    return {
      data(bytes) {
        return sniffing.data(bytes);
      },
      end() {
        sniffing.end();
      },
      error(error) {
        sniffing.error(error);
      },
      closed() {
        pending.delete(raw);
        sniffing.closed();
      },
    };
  }

  /** Resets every pending socket: nothing in the layer would close it. */
  closePending(): void {
    for (const raw of this.#pending) raw.abort();
    this.#pending.clear();
  }

  /** Hands a socket whose protocol is known to the layer: it is no longer pending. */
  handOver(raw: Socket, socket: Socket): SocketHandlers {
    this.#pending.delete(raw);
    return this.#open(socket);
  }

  /** What {@linkcode Sniffing} needs of the port. */
  get options(): EntranceOptions {
    return this.#options;
  }

  /** Speaks HTTP on `raw`, on behalf of this port. */
  openHttp(raw: Socket): SocketHandlers {
    return openHttp(raw, (socket) => this.handOver(raw, socket), this.#options, this.#websocket);
  }
}

/**
 * One socket of a port that is not raw-only, until what it speaks is known: HTTP, or (on a
 * sniffing port) the raw protocol. On an HTTP-only port the raw protocol is refused. The
 * sniffer and its timer are let go once decided: a connection keeps nothing of them.
 */
class Sniffing implements SocketHandlers {
  readonly #raw: Socket;
  readonly #entrance: Entrance;
  readonly #httpOnly: boolean;
  #sniffer: ProtocolSniffer | undefined = new ProtocolSniffer();
  #cancel: Cancel | undefined;
  #next: SocketHandlers | undefined;
  #heard = false;

  constructor(raw: Socket, entrance: Entrance, httpOnly: boolean) {
    this.#raw = raw;
    this.#entrance = entrance;
    this.#httpOnly = httpOnly;
    const { clock, sniffTimeoutMs = DEFAULT_SNIFF_TIMEOUT_MS, handshakeTimeoutMs } =
      entrance.options;
    const wait = httpOnly ? handshakeTimeoutMs : sniffTimeoutMs;
    this.#cancel = clock.schedule(clock.now() + wait, () => {
      this.#decided();
      // A silent client may wait for the server; a few bytes of "GET " and silence is nobody.
      if (this.#next) return;
      if (this.#heard || httpOnly) raw.end();
      else this.#next = entrance.handOver(raw, raw);
    });
  }

  data(bytes: Uint8Array): Promise<void> {
    if (this.#next) return this.#next.data(bytes);
    this.#heard = true;
    const decided = this.#sniffer?.feed(bytes);
    if (decided === undefined) return DONE;
    this.#decided();
    if (decided.protocol === "http") this.#next = this.#entrance.openHttp(this.#raw);
    else if (!this.#httpOnly) this.#next = this.#entrance.handOver(this.#raw, this.#raw);
    else { // not a GET on an HTTP-only port
      this.#raw.write(errorResponse(headError(400, "not an HTTP GET request")));
      this.#raw.end();
      return DONE;
    }
    return this.#next.data(decided.bytes);
  }

  end(): void {
    if (this.#next) this.#next.end();
    else this.#raw.end();
  }

  error(error: unknown): void {
    this.#next?.error(error);
  }

  closed(): void {
    this.#decided();
    this.#next?.closed();
  }

  #decided(): void {
    this.#cancel?.();
    this.#cancel = this.#sniffer = undefined;
  }
}
