/**
 * Write batching: what a connection is sent during one iteration of the event loop leaves
 * as one chunk when the iteration ends. A busy room sends every member several messages per
 * state turn, and a write to the runtime costs a system call (Node) or an op and two promises
 * (Deno) whatever its size, so one write per connection per iteration instead of one per
 * message is most of what fan-out throughput is made of.
 *
 * @module
 */
import { concatRange } from "./concat_bytes.ts";

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
  /** This iteration's shared run of chunks: see {@linkcode HeldWrites}. Append-only. */
  #run: Uint8Array[] = [];
  /** The last slice joined, and the result: see {@linkcode WriteBatcher.join}. */
  #lastSlice: Slice | undefined;
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
   * The chunks the connections of this iteration share, in the order they were first
   * handed over: a broadcast's members each hold a slice of it instead of an array of their
   * own. Its chunks are never changed nor removed; the next iteration gets a new one.
   */
  get run(): Uint8Array[] {
    return this.#run;
  }

  /**
   * A slice of a run as one array of `bytes` bytes. The members of a room are sent the same
   * messages in the same iteration, as the same slice of the same run: they share one copy.
   */
  join(slice: Slice, bytes: number): Uint8Array {
    if (this.#lastSlice && sameSlice(slice, this.#lastSlice)) return this.#lastJoined!;
    this.#lastSlice = slice;
    const { run, start, length } = slice;
    return this.#lastJoined = concatRange(run, start, start + length, bytes);
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
    // Nothing joined is kept past the iteration, and the next one starts a run of its own
    // (a new array: a connection that held writes during this flush keeps its slice of the old).
    this.#run = [];
    this.#lastSlice = this.#lastJoined = undefined;
  };
}

/**
 * The bytes written to one connection and not yet handed to its socket. `send` gets them
 * as one chunk when the iteration ends, when {@linkcode FLUSH_BYTES} are held, or when
 * {@linkcode HeldWrites.flush} is called (before a drain or a close).
 *
 * What is held is a slice `[start, end)` of a run of chunks: the batcher's shared run while
 * this connection is handed the same chunks, in the same order, as the others before it (a
 * room's broadcasts: no array per member, no copy per member), else an array of its own. A
 * chunk is only ever appended to a run, so each slice stays what was handed over.
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
  /** The run holding this connection's chunks, undefined when nothing is held. */
  #run: Uint8Array[] | undefined;
  #start = 0;
  #end = 0;
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
    const run = this.#run;
    if (run === undefined) this.#begin(bytes);
    else if (run[this.#end] === bytes) this.#end++; // another went ahead with the same chunk
    else if (this.#end === run.length) this.#end = run.push(bytes);
    else {
      // Handed what the run's next chunk is not: on an array of its own from now on.
      const own = run.slice(this.#start, this.#end);
      this.#end = own.push(bytes);
      this.#start = 0;
      this.#run = own;
    }
    this.#bytes += bytes.length;
    if (this.#bytes >= FLUSH_BYTES) this.flush();
  }

  /** Sends what is held now, as one chunk. Does nothing when nothing is held. */
  flush(): void {
    const run = this.#run;
    if (run === undefined) return;
    const start = this.#start, end = this.#end;
    const length = end - start;
    const chunk = length === 1
      ? run[start]
      : this.#batcher.join({ run, start, length }, this.#bytes);
    this.#run = undefined;
    this.#bytes = 0;
    this.#send(chunk);
  }

  /** Forgets what is held (the socket is gone). */
  drop(): void {
    this.#run = undefined;
    this.#bytes = 0;
  }

  /**
   * The first chunk held: on the shared run, where another connection's began (its first
   * chunk) or ends (its last) if that is the same chunk, else appended to it.
   */
  #begin(bytes: Uint8Array): void {
    this.#batcher.schedule(this);
    const run = this.#batcher.run;
    const last = run.length - 1;
    if (last >= 0 && run[0] === bytes) this.#start = 0;
    else if (last >= 0 && run[last] === bytes) this.#start = last;
    else this.#start = run.push(bytes) - 1;
    this.#end = this.#start + 1;
    this.#run = run;
  }
}

/**
 * Chunks `[start, start + length)` of a run: what a connection holds, as
 * {@linkcode WriteBatcher.join} takes it.
 *
 * @example
 * ```ts
 * import type { Slice } from "./write_batcher.ts";
 * const slice: Slice = { run: [new Uint8Array([1, 0])], start: 0, length: 1 };
 * ```
 */
export interface Slice {
  readonly run: readonly Uint8Array[];
  readonly start: number;
  readonly length: number;
}

/** Whether two slices hold the same chunks: the same run, from the same chunk, as many. */
function sameSlice(a: Slice, b: Slice): boolean {
  if (a.length !== b.length) return false;
  return a.run === b.run && a.start === b.start;
}
