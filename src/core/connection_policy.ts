/**
 * The limits one connection lives under: its outbound buffer, its idle time, how long a
 * message may take to arrive, its message rate and its bad messages. The server makes one
 * policy per connection and asks it before acting.
 *
 * @module
 */
import type { Cancel, Clock } from "./clock.ts";
import type { Connection } from "./connection.ts";
import type { Limits } from "./limits.ts";
import { OutboundGuard, type SlowReason } from "./outbound_guard.ts";
import { TokenBucket } from "./token_bucket.ts";

/**
 * Why a policy gave up on its connection. A slow reader has lost the right to what it was
 * sent and is not told; a quiet or slow sender is told why.
 */
export type GiveUp =
  | { readonly reason: SlowReason; readonly tell: false }
  | { readonly reason: "idle timeout" | "message not completed in time"; readonly tell: true };

/** Warnings about one connection are logged at most once per this many milliseconds. */
export const WARNING_INTERVAL_MS = 10_000;

/**
 * One connection's limits: its outbound guard, its idle timer and its command rate.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Connection, ConnectionPolicy, limitsWith, ManualClock } from "../../mod.ts";
 * const socket: Connection = {
 *   bufferedBytes: 0,
 *   write() {},
 *   drain: () => Promise.resolve(),
 *   close: () => Promise.resolve(),
 * };
 * const clock = new ManualClock();
 * const limits = limitsWith({ commandBurst: 2, commandsPerSecond: 1, idleTimeoutMs: 1000 });
 * const gaveUp: string[] = [];
 * const policy = new ConnectionPolicy(socket, limits, clock, (why) => gaveUp.push(why.reason));
 * assert.equal(policy.admit(3), 2); // the third command is over the rate
 * clock.advance(1000);
 * assert.deepEqual(gaveUp, ["idle timeout"]);
 * ```
 */
export class ConnectionPolicy {
  /** The connection to write to: the transport's, behind the slow-consumer guard. */
  readonly outbound: OutboundGuard;
  readonly #limits: Limits;
  readonly #clock: Clock;
  readonly #bucket: TokenBucket | undefined;
  readonly #giveUp: (why: GiveUp) => void;
  #lastHeard = 0;
  #cancelIdle: Cancel | undefined;
  #pendingSince: number | undefined;
  #cancelPartial: Cancel | undefined;
  #badInARow = 0;
  #warnedAt = -Infinity;
  #heldWarnings = 0;

  constructor(
    connection: Connection,
    limits: Limits,
    clock: Clock,
    giveUp: (why: GiveUp) => void,
  ) {
    this.#limits = limits;
    this.#clock = clock;
    this.#giveUp = giveUp;
    this.outbound = new OutboundGuard(connection, limits, clock, (reason) => {
      this.stop();
      giveUp({ reason, tell: false });
    });
    this.#lastHeard = clock.now();
    if (limits.commandsPerSecond > 0) {
      this.#bucket = new TokenBucket(limits.commandsPerSecond, limits.commandBurst, clock.now());
    }
    if (limits.idleTimeoutMs > 0) this.#armIdle(this.#lastHeard + limits.idleTimeoutMs);
  }

  /** Notes that the client sent something: its idle time starts again. */
  heard(): void {
    this.#lastHeard = this.#clock.now();
  }

  /** How many of `count` commands may run now; the rest are over the rate. */
  admit(count: number): number {
    return this.#bucket ? this.#bucket.take(count, this.#clock.now()) : count;
  }

  /**
   * Notes whether a message is unfinished after a read, and since when: a message must be
   * complete within `partialMessageTimeoutMs` of its first byte.
   */
  pending(since: number | undefined): void {
    this.#pendingSince = since;
    const timeout = this.#limits.partialMessageTimeoutMs;
    if (since === undefined || timeout === 0 || this.#cancelPartial) return;
    this.#armPartial(since + timeout);
  }

  /** A good message: the run of bad ones is over. */
  goodMessage(): void {
    this.#badInARow = 0;
  }

  /** A bad message; false once there have been more than `maxBadMessages` in a row. */
  badMessage(): boolean {
    const most = this.#limits.maxBadMessages;
    return most === 0 || ++this.#badInARow <= most;
  }

  /**
   * Whether a warning about this connection may be logged now: one per
   * {@linkcode WARNING_INTERVAL_MS}. Returns how many were held back before it, or
   * undefined when this one is held back too.
   */
  warning(): number | undefined {
    const now = this.#clock.now();
    if (now - this.#warnedAt < WARNING_INTERVAL_MS) {
      this.#heldWarnings++;
      return undefined;
    }
    this.#warnedAt = now;
    const held = this.#heldWarnings;
    this.#heldWarnings = 0;
    return held;
  }

  /** Cancels the policy's timers (the connection is leaving). */
  stop(): void {
    this.#cancelIdle?.();
    this.#cancelIdle = undefined;
    this.#cancelPartial?.();
    this.#cancelPartial = undefined;
  }

  #armPartial(at: number): void {
    this.#cancelPartial = this.#clock.schedule(at, () => {
      this.#cancelPartial = undefined;
      const since = this.#pendingSince;
      if (since === undefined) return;
      const due = since + this.#limits.partialMessageTimeoutMs;
      if (due > this.#clock.now()) return this.#armPartial(due);
      this.stop();
      this.#giveUp({ reason: "message not completed in time", tell: true });
    });
  }

  // One timer per connection, moved on lazily: hearing from the client costs no timer work.
  #armIdle(at: number): void {
    this.#cancelIdle = this.#clock.schedule(at, () => {
      const due = this.#lastHeard + this.#limits.idleTimeoutMs;
      if (due > this.#clock.now()) return this.#armIdle(due);
      this.#cancelIdle = undefined;
      this.#giveUp({ reason: "idle timeout", tell: true });
    });
  }
}
