/**
 * The client's side of a link: its receive buffer and how fast it reads it.
 *
 * @module
 */
import { ByteQueue } from "./byte_queue.ts";
import type { World } from "./world.ts";

/** Where a reader's reads go. */
export interface ReaderOutput {
  /** The client read these bytes. */
  read(bytes: Uint8Array): void;
  /** The client read the end of the stream (after every byte before it). */
  ended(): void;
  /** Room was made in the receive buffer: the sender may send more. */
  freed(): void;
}

/**
 * A client's receive buffer and reading pace: on arrival (`Infinity`), so many bytes per
 * virtual millisecond, or never (0); a rate below 1 reads one byte every `1 / rate` ms
 * (0.001: one byte a second). It can pause. Unread bytes count against the link's window, so
 * a slow reader holds the sender back.
 *
 * @example
 * ```ts
 * import { Reader } from "./reader.ts";
 * declare const world: import("./world.ts").World;
 * const reader = new Reader(world, 0, { read() {}, ended() {}, freed() {} });
 * reader.arrive(new Uint8Array(10));
 * reader.unreadBytes; // 10: this reader never reads
 * ```
 */
export class Reader {
  /** The most bytes ever unread at once. */
  maxUnreadBytes = 0;
  /** Whether it ever paused. */
  pausedEver = false;
  readonly #world: World;
  readonly #rate: number;
  /** Bytes read at each tick, and the time between ticks: 1 ms, or longer below 1 B/ms. */
  readonly #perTick: number;
  readonly #tickUs: number;
  readonly #output: ReaderOutput;
  readonly #unread = new ByteQueue();
  #paused = false;
  #pending = false;
  #endArrived = false;
  #stopped = false;
  readonly #tick = () => {
    this.#pending = false;
    if (this.#paused || this.#stopped) return;
    this.#consume(this.#perTick);
    this.#read();
  };

  constructor(world: World, bytesPerMs: number, output: ReaderOutput) {
    this.#world = world;
    this.#rate = bytesPerMs;
    this.#perTick = Math.max(1, Math.floor(bytesPerMs));
    this.#tickUs = bytesPerMs >= 1 ? 1000 : Math.round(1000 / bytesPerMs);
    this.#output = output;
  }

  /** Bytes arrived and not yet read. */
  get unreadBytes(): number {
    return this.#unread.bytes;
  }

  /** A segment arrived. */
  arrive(segment: Uint8Array): void {
    if (this.#stopped) return;
    if (this.#unread.bytes === 0 && !this.#paused && this.#rate === Infinity) {
      // A reader that reads on arrival takes the segment as it is.
      this.maxUnreadBytes = Math.max(this.maxUnreadBytes, segment.length);
      this.#output.read(segment);
      this.#output.freed();
      return;
    }
    this.#unread.push(segment);
    this.maxUnreadBytes = Math.max(this.maxUnreadBytes, this.#unread.bytes);
    this.#read();
  }

  /** The end of the stream arrived, after every segment. */
  endArrived(): void {
    this.#endArrived = true;
    if (this.#unread.bytes === 0 && !this.#stopped) this.#output.ended();
  }

  /** Stops reading until {@linkcode Reader.resume}. */
  pause(): void {
    this.#paused = true;
    this.pausedEver = true;
  }

  /** Reads again. */
  resume(): void {
    this.#paused = false;
    this.#read();
  }

  /** The client is gone: nothing more is read. Returns how many bytes were left unread. */
  stop(): number {
    this.#stopped = true;
    return this.#unread.clear();
  }

  #read(): void {
    if (this.#paused || this.#rate === 0 || this.#stopped || this.#unread.bytes === 0) return;
    if (this.#rate === Infinity) return this.#consume(this.#unread.bytes);
    if (this.#pending) return;
    this.#pending = true;
    this.#world.schedule(this.#tickUs, this.#tick);
  }

  #consume(count: number): void {
    const bytes = this.#unread.take(count);
    if (bytes.length === 0) return;
    this.#output.read(bytes);
    this.#output.freed();
    if (this.#unread.bytes === 0 && this.#endArrived) this.#output.ended();
  }
}
