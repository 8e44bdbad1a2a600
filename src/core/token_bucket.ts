/**
 * A token bucket: the per-connection command rate limit.
 *
 * @module
 */

/**
 * Holds up to `burst` tokens and gains `perSecond` tokens a second; each command takes one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TokenBucket } from "../../mod.ts";
 * const bucket = new TokenBucket(10, 2, 0); // 10 a second, bursts of 2, full at time 0
 * assert.equal(bucket.take(3, 0), 2); // only two commands may run now
 * assert.equal(bucket.take(1, 50), 0); // half a token has come
 * assert.equal(bucket.take(1, 100), 1); // a tenth of a second later, one token has come
 * ```
 */
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(readonly perSecond: number, readonly burst: number, now: number) {
    this.#tokens = burst;
    this.#updatedAt = now;
  }

  /** Takes up to `wanted` tokens at time `now` (ms); returns how many it got. */
  take(wanted: number, now: number): number {
    const elapsed = Math.max(0, now - this.#updatedAt);
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsed * this.perSecond) / 1000);
    this.#updatedAt = now;
    const granted = Math.min(wanted, Math.floor(this.#tokens));
    this.#tokens -= granted;
    return granted;
  }
}
