/**
 * The slow-consumer policy, applied where the server writes to a connection.
 *
 * @module
 */
import type { Cancel, Clock } from "./clock.ts";
import type { CloseMode, Connection } from "./connection.ts";
import type { Limits } from "./limits.ts";

const NOTHING_TO_DO = () => {};

/** Why a guard gave up on its connection. */
export type SlowReason = "buffer over hard cap" | "slow consumer";

/** One wait for a connection to drain. */
interface Wait {
  /** When it began, on the clock. */
  readonly since: number;
  /** Settles when the transport has drained (or failed). */
  readonly drained: Promise<void>;
  /** Resolves when sending stops waiting for it (`drainWaitMs` after `since`). */
  readonly patience: Promise<void>;
}

/**
 * Wraps a connection so that a reader that stops reading can neither stall the others nor
 * make the server buffer without bound. A *wait* starts when the server needs the connection
 * to drain and it has unsent bytes; it ends when the transport drains.
 * - Sending waits for the drain at most `drainWaitMs`; past that, or with more than
 *   `highWaterMarkBytes` unsent, the connection is *lagging*: its drain resolves at once, so
 *   nobody waits for it, until it has drained.
 * - A wait longer than `slowConsumerTimeoutMs`, or a write that would leave more than
 *   `maxBufferedBytes` unsent (that write is not made), and the guard gives up: it calls `onSlow` once, and the server disconnects the connection.
 * Timers are armed once per wait, never per write.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Connection, limitsWith, ManualClock, OutboundGuard } from "../../mod.ts";
 * let unread = 0; // a peer that never reads
 * const stalled: Connection = {
 *   get bufferedBytes() {
 *     return unread;
 *   },
 *   write: (bytes) => void (unread += bytes.length),
 *   drain: () => new Promise(() => {}),
 *   close: () => Promise.resolve(),
 * };
 * const limits = limitsWith({ highWaterMarkBytes: 10, maxBufferedBytes: 100 });
 * const reasons: string[] = [];
 * const guarded = new OutboundGuard(stalled, limits, new ManualClock(), (r) => reasons.push(r));
 * guarded.write(new Uint8Array(50));
 * assert.equal(guarded.lagging, true); // over the mark: nobody waits for it
 * assert.throws(() => guarded.write(new Uint8Array(60)));
 * assert.deepEqual(reasons, ["buffer over hard cap"]);
 * ```
 */
export class OutboundGuard implements Connection {
  readonly #inner: Connection;
  readonly #limits: Limits;
  readonly #clock: Clock;
  readonly #onSlow: (reason: SlowReason) => void;
  /** The wait in progress, if any. */
  #wait: Wait | undefined;
  #lagging = false;
  #given = false;
  #cancelTimer: Cancel | undefined;

  constructor(
    inner: Connection,
    limits: Limits,
    clock: Clock,
    onSlow: (reason: SlowReason) => void,
  ) {
    this.#inner = inner;
    this.#limits = limits;
    this.#clock = clock;
    this.#onSlow = onSlow;
  }

  get bufferedBytes(): number {
    return this.#inner.bufferedBytes;
  }

  /** Whether sending currently goes on without waiting for this connection. */
  get lagging(): boolean {
    return this.#lagging;
  }

  write(bytes: Uint8Array): void {
    // Checked before writing, so the queue never holds more than the cap, not even briefly.
    const most = this.#inner.bufferedBytes + bytes.length;
    if (this.#given || most > this.#limits.maxBufferedBytes) {
      this.#giveUp("buffer over hard cap");
      throw new Error("connection given up as a slow consumer");
    }
    this.#inner.write(bytes);
    // A write adds at most its own length: below the mark even then, it cannot be over it.
    if (
      most > this.#limits.highWaterMarkBytes &&
      this.#inner.bufferedBytes > this.#limits.highWaterMarkBytes
    ) {
      this.#lagging = true;
      this.#startWait();
    }
  }

  drain(): Promise<void> {
    if (this.#given || this.#inner.bufferedBytes === 0) return Promise.resolve();
    const wait = this.#startWait();
    return this.#lagging ? Promise.resolve() : Promise.race([wait.drained, wait.patience]);
  }

  close(mode?: CloseMode): Promise<void> {
    this.#stopTimer();
    return this.#inner.close(mode);
  }

  #startWait(): Wait {
    if (this.#wait) return this.#wait;
    let patienceOver = NOTHING_TO_DO; // no named arrow: tsx's keepNames names one on each wait
    const wait = {
      since: this.#clock.now(),
      patience: new Promise<void>((resolve) => (patienceOver = resolve)),
      // A failed drain still ends the wait; its rejection reaches whoever awaits `drain()`.
      drained: this.#inner.drain().finally(() => {
        if (this.#wait === wait) this.#endWait();
      }),
    };
    wait.drained.catch(() => {}); // a wait nobody awaits must not be an unhandled rejection
    this.#wait = wait;
    this.#arm(wait.since + this.#limits.drainWaitMs, () => {
      this.#lagging = true;
      patienceOver();
      this.#arm(wait.since + this.#limits.slowConsumerTimeoutMs, () => {
        this.#giveUp("slow consumer");
      });
    });
    return wait;
  }

  #endWait(): void {
    this.#wait = undefined;
    this.#lagging = false;
    this.#stopTimer();
  }

  #arm(at: number, fire: () => void): void {
    this.#cancelTimer = this.#clock.schedule(at, () => {
      this.#cancelTimer = undefined;
      fire();
    });
  }

  #giveUp(reason: SlowReason): void {
    this.#stopTimer();
    if (this.#given) return;
    this.#given = true;
    this.#onSlow(reason);
  }

  #stopTimer(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
  }
}
