/**
 * What can go wrong on a link, and how a seed decides it: the per-link {@linkcode LinkFaults}
 * and the per-run {@linkcode FaultMix} they are drawn from.
 *
 * @module
 */
import type { FaultPlan } from "./fault_plan.ts";
import type { Random } from "./random.ts";

/** The transport properties of one client's link. Times in milliseconds. */
export interface LinkFaults {
  /** One-way delay, client to server. */
  upDelayMs: number;
  /** One-way delay, server to client. */
  downDelayMs: number;
  /** Each segment is late by a further random 0..jitterMs (order is kept, as in TCP). */
  jitterMs: number;
  /** Chance that a segment is cut at a random byte, inside a character or not. */
  fragmentRate: number;
  /** Chance that all queued writes leave together as one segment. */
  coalesceRate: number;
  /** The client's receive buffer: bytes in flight plus bytes unread never exceed it. */
  windowBytes: number;
  /** How fast the client reads: bytes per ms; Infinity reads on arrival, 0 never reads. */
  readBytesPerMs: number;
  /** Unsent bytes over this make the server's drain wait. */
  highWaterMark: number;
  /** The server's receive buffer, bytes: a client sends no more until the core reads. */
  serverWindowBytes: number;
  /**
   * The server's side reports each arrival and the end of stream at once, without waiting for
   * the core to be done with the chunk before: `ConnectionEvents` allows it (the adapters wait).
   */
  eagerFeed?: boolean;
}

/** A clean, fast link: 1 ms each way, no loss of pace anywhere. */
export const CLEAN_LINK: Readonly<LinkFaults> = Object.freeze({
  upDelayMs: 1,
  downDelayMs: 1,
  jitterMs: 0,
  fragmentRate: 0,
  coalesceRate: 0,
  windowBytes: Infinity,
  readBytesPerMs: Infinity,
  highWaterMark: 16 * 1024,
  serverWindowBytes: 64 * 1024,
});

/**
 * Whether a link takes everything at once: no window, a reader that reads on arrival. Only
 * such links have a delivery-time bound (see the concurrent-drain invariant).
 */
export function isPrompt(faults: LinkFaults): boolean {
  return faults.windowBytes === Infinity && faults.readBytesPerMs === Infinity;
}

/**
 * The fault families of one run and their rates: each link's {@linkcode LinkFaults} and each
 * client's misbehaviour are drawn from it. A rate of 0 switches a family off.
 */
export interface FaultMix {
  maxDelayMs: number;
  jitterMs: number;
  fragmentRate: number;
  coalesceRate: number;
  /** Share of links with a small receive window. */
  windowRate: number;
  /** Share of clients that read slowly. */
  slowReaderRate: number;
  /** Share of clients that stop reading for a while (or for good). */
  stalledReaderRate: number;
  /** Share of clients that vanish abruptly, at a random moment. */
  abortRate: number;
  /** Share of clients whose connection is reset: the server's next write throws. */
  resetRate: number;
  /** Share of clients that half-close (send their last message, then end). */
  halfCloseRate: number;
  /** Share of clients that vanish at a core moment: after onConnect, or while drained. */
  momentAbortRate: number;
  /** Chance of a connect storm: many clients joining and leaving in the same millisecond. */
  stormRate: number;
  /** Chance that the server runs with tight limits (few connections, short waits, low rates). */
  tightLimitsRate: number;
}

/** No faults at all. */
export const NO_FAULTS: Readonly<FaultMix> = Object.freeze({
  maxDelayMs: 1,
  jitterMs: 0,
  fragmentRate: 0,
  coalesceRate: 0,
  windowRate: 0,
  slowReaderRate: 0,
  stalledReaderRate: 0,
  abortRate: 0,
  resetRate: 0,
  halfCloseRate: 0,
  momentAbortRate: 0,
  stormRate: 0,
  tightLimitsRate: 0,
});

/**
 * A random mix: each family is on or off by a coin toss, and its rate is drawn when on.
 *
 * @example
 * ```ts
 * import { describeFaultMix, Random, randomFaultMix } from "../mod.ts";
 * const mix = randomFaultMix(new Random(7));
 * describeFaultMix(mix); // e.g. "delay<=9ms jitter=3ms fragment=0.41 ..."
 * ```
 */
export function randomFaultMix(random: Random): FaultMix {
  const rate = (max: number) => random.chance(0.5) ? round2(random.float() * max) : 0;
  return {
    maxDelayMs: random.int(1, 20),
    jitterMs: random.chance(0.5) ? random.int(1, 10) : 0,
    fragmentRate: rate(0.9),
    coalesceRate: rate(0.9),
    windowRate: rate(0.6),
    slowReaderRate: rate(0.4),
    stalledReaderRate: rate(0.3),
    abortRate: rate(0.4),
    resetRate: rate(0.3),
    halfCloseRate: rate(0.4),
    momentAbortRate: rate(0.3),
    stormRate: rate(1),
    tightLimitsRate: rate(1),
  };
}

