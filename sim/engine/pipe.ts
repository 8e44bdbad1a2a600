/**
 * One direction of a link: a send queue cut into segments that arrive, in order, after a
 * delay, within the receiver's window.
 *
 * @module
 */
import { ByteQueue } from "./byte_queue.ts";
import type { LinkFaults } from "./faults.ts";
import type { FaultPlan, FaultStream } from "./fault_plan.ts";
import type { World } from "./world.ts";

/** Options of {@linkcode Pipe}. */
export interface PipeOptions {
  world: World;
  /** Decides each segment's fate: cut, coalesced, late. */
  plan: FaultPlan;
  /** The client whose link this is. */
  client: string;
  /** `up` (client to server) or `down`: prefixes the faults' kinds. */
  direction: "up" | "down";
  faults: LinkFaults;
  /** The base one-way delay, in microseconds. */
  delayUs: number;
  /** How many more bytes the receiver's window takes now. */
  room: () => number;
  /** A segment reached the receiver. */
  arrive: (segment: Uint8Array) => void;
  /** Called after each flush: the queue may have shrunk. */
  flushed: () => void;
}

/**
 * Bytes written go into a queue; a flush, run as an event of its own, cuts the queue into
 * segments as the faults say (at write boundaries; all queued writes as one segment when
 * coalescing; at a random byte when fragmenting) and sends as many as the window takes. Each
 * segment arrives at `max(previous arrival, now + delay + jitter)`, so order is kept; markers
 * (a connect, an end, a reset) travel in the same order.
 *
 * @example
 * ```ts
 * import { Pipe } from "./pipe.ts";
 * declare const options: import("./pipe.ts").PipeOptions;
 * const pipe = new Pipe(options);
 * pipe.send(new TextEncoder().encode("hello"));
 * pipe.queue.bytes; // 5, until the flush event runs
 * ```
 */
