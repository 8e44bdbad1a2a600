/**
 * Write batching: what a connection is sent during one iteration of the event loop leaves
 * as one chunk when the iteration ends. A busy room sends every member several messages per
 * state turn, and a write to the runtime costs a system call (Node) or an op and two promises
 * (Deno) whatever its size, so one write per connection per iteration instead of one per
 * message is most of what fan-out throughput is made of.
 *
 * @module
 */
import { concat } from "./concat_bytes.ts";

/** Bytes held for one connection are sent at once, mid-iteration, past this many. */
export const FLUSH_BYTES = 64 * 1024;

/** Runs a callback once the current event-loop iteration is over (`setImmediate`). */
export type Defer = (run: () => void) => void;

/**
 * Flushes, once the current event-loop iteration is over, every {@linkcode HeldWrites} that
 * holds bytes. One per transport: an iteration then costs one callback, not one per
 * connection. `defer` is `setImmediate` on a runtime; the simulator passes its own, so held
 * writes run in virtual time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HeldWrites, WriteBatcher } from "./write_batcher.ts";
 * const later: (() => void)[] = [];
 * const sent: Uint8Array[] = [];
 * const held = new HeldWrites(new WriteBatcher((run) => later.push(run)), (b) => sent.push(b));
 * held.add(new Uint8Array([1, 0]));
 * held.add(new Uint8Array([2, 0]));
 * assert.equal(sent.length, 0);
 * later.forEach((run) => run()); // the iteration ends
 * assert.deepEqual(sent, [new Uint8Array([1, 0, 2, 0])]);
 * ```
 */
export class WriteBatcher {
  readonly #defer: Defer;
  /** The connections to flush, `#count` of them: two arrays, reused in turn. */
  #pending: (HeldWrites | undefined)[] = [];
  #spare: (HeldWrites | undefined)[] = [];
  #count = 0;
  /** The last chunks joined, and the result: see {@linkcode WriteBatcher.join}. */
  #lastChunks: readonly Uint8Array[] = [];
  #lastJoined: Uint8Array | undefined;

  constructor(defer: Defer) {
    this.#defer = defer;
  }

  /** Flushes `held` when this iteration ends. */
  schedule(held: HeldWrites): void {
    if (this.#count === 0) this.#defer(this.#flushAll);
    this.#pending[this.#count++] = held;
  }

  /**
   * `chunks` as one array of `length` bytes. The members of a room are sent the same
   * messages in the same iteration, as the very same arrays: they share one copy.
   */
  join(chunks: readonly Uint8Array[], length: number): Uint8Array {
    if (this.#lastJoined && sameChunks(chunks, this.#lastChunks)) return this.#lastJoined;
    this.#lastChunks = chunks;
    return this.#lastJoined = concat(chunks, length);
  }

  readonly #flushAll = (): void => {
    // A flush may schedule again (for the next iteration): that goes to the other array.
    const pending = this.#pending, count = this.#count;
    this.#pending = this.#spare;
    this.#count = 0;
    for (let k = 0; k < count; k++) {
      const held = pending[k]!;
      pending[k] = undefined;
      held.flush();
    }
    this.#spare = pending;
    // Nothing joined is kept past the iteration.
    this.#lastChunks = [];
    this.#lastJoined = undefined;
  };
}

/**
 * The bytes written to one connection and not yet handed to its socket. `send` gets them
 * as one chunk when the iteration ends, when {@linkcode FLUSH_BYTES} are held, or when
 * {@linkcode HeldWrites.flush} is called (before a drain or a close).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FLUSH_BYTES, HeldWrites, WriteBatcher } from "./write_batcher.ts";
 * const sent: Uint8Array[] = [];
 * const held = new HeldWrites(new WriteBatcher(() => {}), (bytes) => sent.push(bytes));
 * held.add(new Uint8Array(FLUSH_BYTES));
 * assert.equal(sent.length, 1); // past the mark: sent at once
 * assert.equal(held.bytes, 0);
 * ```
 */
export class HeldWrites {
  /** The first chunk held: a connection sent one message in an iteration needs no array. */
  #first: Uint8Array | undefined;
  /** Every chunk held, once there are two or more. */
  #chunks: Uint8Array[] | undefined;
  #bytes = 0;
  readonly #batcher: WriteBatcher;
  readonly #send: (bytes: Uint8Array) => void;

  constructor(batcher: WriteBatcher, send: (bytes: Uint8Array) => void) {
    this.#batcher = batcher;
    this.#send = send;
  }

  /** How many bytes are held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Holds `bytes` until the iteration ends; the caller must not change them afterwards. */
  add(bytes: Uint8Array): void {
    if (this.#first === undefined) {
      this.#batcher.schedule(this);
      this.#first = bytes;
    } else if (this.#chunks === undefined) this.#chunks = [this.#first, bytes];
    else this.#chunks.push(bytes);
    this.#bytes += bytes.length;
    if (this.#bytes >= FLUSH_BYTES) this.flush();
  }

  /** Sends what is held now, as one chunk. Does nothing when nothing is held. */
  flush(): void {
    const first = this.#first;
    if (first === undefined) return;
    // The batcher keeps a joined list to recognise the next room member's: never reused.
    const chunk = this.#chunks ? this.#batcher.join(this.#chunks, this.#bytes) : first;
    this.#first = this.#chunks = undefined;
    this.#bytes = 0;
    this.#send(chunk);
  }

  /** Forgets what is held (the socket is gone). */
  drop(): void {
    this.#first = this.#chunks = undefined;
    this.#bytes = 0;
  }
}

function sameChunks(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}
