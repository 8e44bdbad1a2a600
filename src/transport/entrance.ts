/**
 * What a port speaks, decided per socket before the layer sees it: the raw protocol, HTTP and
 * WebSocket, or either, told apart by the first bytes.
 *
 * @module
 */
import { headError } from "../websocket/http_head.ts";
import { errorResponse } from "../websocket/http_response.ts";
import { ProtocolSniffer } from "../websocket/sniff.ts";
import { type HttpOptions, openHttp } from "./http_upgrade.ts";
import type { OpenSocket, Socket, SocketHandlers } from "./socket.ts";

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

  constructor(open: OpenSocket, options: EntranceOptions) {
    this.#open = open;
    this.#options = options;
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
    const open = (socket: Socket) => {
      this.#pending.delete(raw);
      return this.#open(socket);
    };
    const handlers = this.#sniff(raw, open, protocol === "http");
    return {
      ...handlers,
      closed: () => {
        this.#pending.delete(raw);
        handlers.closed();
      },
    };
  }

  /** Resets every pending socket: nothing in the layer would close it. */
  closePending(): void {
    for (const raw of this.#pending) raw.abort();
    this.#pending.clear();
  }

  /** Tells HTTP from the raw protocol; on an HTTP-only port the raw protocol is refused. */
  #sniff(raw: Socket, open: OpenSocket, httpOnly: boolean): SocketHandlers {
    const sniffer = new ProtocolSniffer();
    let next: SocketHandlers | undefined;
    let heard = false;
    const { clock, sniffTimeoutMs = DEFAULT_SNIFF_TIMEOUT_MS, handshakeTimeoutMs } = this.#options;
    const wait = httpOnly ? handshakeTimeoutMs : sniffTimeoutMs;
    const cancel = clock.schedule(clock.now() + wait, () => {
      // A silent client may wait for the server; a few bytes of "GET " and silence is nobody.
      if (next) return;
      if (heard || httpOnly) raw.end();
      else next = open(raw);
    });
    return {
      data: (bytes) => {
        if (next) return next.data(bytes);
        heard = true;
        const decided = sniffer.feed(bytes);
        if (decided === undefined) return DONE;
        cancel();
        if (decided.protocol === "http") next = openHttp(raw, open, this.#options);
        else if (!httpOnly) next = open(raw);
        else return refuse(raw);
        return next.data(decided.bytes);
      },
      end: () => next ? next.end() : raw.end(),
      error: (error) => next?.error(error),
      closed: () => {
        cancel();
        next?.closed();
      },
    };
  }
}

/** Answers what is not a `GET` on an HTTP-only port, and closes. */
function refuse(raw: Socket): Promise<void> {
  raw.write(errorResponse(headError(400, "not an HTTP GET request")));
  raw.end();
  return DONE;
}