export class Pipe {
  /** Bytes written and not yet sent. */
  readonly queue: ByteQueue = new ByteQueue();
  /** Bytes sent and not yet arrived. */
  inFlight = 0;
  /** Segments cut short at a random byte, and segments that carried more than one write. */
  fragments = 0;
  coalesced = 0;
  readonly #options: PipeOptions;
  /** What is on the wire, in order: segments and markers, from `#wireHead` to `#wireEnd`. */
  #wire: (Uint8Array | (() => void))[] = [];
  #wireHead = 0;
  #wireEnd = 0;
  /** Arrival events still due for what {@linkcode Pipe.cut} dropped. */
  #dropped = 0;
  #lastArrival = 0;
  /** Bytes taken from the queue so far: a segment's faults are keyed by its first byte's offset. */
  #offset = 0;
  readonly #streams: { cut: FaultStream; coalesce: FaultStream; jitter: FaultStream };
  #flushPending = false;
  #end: (() => void) | undefined;
  // Bound once: scheduling allocates no closure per event.
  readonly #flushNow = () => {
    this.#flushPending = false;
    this.#flush();
  };
  readonly #arriveNext = () => this.#arrive();

  constructor(options: PipeOptions) {
    this.#options = options;
    const { direction, plan, client } = options;
    this.#streams = {
      cut: plan.stream(client, `${direction}-cut`),
      coalesce: plan.stream(client, `${direction}-coalesce`),
      jitter: plan.stream(client, `${direction}-jitter`),
    };
  }

  /**
   * Queues bytes and makes sure a flush follows. Without coalescing there is nothing to
   * gather, so the bytes go out at once (as a socket writes to an empty kernel buffer).
   */
  send(bytes: Uint8Array): void {
    this.queue.push(bytes);
    if (this.#options.faults.coalesceRate === 0 && !this.#flushPending) this.#flush();
    else this.scheduleFlush();
  }

  /** Schedules a flush, unless one is already due. */
  scheduleFlush(): void {
    if (this.#flushPending) return;
    this.#flushPending = true;
    this.#options.world.soon(this.#flushNow);
  }

  /** Sends a marker (a connect, a reset) that arrives after every segment already sent. */
  mark(run: () => void): void {
    this.#put(run);
  }

  /** Sends `run` as an end-of-stream marker once every queued byte has been sent. */
  end(run: () => void): void {
    this.#end = run;
    if (this.queue.bytes === 0) this.#sendEnd();
  }

  /** Drops what is queued and not yet sent; returns how many bytes were dropped. */
  dropQueue(): number {
    this.#end = undefined;
    return this.queue.clear();
  }

  /** Drops what is queued and what is on the wire; returns how many bytes were dropped. */
  cut(): number {
    const dropped = this.dropQueue() + this.inFlight;
    this.#dropped += this.#wireEnd - this.#wireHead;
    this.#wire = [];
    this.#wireHead = this.#wireEnd = 0;
    this.inFlight = 0;
    return dropped;
  }

  #flush(): void {
    const { faults, room, plan } = this.#options;
    // A fault whose rate is 0 is never drawn; replaying, the list decides whatever the rate.
    const coalescing = faults.coalesceRate > 0 || plan.replaying;
    const fragmenting = faults.fragmentRate > 0 || plan.replaying;
    const streams = this.#streams;
    while (this.queue.bytes > 0) {
      const space = room();
      if (space <= 0) break;
      const offset = this.#offset;
      const head = this.queue.headBytes;
      let size = head;
      if (coalescing && this.queue.bytes > head) {
        const random = plan.generator(streams.coalesce, offset);
        const drawn = random?.chance(faults.coalesceRate) ? 1 : undefined;
        if (this.#decide(streams.coalesce, offset, drawn) !== undefined) size = this.queue.bytes;
      }
      size = Math.min(size, space);
      if (size > 1 && fragmenting) {
        const random = plan.generator(streams.cut, offset);
        const drawn = random?.chance(faults.fragmentRate) ? random.int(1, size - 1) : undefined;
        const cut = this.#decide(streams.cut, offset, drawn);
        if (cut !== undefined && cut < size) {
          size = cut;
          this.fragments++;
        }
      }
      if (size > head) this.coalesced++;
      this.inFlight += size;
      this.#offset += size;
      this.#put(this.queue.take(size), offset);
    }
    if (this.queue.bytes === 0 && this.#end) this.#sendEnd();
    this.#options.flushed();
  }

  #sendEnd(): void {
    const end = this.#end;
    this.#end = undefined;
    if (end) this.mark(end);
  }

  /** Puts a segment (with its offset: it may be late by a jitter) or a marker on the wire. */
  #put(item: Uint8Array | (() => void), offset = -1): void {
    const { world, plan, faults, delayUs } = this.#options;
    let jitter: number | undefined;
    if (offset >= 0 && (faults.jitterMs > 0 || plan.replaying)) {
      const drawn = plan.generator(this.#streams.jitter, offset)?.int(0, faults.jitterMs * 1000);
      jitter = this.#decide(this.#streams.jitter, offset, drawn || undefined);
    }
    const now = world.now;
    const at = Math.max(this.#lastArrival, now + delayUs + (jitter ?? 0));
    this.#lastArrival = at;
    this.#wire[this.#wireEnd++] = item;
    world.schedule(at - now, this.#arriveNext);
  }

  /** A segment's fault: as drawn (recording), or as listed (replaying). */
  #decide(stream: FaultStream, offset: number, drawn: number | undefined): number | undefined {
    return this.#options.plan.decide(stream, offset, this.#options.world.now, drawn);
  }

  #arrive(): void {
    if (this.#dropped > 0) return void this.#dropped--;
    const wire = this.#wire;
    const item = wire[this.#wireHead];
    wire[this.#wireHead++] = EMPTY;
    if (this.#wireHead === this.#wireEnd) {
      // The wire is empty again: it is reused from its start.
      this.#wireHead = this.#wireEnd = 0;
    } else if (this.#wireHead > 64 && this.#wireHead * 2 > this.#wireEnd) {
      this.#wire = wire.slice(this.#wireHead, this.#wireEnd);
      this.#wireEnd -= this.#wireHead;
      this.#wireHead = 0;
    }
    if (typeof item === "function") return item();
    this.inFlight -= item.length;
    this.#options.arrive(item);
  }
}

const EMPTY = new Uint8Array(0);
