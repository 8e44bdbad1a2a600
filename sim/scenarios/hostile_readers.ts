/**
 * Hostile readers: a client that never reads, one that reads a byte a second, one that
 * never reads while the room floods it, and a slow one that keeps up, each in a room of
 * well-behaved talkers.
 *
 * @module
 */
import { DEFAULT_LIMITS, type DeliverPath, type Limits } from "../../mod.ts";
import type { SimClient } from "../engine/client.ts";
import type { LinkFaults } from "../engine/faults.ts";
import { HOSTILE_ROOM, type HostileRoom, hostileRoom, probe, talk } from "./hostile_room.ts";
import { sequentialDrainSend } from "./planted.ts";
import { Random } from "../engine/random.ts";
import type { TraceMode } from "../engine/trace.ts";
import type { FaultPlan } from "../engine/fault_plan.ts";

/** The kinds of hostile reader. */
export type ReaderKind = "never-reader" | "slow-reader" | "flood" | "steady-reader";

/** Bugs to plant in a reader scenario, by name: what the checks must then flag. */
export const READER_PLANTS = {
  "sequential-drain": "the send path drains recipients one after another",
  "no-limits": "the server runs without its slow-consumer limits",
  "patient-drain": "the server waits ten times drainWaitMs for a slow reader's drain",
} as const;

/** The name of a reader scenario's plant. */
export type ReaderPlant = keyof typeof READER_PLANTS;

/** A built reader scenario. */
export interface ReaderScenario extends HostileRoom {
  readonly seed: number;
  readonly kind: ReaderKind;
  /** One line: the kind, the seed and what the seed drew. */
  readonly summary: string;
  readonly offender: SimClient;
  /** The talkers and the probe: everyone who must not be disturbed. */
  readonly others: readonly SimClient[];
  readonly probe: SimClient;
  readonly shutdownAtMs: number;
}

/** The shape of each kind: how its offender reads, how hard the room talks, for how long. */
const KINDS: Record<ReaderKind, {
  reader: (random: Random) => Partial<LinkFaults>;
  /** Limits other than the defaults. */
  limits?: Partial<Limits>;
  /** Padding per save while flooding, and for how long it floods. */
  flood?: { padBytes: readonly [number, number]; untilMs: number };
  /** The offender's expected end: cut off by a limit, or still there at shutdown. */
  cut?: "slow consumer" | "buffer over hard cap";
  talkUntilMs: number;
}> = {
  "never-reader": {
    reader: (random) => ({ readBytesPerMs: 0, windowBytes: random.int(4096, 16384) }),
    cut: "slow consumer",
    talkUntilMs: 14_000,
  },
  "slow-reader": {
    reader: (random) => ({ readBytesPerMs: 0.001, windowBytes: random.int(1024, 4096) }),
    cut: "slow consumer",
    talkUntilMs: 14_000,
  },
  "flood": {
    reader: (random) => ({ readBytesPerMs: 0, windowBytes: random.int(16384, 65536) }),
    // A quarter of the default buffer limits, so that the flood is short.
    limits: { highWaterMarkBytes: 64 * 1024, maxBufferedBytes: 512 * 1024 },
    flood: { padBytes: [2000, 4000], untilMs: 1_500 },
    cut: "buffer over hard cap",
    talkUntilMs: 4_000,
  },
  "steady-reader": {
    reader: (random) => ({ readBytesPerMs: 64, windowBytes: random.int(1024, 4096) }),
    talkUntilMs: 8_000,
  },
};

/**
 * Builds the scenario of `kind` for `seed`: the offender joins the room first (so it is
 * first in every broadcast), then 3 to 5 talkers on links the seed draws (delays, jitter,
 * fragmentation, coalescing; all read promptly) say things to the room with multi-byte
 * padding; a probe joins after the offender should be gone; the server runs with the
 * default limits (the flood with a quarter of the buffer limits, to be short). The checks: every rooms invariant, end-to-end latency with
 * `drainWaitMs` of slack, and the offender cut off by the right limit at the right time
 * (one `slowConsumerTimeoutMs` after its first wait; or, flooded, at the hard cap before
 * that) while everyone else stays until the shutdown.
 *
 * @example
 * ```ts
 * import { buildReaderScenario } from "./hostile_readers.ts";
 * const scenario = buildReaderScenario("never-reader", 7);
 * const report = await scenario.sim.run({ shutdownAtMs: scenario.shutdownAtMs });
 * ```
 */
