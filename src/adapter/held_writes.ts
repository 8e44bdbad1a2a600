/**
 * Write batching for the adapters: what a connection is sent during one turn of the event
 * loop leaves as one chunk when the turn ends. A busy room sends every member several
 * messages per turn, and a write to the runtime costs a system call (Node) or an op and two
 * promises (Deno) whatever its size, so one write per connection per turn instead of one per
 * message is most of what fan-out throughput is made of.
 *
 * @module
 */

/** Bytes held for one connection are sent at once, mid-turn, past this many. */
export const FLUSH_BYTES = 64 * 1024;

/**
 * Flushes, once the current turn of the event loop is over, every {@linkcode HeldWrites}
 * that holds bytes. One per listener: a turn then costs one callback, not one per connection.
 *
 * @example
 * ```ts
 * import { HeldWrites, TurnEnd } from "./held_writes.ts";
 * const sent: Uint8Array[] = [];
 * const held = new HeldWrites(new TurnEnd(), (bytes) => void sent.push(bytes));
 * held.add(new Uint8Array([1, 0]));
 * held.add(new Uint8Array([2, 0]));
 * // sent is still []; after this turn it is [Uint8Array [1, 0, 2, 0]]
 * ```
 */
export class TurnEnd {
  #pending: HeldWrites[] = [];
  /** The last chunks joined, and the result: see {@linkcode TurnEnd.join}. */
  #lastChunks: readonly Uint8Array[] = [];
  #lastJoined: Uint8Array | undefined;

  /** Flushes `held` when this turn ends. */
  schedule(held: HeldWrites): void {
    // setImmediate, not setTimeout(0): it runs right after this turn's IO, where Deno clamps
    // nested zero timeouts to milliseconds.
    if (this.#pending.length === 0) setImmediate(this.#flushAll);
    this.#pending.push(held);
  }

  /**
   * `chunks` as one array of `length` bytes. The members of a room are sent the same
   * messages in the same turn, as the very same arrays: they share one copy.
   */
  join(chunks: readonly Uint8Array[], length: number): Uint8Array {
    const last = this.#lastChunks;
    if (
      this.#lastJoined && last.length === chunks.length && chunks.every((c, i) => c === last[i])
    ) {
      return this.#lastJoined;
    }
    this.#lastChunks = chunks;
    return this.#lastJoined = concat(chunks, length);
  }

  readonly #flushAll = (): void => {
    const pending = this.#pending;
    this.#pending = [];
    for (const held of pending) held.flush();
    // Nothing joined is kept past the turn.
    this.#lastChunks = [];
    this.#lastJoined = undefined;
  };
}

/**
 * The bytes written to one connection and not yet handed to its transport. `send` gets them
 * as one chunk at the end of the turn, when {@linkcode FLUSH_BYTES} are held, or when
 * {@linkcode HeldWrites.flush} is called (before a drain or a close).
 */
export class HeldWrites {
  #chunks: Uint8Array[] = [];
  #bytes = 0;
  readonly #turnEnd: TurnEnd;
  readonly #send: (bytes: Uint8Array) => void;

  constructor(turnEnd: TurnEnd, send: (bytes: Uint8Array) => void) {
    this.#turnEnd = turnEnd;
    this.#send = send;
  }

  /** How many bytes are held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Holds `bytes` until the turn ends; the caller must not change them afterwards. */
  add(bytes: Uint8Array): void {
    if (this.#chunks.length === 0) this.#turnEnd.schedule(this);
    this.#chunks.push(bytes);
    this.#bytes += bytes.length;
    if (this.#bytes >= FLUSH_BYTES) this.flush();
  }

  /** Sends what is held now, as one chunk. Does nothing when nothing is held. */
  flush(): void {
    const chunks = this.#chunks;
    if (chunks.length === 0) return;
    const chunk = chunks.length === 1 ? chunks[0] : this.#turnEnd.join(chunks, this.#bytes);
    this.#chunks = [];
    this.#bytes = 0;
    this.#send(chunk);
  }
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const all = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  return all;
}
