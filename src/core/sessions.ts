/**
 * The session book of a server with a hold (`ServerOptions.holdMs`): the secret token of each
 * identity, the identities held after their connection dropped, and the rate of resume
 * attempts. Pure: the time comes from a clock and the randomness from a random source.
 *
 * @module
 */
import type { Cancel, Clock } from "./clock.ts";
import { TokenBucket } from "./token_bucket.ts";
import type { Index } from "./types.ts";

/** Fills `bytes` with unpredictable bytes, like `crypto.getRandomValues`. */
export type RandomFill = (bytes: Uint8Array) => void;

/**
 * The default random source: the Web Crypto API, which Node and Deno both have globally.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cryptoFill } from "../../mod.ts";
 * const bytes = new Uint8Array(16);
 * cryptoFill(bytes);
 * assert.ok(bytes.some((byte) => byte !== 0));
 * ```
 */
export const cryptoFill: RandomFill = (bytes) => void crypto.getRandomValues(bytes);

/** Bytes of randomness in a token: 128 bits. */
export const TOKEN_BYTES = 16;

/**
 * A new secret token: {@linkcode TOKEN_BYTES} random bytes, base64url without padding.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newToken } from "../../mod.ts";
 * const token = newToken((bytes) => bytes.fill(255));
 * assert.equal(token, "_____________________w");
 * assert.match(newToken((bytes) => void crypto.getRandomValues(bytes)), /^[\w-]{22}$/);
 * ```
 */
export function newToken(random: RandomFill): string {
  const bytes = new Uint8Array(TOKEN_BYTES);
  random(bytes);
  const base64 = btoa(String.fromCharCode(...bytes));
  return base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Options of a {@linkcode SessionBook}. */
export interface SessionBookOptions {
  /** How long an identity is held after its connection dropped. */
  holdMs: number;
  clock: Clock;
  random: RandomFill;
  /** Resume attempts answered per second on average; 0: unlimited. */
  resumesPerSecond: number;
  resumeBurst: number;
}

interface Identity {
  /** The one token that resumes it now; undefined once redeemed, until the next is issued. */
  token: string | undefined;
  /** Whether the application knows it (onConnect ran): only those can be resumed. */
  known: boolean;
  /** Ends the hold; set while held. */
  cancelHold?: Cancel;
}

/**
 * Tokens and holds, by identity index. A token is good once: redeeming it forgets it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ManualClock, SessionBook } from "../../mod.ts";
 * const clock = new ManualClock();
 * let next = 0;
 * const random = (bytes: Uint8Array) => void bytes.fill(++next);
 * const book = new SessionBook({ holdMs: 1000, clock, random, resumesPerSecond: 0, resumeBurst: 0 });
 * const token = book.issue(1);
 * book.know(1);
 * const expired: number[] = [];
 * book.hold(1, () => expired.push(1));
 * assert.equal(book.redeem(token), 1);
 * assert.equal(book.redeem(token), undefined); // good once
 * clock.advance(1000);
 * assert.deepEqual(expired, []); // redeeming ended the hold
 * ```
 */
export class SessionBook {
  readonly holdMs: number;
  readonly #clock: Clock;
  readonly #random: RandomFill;
  readonly #bucket: TokenBucket | undefined;
  readonly #byToken = new Map<string, Index>();
  readonly #byIndex = new Map<Index, Identity>();

  constructor(options: SessionBookOptions) {
    if (!(Number.isFinite(options.holdMs) && options.holdMs > 0)) {
      throw new RangeError("holdMs must be a number > 0");
    }
    this.holdMs = options.holdMs;
    this.#clock = options.clock;
    this.#random = options.random;
    const { resumesPerSecond, resumeBurst } = options;
    if (resumesPerSecond > 0) {
      this.#bucket = new TokenBucket(resumesPerSecond, resumeBurst, options.clock.now());
    }
  }

  /** A fresh token for `index`; any token it had before no longer works. */
  issue(index: Index): string {
    const identity = this.#byIndex.get(index) ?? { token: undefined, known: false };
    this.#forgetToken(identity);
    let token = newToken(this.#random);
    // Only a broken random source repeats itself; it must not hand out another's identity.
    while (this.#byToken.has(token)) token = newToken(this.#random);
    identity.token = token;
    this.#byToken.set(token, index);
    this.#byIndex.set(index, identity);
    return token;
  }

  /** The application knows `index` now: from here on its token resumes it. */
  know(index: Index): void {
    const identity = this.#byIndex.get(index);
    if (identity) identity.known = true;
  }

  /** Whether the application knows `index` (and it is not gone). */
  knows(index: Index): boolean {
    return this.#byIndex.get(index)?.known === true;
  }

  /**
   * The identity `token` resumes, used up, its hold ended; undefined for a token that is not
   * a string, unknown, used, expired, or over the rate (all alike, on purpose).
   */
  redeem(token: unknown): Index | undefined {
    if (this.#bucket && this.#bucket.take(1, this.#clock.now()) === 0) return undefined;
    if (typeof token !== "string") return undefined;
    const index = this.#byToken.get(token);
    const identity = index === undefined ? undefined : this.#byIndex.get(index);
    if (index === undefined || !identity?.known) return undefined;
    this.#forgetToken(identity);
    identity.cancelHold?.();
    identity.cancelHold = undefined;
    return index;
  }

  /** Holds `index` for `holdMs`; `expire` runs if it is neither redeemed nor released first. */
  hold(index: Index, expire: () => void): void {
    const identity = this.#byIndex.get(index);
    if (!identity || identity.cancelHold) return;
    identity.cancelHold = this.#clock.schedule(this.#clock.now() + this.holdMs, () => {
      identity.cancelHold = undefined;
      this.release(index);
      expire();
    });
  }

  /** The identities held now. */
  held(): Index[] {
    return [...this.#byIndex].flatMap(([index, { cancelHold }]) => cancelHold ? [index] : []);
  }

  /** Forgets `index` for good: its token, its hold. Returns whether it was known. */
  release(index: Index): boolean {
    const identity = this.#byIndex.get(index);
    if (!identity) return false;
    this.#forgetToken(identity);
    identity.cancelHold?.();
    this.#byIndex.delete(index);
    return identity.known;
  }

  #forgetToken(identity: Identity): void {
    if (identity.token !== undefined) this.#byToken.delete(identity.token);
    identity.token = undefined;
  }
}