export function buildReaderScenario(
  kind: ReaderKind,
  seed: number,
  options: { plant?: ReaderPlant; trace?: TraceMode; faults?: FaultPlan } = {},
): ReaderScenario {
  const shape = KINDS[kind];
  const random = new Random(seed);
  const send: DeliverPath | undefined = options.plant === "sequential-drain"
    ? sequentialDrainSend
    : undefined;
  const unlimited: Partial<Limits> | undefined = options.plant === "no-limits"
    ? { slowConsumerTimeoutMs: 3_600_000, highWaterMarkBytes: 2 ** 30, maxBufferedBytes: 2 ** 30 }
    : options.plant === "patient-drain"
    ? { drainWaitMs: 10 * DEFAULT_LIMITS.drainWaitMs }
    : undefined;
  const flood = shape.flood;
  const room = hostileRoom({
    seed,
    send,
    trace: options.trace,
    faults: options.faults,
    limits: { ...shape.limits, ...unlimited },
    checkedLimits: unlimited && { ...DEFAULT_LIMITS, ...shape.limits },
  });
  const { sim, limits } = room;
  const offender = sim.client({
    name: kind,
    link: { ...shape.reader(random), highWaterMark: random.int(0, 128) },
  });
  offender.send(1, { code: "goto", key: HOSTILE_ROOM });
  const talkers = Array.from({ length: random.int(3, 5) }, () => {
    const client = sim.client({ at: random.int(2, 10), link: drawnLink(random) });
    client.send(12, { code: "goto", key: HOSTILE_ROOM });
    return client;
  });
  for (const talker of talkers) {
    const calm = { periodMs: [30, 70], padBytes: [20, 300] } as const;
    const start = random.int(20, 40);
    if (flood) {
      talk(talker, random, { fromMs: start, toMs: flood.untilMs, periodMs: [5, 15], ...flood });
    }
    talk(talker, random, { fromMs: flood?.untilMs ?? start, toMs: shape.talkUntilMs, ...calm });
  }
  const probeAt = shape.talkUntilMs - 2_000;
  const late = probe(sim, probeAt);
  const shutdownAtMs = shape.talkUntilMs + 1_000;
  const others = [...talkers, late];
  for (const client of others) {
    room.expectDeparture(client, () => ({ reason: "shutdown", fromMs: shutdownAtMs }));
  }
  room.expectDeparture(offender, () => {
    if (!shape.cut) return { reason: "shutdown", fromMs: shutdownAtMs };
    const waited = (offender.link.firstDrainWaitAt ?? 0) / 1000;
    const deadline = waited + limits.slowConsumerTimeoutMs;
    return shape.cut === "slow consumer"
      ? { reason: shape.cut, fromMs: deadline, toMs: deadline + 1 }
      : { reason: shape.cut, fromMs: waited, toMs: deadline };
  });
  const summary =
    `scenario ${kind}, seed ${seed}: ${talkers.length} talkers, offender ${offender.link.faults.readBytesPerMs} B/ms with a ${offender.link.faults.windowBytes} B window, buffer limits ${limits.highWaterMarkBytes}/${limits.maxBufferedBytes} B${
      options.plant ? `, planted bug: ${options.plant}` : ""
    }`;
  return { ...room, seed, kind, summary, offender, others, probe: late, shutdownAtMs };
}

/** A talker's link: prompt, with delays, jitter, fragmentation and coalescing drawn. */
function drawnLink(random: Random): Partial<LinkFaults> {
  return {
    upDelayMs: random.int(1, 10),
    downDelayMs: random.int(1, 10),
    jitterMs: random.int(0, 3),
    fragmentRate: random.chance(0.5) ? random.float() * 0.9 : 0,
    coalesceRate: random.chance(0.5) ? random.float() * 0.9 : 0,
  };
}
