/**
 * A run's faults as data: every fault that strikes is one {@linkcode FaultEvent}, and a run
 * either records them (drawing each from its own keyed generator) or replays a given list.
 *
 * @module
 */
import { fnv1a } from "./hash.ts";
import { Random } from "./random.ts";

/** One fault of a run. */
export interface FaultEvent {
  /** When it struck (or was decided), in virtual microseconds: for the schedule only. */
  readonly at: number;
  /** The client whose link or script it strikes (`server` for the server's own). */
  readonly client: string;
  /** What it is: a link property (`up-delay`), a segment's fate (`down-cut`), an action (`abort`). */
  readonly kind: string;
  /** Which one of its kind: a segment's byte offset, the n-th action of a kind; else 0. */
  readonly seq: number;
  /** Its magnitude: milliseconds, bytes, a virtual time in ms, a count. */
  readonly value: number;
}

/**
 * Records or replays a run's faults. Recording, a scenario's choice ({@linkcode
 * FaultPlan.given}) is kept as is and a per-event draw ({@linkcode FaultPlan.drawn}) comes
 * from a generator keyed by (seed, client, kind, seq), never from a shared stream: removing
 * one fault then changes no other draw. Replaying, a fault strikes only if the list has it.
 * Either way {@linkcode FaultPlan.events} lists the faults that struck, in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FaultPlan } from "./fault_plan.ts";
 * const recording = FaultPlan.recording(7);
 * const cut = recording.drawn("c1", "down-cut", 40, 0, (random) => random.int(1, 9));
 * recording.given("c1", "abort", 0, 5000, 5);
 * assert.equal(recording.events.length, 2);
 * const replaying = FaultPlan.replaying(7, recording.events.slice(1));
 * assert.equal(replaying.drawn("c1", "down-cut", 40, 0, () => 1), undefined);
 * assert.equal(replaying.given("c1", "abort", 0, 5000, 5), 5);
 * assert.equal(FaultPlan.recording(7).drawn("c1", "down-cut", 40, 0, (r) => r.int(1, 9)), cut);
 * ```
 */
export class FaultPlan {
  /** The run's seed, which keys every draw. */
  readonly seed: number;
  /**
   * What struck, four 32-bit integers a fault (stream, seq, at, value) in blocks that double
   * in size and are never copied: a run may cut and delay hundreds of thousands of segments,
   * and fresh memory is dear. A fault with a number that is no 32-bit integer is kept in
   * `#wide` instead; its block entry holds `-1 - its place there` as its stream.
   */
  readonly #blocks: Int32Array[] = [];
  #block = new Int32Array(0);
  #inBlock = 0;
  #count = 0;
  readonly #wide: number[] = [];
  #events: FaultEvent[] | undefined;
  readonly #streams = new Map<string, FaultStream>();
  readonly #streamList: FaultStream[] = [];
  readonly #list: Map<string, number> | undefined;
  readonly #seedMix: number;
  /** Reseeded for each draw: a draw is synchronous, and a generator per draw is garbage. */
  readonly #scratch = new Random(0);

