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
 * The bytes a client read: each read's bytes (usually the very buffer the server wrote,
 * shared by every recipient), time and log position, in parallel arrays, so a long run
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
  readonly #chunks: Uint8Array[] = [];
  readonly #times: number[] = [];
  readonly #sequences: number[] = [];
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
    for (const chunk of this.#chunks) {
      all.set(chunk, at);
      at += chunk.length;
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
    this.#chunks.push(bytes);
    this.#times.push(time);
    this.#sequences.push(sequence);
    this.#length += bytes.length;
    this.#compare(time, bytes);
  }

  /** The reads, in order. */
  reads(): Read[] {
    return this.#times.map((time, k) => ({
      time,
      sequence: this.#sequences[k],
      bytes: this.#chunks[k],
    }));
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
