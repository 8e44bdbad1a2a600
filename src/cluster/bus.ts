/**
 * The message bus between the processes of a cluster, on Redis pub/sub, with sequence numbers
 * that turn a lost message into a reported gap.
 *
 * @module
 */
import type { Cancel, Clock } from "../core/clock.ts";
import type { JsonValue } from "../core/types.ts";
import type { RedisClient } from "./redis_client.ts";

/** Messages from `source` numbered `first` to `last` (inclusive) will never be delivered. */
export interface Gap {
  readonly source: string;
  readonly first: number;
  readonly last: number;
}

/** Options of {@linkcode Bus.open}. */
export interface BusOptions {
  redis: RedisClient;
  /** This run of this process: never reuse one after a restart. */
  processId: string;
  /** Prefix of the channels. Default "zb:". */
  prefix?: string;
  /** A message for this process, in the order its source sent it. */
  onMessage: (source: string, body: JsonValue) => void;
  /** Messages from a source were lost: resynchronise what they were about, or close it. */
  onGap: (gap: Gap) => void;
  /** With `heartbeatMs`: the timers that send heartbeats. */
  clock?: Clock;
  /** Send a heartbeat this often (see {@linkcode Bus.heartbeat}); default none. */
  heartbeatMs?: number;
}

/** What a bus received, by kind. */
export interface BusCounts {
  /** Messages handed to `onMessage`. */
  delivered: number;
  /** Messages reported lost, in all gaps. */
  lost: number;
  /** Messages that came after a later one of their source (reported lost, then dropped). */
  late: number;
  /** Messages on the channel that were not the bus's. */
  malformed: number;
}

/**
 * Each process listens on its own channel, `<prefix>bus:<processId>`; a message sent there is
 * `{"f": source, "s": sequence, "b": body}`, numbered from 1 per (source, destination).
 *
 * What it guarantees, plainly. Redis pub/sub is at most once: a message published while the
 * destination is not subscribed (a reconnect, a restart, a slow consumer Redis disconnected)
 * is gone, and nothing retries it. The bus does not make delivery reliable; it makes loss
 * visible. The destination hands over each message at most once and in the order sent, and
 * reports every number it skipped as a {@linkcode Gap}, as soon as a later message or a
 * heartbeat from that source arrives; the caller then resynchronises what those messages were
 * about (the full view of a room) or closes the connections concerned, so nothing diverges
 * silently. Redis keeps one publisher's messages to a channel in order, so over Redis a gap is
 * a loss; a message that arrives after a later one is reported in the gap and dropped.
 * Heartbeats (`{"f": source, "t": last sequence sent}`) bound how long a lost last message
 * goes unnoticed. Streams could retry instead; this bus does not use them.
 *
 * @example
 * ```ts
 * import { MemoryRedis, type PendingDelivery } from "./memory_redis.ts";
 * import { Bus, type Gap } from "./bus.ts";
 * const held: PendingDelivery[] = [];
 * const redis = new MemoryRedis({ deliver: (delivery) => held.push(delivery) });
 * const got: unknown[] = [];
 * const gaps: Gap[] = [];
 * const noop = () => {};
 * const a = await Bus.open({ redis: redis.client(), processId: "a", onMessage: noop, onGap: noop });
 * await Bus.open({
 *   redis: redis.client(),
 *   processId: "b",
 *   onMessage: (source, body) => got.push([source, body]),
 *   onGap: (gap) => gaps.push(gap),
 * });
 * for (const n of [1, 2, 3]) await a.send("b", { n });
 * held[0].run();
 * held[2].run(); // the second is lost
 * if (JSON.stringify(got) !== '[["a",{"n":1}],["a",{"n":3}]]') throw new Error("in order");
 * if (JSON.stringify(gaps) !== '[{"source":"a","first":2,"last":2}]') throw new Error("gap");
 * ```
 */
