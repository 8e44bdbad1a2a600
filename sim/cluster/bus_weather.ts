/**
 * What the simulated Redis does to pub/sub messages between cluster processes: a delay drawn
 * per message (so messages on different channels overtake each other), partitions between two
 * processes, and processes that crashed.
 *
 * @module
 */
import type { PendingDelivery } from "../../src/cluster/memory_redis.ts";
import type { Random } from "../engine/random.ts";

/** What happened to the messages, by fate. */
export interface WeatherCounts {
  delivered: number;
  /** Dropped by a partition. */
  cut: number;
}

interface Held {
  readonly at: number;
  readonly sequence: number;
  readonly delivery: PendingDelivery;
}

/**
 * The scheduler of a `MemoryRedis` (`deliver`): each message waits a random delay of up to
 * `maxDelayMs` of virtual time; messages on one channel keep their order (Redis keeps one
 * publisher's order), those on different channels do not. A message between two processes
 * that are partitioned when it is published is lost, as pub/sub loses it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryRedis } from "../../src/cluster/memory_redis.ts";
 * import { Random } from "../engine/random.ts";
 * import { BusWeather } from "./bus_weather.ts";
 * let now = 0;
 * const weather = new BusWeather(new Random(1), 10, () => now);
 * const redis = new MemoryRedis({ deliver: (delivery) => weather.deliver(delivery) });
 * const got: string[] = [];
 * await redis.client().subscribe("zb:bus:b", (message) => got.push(message));
 * weather.partition("a", "b");
 * await redis.client().publish("zb:bus:b", JSON.stringify({ f: "a", s: 1, b: 1 }));
 * weather.heal();
 * await redis.client().publish("zb:bus:b", JSON.stringify({ f: "a", s: 2, b: 2 }));
 * now = 10;
 * weather.runDue(now);
 * assert.equal(got.length, 1);
 * assert.deepEqual(weather.counts, { delivered: 1, cut: 1 });
 * ```
 */
export class BusWeather {
  readonly #random: Random;
  readonly #maxDelayMs: number;
  readonly #now: () => number;
  #held: Held[] = [];
  #sequence = 0;
  readonly #lastAt = new Map<string, number>();
  readonly #cuts = new Set<string>();
  readonly counts: WeatherCounts = { delivered: 0, cut: 0 };

  constructor(random: Random, maxDelayMs: number, now: () => number) {
    this.#random = random;
    this.#maxDelayMs = maxDelayMs;
    this.#now = now;
  }

  /** Holds a message until its time comes (the `deliver` option of `MemoryRedis`). */
  deliver(delivery: PendingDelivery): void {
    const source = sourceOf(delivery.message);
    const destination = delivery.channel.slice(delivery.channel.lastIndexOf(":") + 1);
    if (source !== undefined && this.#cuts.has(pairOf(source, destination))) {
      return void this.counts.cut++;
    }
    const drawn = this.#now() + this.#random.int(0, this.#maxDelayMs);
    const at = Math.max(drawn, this.#lastAt.get(delivery.channel) ?? 0);
    this.#lastAt.set(delivery.channel, at);
    this.#held.push({ at, sequence: this.#sequence++, delivery });
  }

  /** Cuts the link between two processes, both ways, until {@linkcode BusWeather.heal}. */
  partition(a: string, b: string): void {
    this.#cuts.add(pairOf(a, b));
  }

  /** Ends every partition. */
  heal(): void {
    this.#cuts.clear();
  }

  /** Hands over, in order, every message due by `now`; how many. */
  runDue(now: number): number {
    const due = this.#held.filter((held) => held.at <= now);
    if (due.length === 0) return 0;
    this.#held = this.#held.filter((held) => held.at > now);
    due.sort((x, y) => x.at - y.at || x.sequence - y.sequence);
    for (const held of due) held.delivery.run();
    this.counts.delivered += due.length;
    return due.length;
  }

  /** Messages waiting. */
  get pending(): number {
    return this.#held.length;
  }
}

function sourceOf(message: string): string | undefined {
  try {
    const source = JSON.parse(message)?.f;
    return typeof source === "string" ? source : undefined;
  } catch {
    return undefined;
  }
}

function pairOf(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
