/**
 * What a client read, kept compactly, and checked byte for byte against what the core
 * addressed to it as it arrives.
 *
 * @module
 */
import type { Addressed } from "./records.ts";

/** One read: when, its place in the client's log, and its bytes. */
export interface Read {
  /** Virtual time, in microseconds. */
  readonly time: number;
  /** Orders reads among the client's other log entries. */
  readonly sequence: number;
  readonly bytes: Uint8Array;
}

/**
 * The bytes a client read: each read's bytes (copied, one after the other, into large
 * blocks), time, length and log position, in typed arrays, so a long run keeps no object
 * per read.
 *
 * As bytes come in they are compared with the wire bytes of the deliveries the core
 * addressed to the client, in order; `deliveredAt[k]` is when delivery k was completely
 * read, and `divergence` says where the bytes first differed (a missing, repeated, foreign
 * or reordered delivery), after which comparing stops.
 *
 * @example
 * ```ts
 * import { Inbox } from "./inbox.ts";
 * const inbox = new Inbox();
 * inbox.append(1000, 0, new TextEncoder().encode("[]\0"));
 * inbox.divergence; // { time: 1000, message: 0 }: nothing was addressed to it
 * ```
 */
export class Inbox {
  /** When each addressed delivery was completely read, in microseconds. */
  readonly deliveredAt: number[] = [];
  /** Where the bytes first differed from what was addressed: a delivery's position. */
  divergence: { readonly time: number; readonly message: number } | undefined;
  /**
   * The bytes read, copied into blocks that are never grown nor copied: keeping each read's
   * own array instead (a piece of a cut segment, a coalesced copy) kept hundreds of thousands
   * of small objects alive per run, and the collector's work on them cost more than a third of
   * the simulator's time with every fault on. A read lies whole in one block.
   */
  readonly #blocks: Uint8Array[] = [];
  /** How many bytes of each block are used: a read that does not fit starts the next one. */
  readonly #used: number[] = [];
  #block = EMPTY;
  #blockUsed = 0;
  #count = 0;
  /**
   * Each read's time and length, in typed arrays that double when full: outside the collected
   * heap, so a long run's reads are never copied by the collector.
   */
  #times = new Float64Array(32);
  #lengths = new Int32Array(32);
  /**
   * Reads mostly follow each other in the log: only where a read's sequence is not the one
   * after the previous read's are its position and sequence kept, two numbers a jump.
   */
  readonly #jumps: number[] = [];
  #nextSequence = NaN;
  #length = 0;
  #expected: readonly Addressed[] = [];
  #entry = 0;
  #offset = 0;

  /** How many bytes were read. */
  get length(): number {
    return this.#length;
  }

  /** Every byte read so far, in one array. */
  get bytes(): Uint8Array {
    const all = new Uint8Array(this.#length);
    let at = 0;
    for (let b = 0; b < this.#blocks.length; b++) {
      all.set(this.#blocks[b].subarray(0, this.#usedOf(b)), at);
      at += this.#usedOf(b);
    }
    return all;
  }

  /** How many deliveries arrived intact, in order. */
  get matched(): number {
    return this.deliveredAt.length;
  }

  /** Compares what comes in with `expected` (the core's list for this index, still growing). */
  expect(expected: readonly Addressed[]): void {
    this.#expected = expected;
  }

  /** Keeps one read, and checks it. */
  append(time: number, sequence: number, bytes: Uint8Array): void {
    const k = this.#count++;
    if (k === this.#times.length) this.#grow();
    this.#times[k] = time;
    this.#lengths[k] = bytes.length;
    if (sequence !== this.#nextSequence) this.#jumps.push(k, sequence);
    this.#nextSequence = sequence + 1;
    this.#keep(bytes);
    this.#length += bytes.length;
    this.#compare(time, bytes);
  }

  /** The reads, in order. */
  reads(): Read[] {
    const times = this.#times, lengths = this.#lengths, jumps = this.#jumps;
    const reads: Read[] = [];
    let jump = 0, sequence = 0, b = -1, at = 0, used = 0;
    for (let k = 0; k < this.#count; k++) {
      if (jumps[jump] === k) {
        sequence = jumps[jump + 1];
        jump += 2;
      } else sequence++;
      const length = lengths[k];
      // The same rule as #keep: a read that does not fit what is left starts the next block.
      if (b < 0 || at + length > used) {
        if (length === 0) {
          reads.push({ time: times[k], sequence, bytes: EMPTY });
          continue;
        }
        b++;
        at = 0;
        used = this.#usedOf(b);
      }
      const bytes = this.#blocks[b].subarray(at, at + length);
      at += length;
      reads.push({ time: times[k], sequence, bytes });
    }
    return reads;
  }

  #keep(bytes: Uint8Array): void {
    const length = bytes.length;
    if (length === 0) return;
    if (this.#blockUsed + length > this.#block.length) {
      if (this.#blocks.length > 0) this.#used[this.#blocks.length - 1] = this.#blockUsed;
      this.#block = new Uint8Array(Math.max(BLOCK_BYTES, length));
      this.#blocks.push(this.#block);
      this.#blockUsed = 0;
    }
    this.#block.set(bytes, this.#blockUsed);
    this.#blockUsed += length;
  }

  #usedOf(block: number): number {
    return block === this.#blocks.length - 1 ? this.#blockUsed : this.#used[block];
  }

  #grow(): void {
    const times = new Float64Array(2 * this.#times.length);
    times.set(this.#times);
    this.#times = times;
    const lengths = new Int32Array(2 * this.#lengths.length);
    lengths.set(this.#lengths);
    this.#lengths = lengths;
  }

  #compare(time: number, bytes: Uint8Array): void {
    let at = 0;
    while (this.divergence === undefined && at < bytes.length) {
      const entry = this.#expected[this.#entry];
      if (!entry) return void (this.divergence = { time, message: this.#entry });
      const wanted = entry.bytes;
      const count = Math.min(wanted.length - this.#offset, bytes.length - at);
      // The same memory holds the same bytes: a read that is a piece of the written buffer
      // needs no comparing (the send path writes the bytes the recorder made).
      const same = (bytes === wanted && at === this.#offset) ||
        (bytes.buffer === wanted.buffer &&
          bytes.byteOffset + at === wanted.byteOffset + this.#offset);
      for (let k = 0; !same && k < count; k++) {
        if (bytes[at + k] !== wanted[this.#offset + k]) {
          return void (this.divergence = { time, message: this.#entry });
        }
      }
      at += count;
      this.#offset += count;
      if (this.#offset === wanted.length) {
        this.deliveredAt.push(time);
        this.#entry++;
        this.#offset = 0;
      }
    }
  }
}

const EMPTY = new Uint8Array(0);
/** A block holds this many bytes, or one read larger than that. */
const BLOCK_BYTES = 16384;