export class Bus {
  readonly processId: string;
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #onMessage: BusOptions["onMessage"];
  readonly #onGap: BusOptions["onGap"];
  /** The last number sent, by destination. */
  readonly #sent = new Map<string, number>();
  /** The next number expected, by source. */
  readonly #expected = new Map<string, number>();
  readonly #counts: BusCounts = { delivered: 0, lost: 0, late: 0, malformed: 0 };
  #stopHeartbeat: Cancel = () => {};

  private constructor(options: BusOptions) {
    this.processId = options.processId;
    this.#redis = options.redis;
    this.#prefix = options.prefix ?? "zb:";
    this.#onMessage = options.onMessage;
    this.#onGap = options.onGap;
  }

  /** A bus listening on this process's channel once this resolves. */
  static async open(options: BusOptions): Promise<Bus> {
    const bus = new Bus(options);
    await options.redis.subscribe(bus.channelOf(bus.processId), (text) => bus.#receive(text));
    const { clock, heartbeatMs } = options;
    if (clock && heartbeatMs !== undefined) {
      if (!(heartbeatMs > 0)) throw new RangeError("heartbeatMs must be positive");
      const beat = () => {
        bus.#stopHeartbeat = clock.schedule(clock.now() + heartbeatMs, beat);
        bus.heartbeat().catch(() => {}); // Redis away: the next beat tries again
      };
      bus.#stopHeartbeat = clock.schedule(clock.now() + heartbeatMs, beat);
    }
    return bus;
  }

  /** The channel a process listens on. */
  channelOf(processId: string): string {
    return `${this.#prefix}bus:${processId}`;
  }

  /** What this bus received so far, by kind. */
  get counts(): Readonly<BusCounts> {
    return { ...this.#counts };
  }

  /**
   * Sends `body` to `destination`: how many subscribers Redis handed it to (0: nobody
   * listens there, the process is gone). Numbered when called, so sends leave in call order.
   */
  send(destination: string, body: JsonValue): Promise<number> {
    const sequence = (this.#sent.get(destination) ?? 0) + 1;
    this.#sent.set(destination, sequence);
    const text = JSON.stringify({ f: this.processId, s: sequence, b: body });
    return this.#redis.publish(this.channelOf(destination), text);
  }

  /** Tells every destination sent to the last number it was sent, so it can see a lost tail. */
  async heartbeat(): Promise<void> {
    await Promise.all(
      [...this.#sent].map(([destination, last]) =>
        this.#redis.publish(
          this.channelOf(destination),
          JSON.stringify({ f: this.processId, t: last }),
        )
      ),
    );
  }

  /** Stops listening and sending heartbeats. */
  async close(): Promise<void> {
    this.#stopHeartbeat();
    await this.#redis.unsubscribe(this.channelOf(this.processId));
  }

  #receive(text: string): void {
    let message: { f?: unknown; s?: unknown; t?: unknown; b?: JsonValue };
    try {
      message = JSON.parse(text);
    } catch {
      message = {};
    }
    const { f: source, s: sequence, t: last } = message ?? {};
    if (typeof source !== "string") return void this.#counts.malformed++;
    const expected = this.#expected.get(source) ?? 1;
    if (isCount(last) && sequence === undefined) {
      if (last >= expected) this.#skip(source, expected, last);
      return;
    }
    if (!isCount(sequence) || sequence < 1 || !("b" in message)) {
      return void this.#counts.malformed++;
    }
    if (sequence < expected) return void this.#counts.late++;
    if (sequence > expected) this.#skip(source, expected, sequence - 1);
    this.#expected.set(source, sequence + 1);
    this.#counts.delivered++;
    this.#onMessage(source, message.b as JsonValue);
  }

  #skip(source: string, first: number, last: number): void {
    this.#expected.set(source, last + 1);
    this.#counts.lost += last - first + 1;
    this.#onGap({ source, first, last });
  }
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