/** Draws one link's properties from a mix. */
export function drawLinkFaults(mix: FaultMix, random: Random): LinkFaults {
  const windowed = random.chance(mix.windowRate);
  const slow = random.chance(mix.slowReaderRate);
  return {
    ...CLEAN_LINK,
    upDelayMs: random.int(1, mix.maxDelayMs),
    downDelayMs: random.int(1, mix.maxDelayMs),
    jitterMs: mix.jitterMs,
    fragmentRate: mix.fragmentRate,
    coalesceRate: mix.coalesceRate,
    windowBytes: windowed ? random.int(16, 1024) : Infinity,
    readBytesPerMs: slow ? random.int(1, 64) : Infinity,
    highWaterMark: windowed ? random.int(0, 128) : CLEAN_LINK.highWaterMark,
    serverWindowBytes: random.chance(0.3) ? random.int(8, 256) : CLEAN_LINK.serverWindowBytes,
  };
}

/**
 * A link's properties: those the mix drew, each one that is not a clean link's a fault of
 * `plan` (which may drop it when it replays a list), under those the scenario chose (its
 * story, which no fault list drops).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CLEAN_LINK, linkFaults } from "./faults.ts";
 * import { FaultPlan } from "./fault_plan.ts";
 * const drawn = { ...CLEAN_LINK, upDelayMs: 9, windowBytes: 64 };
 * const plan = FaultPlan.recording(1);
 * const link = linkFaults(plan, "c1", 0, drawn, { windowBytes: 128 });
 * assert.equal(link.windowBytes, 128);
 * assert.deepEqual(plan.events.map((fault) => [fault.kind, fault.value]), [["up-delay", 9]]);
 * const replayed = linkFaults(FaultPlan.replaying(1, []), "c1", 0, drawn, {});
 * assert.equal(replayed.upDelayMs, CLEAN_LINK.upDelayMs);
 * ```
 */
export function linkFaults(
  plan: FaultPlan,
  name: string,
  atUs: number,
  drawn: LinkFaults,
  chosen: Partial<LinkFaults>,
): LinkFaults {
  const faults = { ...drawn };
  for (const [property, kind] of LINK_FAULT_KINDS) {
    if (chosen[property] !== undefined) continue;
    const clean = CLEAN_LINK[property];
    const value = drawn[property] === clean ? undefined : drawn[property];
    faults[property] = plan.given(name, kind, 0, atUs, value) ?? clean;
  }
  return { ...faults, ...chosen };
}

/** The link properties that are faults when not a clean link's, and their kinds in a list. */
const LINK_FAULT_KINDS = [
  ["upDelayMs", "up-delay"],
  ["downDelayMs", "down-delay"],
  ["windowBytes", "window"],
  ["readBytesPerMs", "read-rate"],
  ["highWaterMark", "high-water-mark"],
  ["serverWindowBytes", "server-window"],
] as const;

/** A one-line description of a mix, for failure messages. */
export function describeFaultMix(mix: FaultMix): string {
  const parts = [`delay<=${mix.maxDelayMs}ms`, `jitter=${mix.jitterMs}ms`];
  const rates: [string, number][] = [
    ["fragment", mix.fragmentRate],
    ["coalesce", mix.coalesceRate],
    ["window", mix.windowRate],
    ["slow-reader", mix.slowReaderRate],
    ["stalled-reader", mix.stalledReaderRate],
    ["abort", mix.abortRate],
    ["reset", mix.resetRate],
    ["half-close", mix.halfCloseRate],
    ["moment-abort", mix.momentAbortRate],
    ["storm", mix.stormRate],
    ["tight-limits", mix.tightLimitsRate],
  ];
  for (const [name, value] of rates) if (value > 0) parts.push(`${name}=${value.toFixed(2)}`);
  return parts.join(" ");
}

/** A one-line description of a link, for client logs. */
export function describeLink(faults: LinkFaults): string {
  const bytes = (value: number) => value === Infinity ? "unbounded" : `${value}B`;
  const rate = faults.readBytesPerMs === Infinity
    ? "on arrival"
    : faults.readBytesPerMs === 0
    ? "never"
    : `${faults.readBytesPerMs}B/ms`;
  return `delay up ${faults.upDelayMs}ms down ${faults.downDelayMs}ms jitter ${faults.jitterMs}ms` +
    ` fragment ${faults.fragmentRate} coalesce ${faults.coalesceRate}` +
    ` window ${bytes(faults.windowBytes)} read ${rate} hwm ${faults.highWaterMark}B` +
    ` server-window ${bytes(faults.serverWindowBytes)}`;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
