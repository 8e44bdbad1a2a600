/**
 * The limits one connection lives under: its outbound buffer, its idle time and its command
 * rate. The server makes one policy per connection and asks it before acting.
 *
 * @module
 */
import type { Cancel, Clock } from "./clock.ts";
import type { Connection } from "./connection.ts";
import type { Limits } from "./limits.ts";
import { OutboundGuard, type SlowReason } from "./outbound_guard.ts";
import { TokenBucket } from "./token_bucket.ts";

/** Why a policy gave up on its connection, and whether the client should be told. */
export type GiveUp =
  | { readonly reason: SlowReason; readonly tell: false }
  | { readonly reason: "idle timeout"; readonly tell: true };

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

  /** Cancels the policy's timers (the connection is leaving). */
  stop(): void {
    this.#cancelIdle?.();
    this.#cancelIdle = undefined;
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
