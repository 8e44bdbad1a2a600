/**
 * Pinging idle WebSocket connections, and giving up on those that stay silent: one timer for
 * all the connections of a port, not one each, so that an idle connection costs a set entry.
 *
 * @module
 */
import type { Cancel, Clock } from "../core/clock.ts";

/** A connection {@linkcode KeepAlive} watches; it keeps the two flags the checks need. */
export interface KeepAlivePeer {
  /** Set by the connection whenever something arrives from the peer; each check clears it. */
  heard: boolean;
  /** Set once pinged, until something is heard. */
  pinged: boolean;
  /** Sends a ping. */
  ping(): void;
  /** Called once when a ping went unanswered for a whole interval; the peer is unwatched. */
  silent(): void;
}

/**
 * Checks every watched peer each `intervalMs`: one that sent nothing since the last check is
 * pinged; one still silent at the check after that is given up (`silent`). The timer runs
 * only while some peer is watched.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ManualClock } from "../../mod.ts";
 * import { KeepAlive } from "./keep_alive.ts";
 * const clock = new ManualClock();
 * const done: string[] = [];
 * const peer = {
 *   heard: false,
 *   pinged: false,
 *   ping: () => done.push("ping"),
 *   silent: () => done.push("silent"),
 * };
 * const alive = new KeepAlive(clock, 1000);
 * alive.watch(peer);
 * clock.advance(1000); // nothing heard: a ping
 * peer.heard = true; // the pong
 * clock.advance(1000);
 * assert.deepEqual(done, ["ping"]);
 * clock.advance(1000); // silent again: a ping; then no answer within an interval
 * clock.advance(1000);
 * assert.deepEqual(done, ["ping", "ping", "silent"]);
 * assert.equal(clock.pending, 0); // nobody left to watch: no timer
 * ```
 */
export class KeepAlive {
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #peers = new Set<KeepAlivePeer>();
  #cancel: Cancel | undefined;

  constructor(clock: Clock, intervalMs: number) {
    this.#clock = clock;
    this.#intervalMs = intervalMs;
  }

  /** Peers watched. */
  get size(): number {
    return this.#peers.size;
  }

  /** Starts checking `peer`. */
  watch(peer: KeepAlivePeer): void {
    this.#peers.add(peer);
    this.#cancel ??= this.#clock.schedule(this.#clock.now() + this.#intervalMs, this.#check);
  }

  /** Stops checking `peer` (its connection is over). */
  unwatch(peer: KeepAlivePeer): void {
    this.#peers.delete(peer);
    if (this.#peers.size === 0) {
      this.#cancel?.();
      this.#cancel = undefined;
    }
  }

  readonly #check = (): void => {
    this.#cancel = undefined;
    for (const peer of this.#peers) {
      if (peer.heard) {
        peer.heard = peer.pinged = false;
      } else if (!peer.pinged) {
        peer.pinged = true;
        peer.ping();
      } else {
        this.#peers.delete(peer);
        peer.silent();
      }
    }
    if (this.#peers.size > 0) {
      this.#cancel = this.#clock.schedule(this.#clock.now() + this.#intervalMs, this.#check);
    }
  };
}