  private constructor(seed: number, list: Map<string, number> | undefined) {
    this.seed = seed >>> 0;
    this.#list = list;
    this.#seedMix = Math.imul(this.seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  }

  /** A plan that draws and records. */
  static recording(seed: number): FaultPlan {
    return new FaultPlan(seed, undefined);
  }

  /** A plan that strikes exactly the faults of `events` (when the run reaches them). */
  static replaying(seed: number, events: readonly FaultEvent[]): FaultPlan {
    return new FaultPlan(seed, new Map(events.map((event) => [faultKey(event), event.value])));
  }

  /** The faults that struck so far, in the order they were decided. */
  get events(): readonly FaultEvent[] {
    if (this.#events) return this.#events;
    const events: FaultEvent[] = [];
    for (const block of this.#blocks) {
      for (let k = 0; k < block.length && events.length < this.#count; k += 4) {
        const w = -1 - block[k];
        const [from, i] = w < 0 ? [block, k] : [this.#wide, w];
        const { client, kind } = this.#streamList[from[i]];
        events.push({ at: from[i + 2], client, kind, seq: from[i + 1], value: from[i + 3] });
      }
    }
    return this.#events = events;
  }

  /** Whether this plan replays a list. */
  get replaying(): boolean {
    return this.#list !== undefined;
  }

  /**
   * A fault the scenario chose (`value`, or undefined for none): recording, it strikes as
   * chosen; replaying, only if listed, with the listed value.
   */
  given(
    client: string,
    kind: string,
    seq: number,
    at: number,
    value: number | undefined,
  ): number | undefined {
    return this.#strike(this.stream(client, kind), seq, at, value);
  }

  /**
   * A fault drawn for one event: recording, `draw` decides it (undefined for none) with a
   * generator of its own; replaying, the list does.
   */
  drawn(
    client: string,
    kind: string,
    seq: number,
    at: number,
    draw: (random: Random) => number | undefined,
  ): number | undefined {
    return this.draw(this.stream(client, kind), seq, at, draw);
  }

  /** The faults of one kind on one link, keyed once: what {@linkcode FaultPlan.draw} takes. */
  stream(client: string, kind: string): FaultStream {
    const key = `${client}.${kind}`;
    let stream = this.#streams.get(key);
    if (!stream) {
      stream = { client, kind, base: this.#base(key), id: this.#streamList.length };
      this.#streams.set(key, stream);
      this.#streamList.push(stream);
    }
    return stream;
  }

  /** {@linkcode FaultPlan.drawn} for a stream made beforehand: a pipe draws for every segment. */
  draw(
    stream: FaultStream,
    seq: number,
    at: number,
    draw: (random: Random) => number | undefined,
  ): number | undefined {
    const random = this.generator(stream, seq);
    return this.#strike(stream, seq, at, random && draw(random));
  }

  /**
   * The generator of one draw of `stream` (keyed by `seq`), or undefined when replaying:
   * what a pipe draws from for every segment, then tells {@linkcode FaultPlan.decide}.
   */
  generator(stream: FaultStream, seq: number): Random | undefined {
    return this.#list ? undefined : this.#scratch.reseed(mixSeq(stream.base, seq));
  }

  /**
   * Whether the fault (`stream`, `seq`) strikes, and its value: recording, `drawn` (from
   * {@linkcode FaultPlan.generator}; undefined for none); replaying, the list's.
   */
  decide(
    stream: FaultStream,
    seq: number,
    at: number,
    drawn: number | undefined,
  ): number | undefined {
    return this.#strike(stream, seq, at, drawn);
  }

  #strike(
    stream: FaultStream,
    seq: number,
    at: number,
    value: number | undefined,
  ): number | undefined {
    const decided = this.#list ? this.#list.get(keyOf(stream.client, stream.kind, seq)) : value;
    if (decided !== undefined) {
      this.#record(stream.id, seq, at, decided);
    }
    return decided;
  }

  /** A generator of its own for (seed, `stream`, `seq`): for what is not a fault. */
  keyed(stream: string, seq: number): Random {
    return new Random(mixSeq(this.#base(stream), seq));
  }

  #record(id: number, seq: number, at: number, value: number): void {
    let block = this.#block;
    let k = this.#inBlock;
    if (k === block.length) {
      this.#blocks.push(block = this.#block = new Int32Array(Math.max(256, 2 * k)));
      k = 0;
    }
    if (isInt32(seq) && isInt32(at) && isInt32(value)) {
      block[k] = id;
      block[k + 1] = seq;
      block[k + 2] = at;
      block[k + 3] = value;
    } else {
      block[k] = -1 - this.#wide.length;
      this.#wide.push(id, seq, at, value);
    }
    this.#inBlock = k + 4;
    this.#count++;
    this.#events = undefined;
  }

  #base(stream: string): number {
    return fnv1a(stream, this.#seedMix);
  }
}

/** One kind of fault on one link, with its key's hash. */
export interface FaultStream {
  readonly client: string;
  readonly kind: string;
  readonly base: number;
  /** Its number in the plan. */
  readonly id: number;
}

/** Whether `x` is kept exactly as a 32-bit integer (-0 is not). */
function isInt32(x: number): boolean {
  return (x | 0) === x && (x !== 0 || 1 / x > 0);
}

function mixSeq(base: number, seq: number): number {
  return Math.imul(base ^ seq, 0xc2b2ae35) ^ (seq >>> 16);
}

/**
 * The key of a fault in a list: its client, kind and seq.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { faultKey } from "./fault_plan.ts";
 * assert.equal(faultKey({ client: "c1", kind: "up-cut", seq: 40 }), "c1.up-cut#40");
 * assert.equal(faultKey({ client: "c1", kind: "abort", seq: 0 }), "c1.abort");
 * ```
 */
export function faultKey(event: Pick<FaultEvent, "client" | "kind" | "seq">): string {
  return keyOf(event.client, event.kind, event.seq);
}

function keyOf(client: string, kind: string, seq: number): string {
  return seq === 0 ? `${client}.${kind}` : `${client}.${kind}#${seq}`;
}
