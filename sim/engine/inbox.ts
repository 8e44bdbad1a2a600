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
 * The bytes a client read: where each read's bytes are (in the very buffer the server
 * wrote, shared by every recipient), its time, length and log position, so a long run
 * keeps no object per read.
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
   * Where the bytes read are: not each read's own array (a piece of a cut segment is a new
   * array, and keeping hundreds of thousands of them alive per run cost the collector more
   * than a third of the simulator's time with every fault on), nor a copy (fresh memory is
   * dear: a new page costs more than a whole delivery), but the memory they view. Reads
   * mostly lie one after the other in one buffer (a slab of frames the server wrote): only
   * where a read does not continue the previous one are its buffer, its position among the
   * reads and its byte offset kept, a run.
   */
  readonly #runBuffers: ArrayBufferLike[] = [];
  readonly #runStarts: number[] = [];
  readonly #runOffsets: number[] = [];
  #runBuffer: ArrayBufferLike | undefined;
  #runEnd = 0;
  #count = 0;
  /**
   * Each read's time and length, side by side in one typed array that doubles when full:
   * outside the collected heap, so a long run's reads are never copied by the collector.
   */
  #timesAndLengths = new Float64Array(64);
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
    for (const read of this.reads()) {
      all.set(read.bytes, at);
      at += read.bytes.length;
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
    let pairs = this.#timesAndLengths;
    if (2 * k === pairs.length) {
      pairs = new Float64Array(2 * pairs.length);
      pairs.set(this.#timesAndLengths);
      this.#timesAndLengths = pairs;
    }
    pairs[2 * k] = time;
    pairs[2 * k + 1] = bytes.length;
    if (sequence !== this.#nextSequence) this.#jumps.push(k, sequence);
    this.#nextSequence = sequence + 1;
    if (bytes.length > 0) {
      const buffer = bytes.buffer, offset = bytes.byteOffset;
      if (buffer !== this.#runBuffer || offset !== this.#runEnd) {
        this.#runBuffers.push(buffer);
        this.#runStarts.push(k);
        this.#runOffsets.push(offset);
        this.#runBuffer = buffer;
      }
      this.#runEnd = offset + bytes.length;
    }
    this.#length += bytes.length;
    this.#compare(time, bytes);
  }

  /** The reads, in order. */
  reads(): Read[] {
    const pairs = this.#timesAndLengths, jumps = this.#jumps;
    const starts = this.#runStarts;
    const reads: Read[] = [];
    let jump = 0, sequence = 0, run = -1, buffer: ArrayBufferLike = EMPTY.buffer, offset = 0;
    for (let k = 0; k < this.#count; k++) {
      if (jumps[jump] === k) {
        sequence = jumps[jump + 1];
        jump += 2;
      } else sequence++;
      const time = pairs[2 * k], length = pairs[2 * k + 1];
      if (length === 0) {
        reads.push({ time, sequence, bytes: new Uint8Array(0) });
        continue;
      }
      if (starts[run + 1] === k) {
        run++;
        buffer = this.#runBuffers[run];
        offset = this.#runOffsets[run];
      }
      reads.push({ time, sequence, bytes: new Uint8Array(buffer, offset, length) });
      offset += length;
    }
    return reads;
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
