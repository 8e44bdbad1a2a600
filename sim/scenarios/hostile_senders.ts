/**
 * Hostile senders, each in a room of well-behaved talkers: one that sends only garbage, one
 * that sends a message a byte at a time and never finishes it, and one that floods batches
 * of 20,000 commands. The checks: the offender is let go by the right limit at the right
 * time (or costs one refusal per read and stays), the talkers' latency is unharmed, and the
 * server holds no more of the offender's input than it sent.
 *
 * @module
 */
import { DEFAULT_LIMITS, type Limits } from "../../mod.ts";
import type { SimClient } from "../engine/client.ts";
import type { Invariant, Violation } from "../engine/invariant.ts";
import { Random } from "../engine/random.ts";
import type { TraceMode } from "../engine/trace.ts";
import { HOSTILE_ROOM, type HostileRoom, hostileRoom, probe, talk } from "./hostile_room.ts";

/** The kinds of hostile sender. */
export type SenderKind = "garbage-sender" | "byte-sender" | "batch-flooder";

/** Limits switched off, by name: what the checks must then flag. */
export const SENDER_PLANTS = {
  "no-bad-limit": "the server lets a connection send bad messages for ever",
  "no-partial-timeout": "the server waits for an unfinished message for ever",
  "no-rate-limit": "the server runs commands at any rate",
} as const;

/** The name of a sender scenario's plant. */
export type SenderPlant = keyof typeof SENDER_PLANTS;

/** A built sender scenario. */
export interface SenderScenario extends HostileRoom {
  readonly seed: number;
  readonly kind: SenderKind;
  readonly summary: string;
  readonly offender: SimClient;
  readonly others: readonly SimClient[];
  readonly shutdownAtMs: number;
}

const TALK_UNTIL_MS = 3_000;
const SHUTDOWN_MS = TALK_UNTIL_MS + 500;
/** The byte sender's message, and how long the server gives it. */
const PARTIAL_TIMEOUT_MS = 1_000;
const FLOOD_BATCH = 20_000;

/**
 * Builds the scenario of `kind` for `seed`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildSenderScenario } from "./hostile_senders.ts";
 * const scenario = buildSenderScenario("garbage-sender", 7);
 * const report = await scenario.sim.run({ shutdownAtMs: scenario.shutdownAtMs });
 * assert.deepEqual(report.violations, []);
 * ```
 */
export function buildSenderScenario(
  kind: SenderKind,
  seed: number,
  options: { plant?: SenderPlant; trace?: TraceMode } = {},
): SenderScenario {
  const random = new Random(seed);
  const limits: Partial<Limits> = { partialMessageTimeoutMs: PARTIAL_TIMEOUT_MS };
  const planted: Partial<Limits> = options.plant === "no-bad-limit"
    ? { maxBadMessages: 0 }
    : options.plant === "no-partial-timeout"
    ? { partialMessageTimeoutMs: 0 }
    : options.plant === "no-rate-limit"
    ? { commandsPerSecond: 0 }
    : {};
  const offenderOf: { client?: SimClient } = {};
  const room: HostileRoom = hostileRoom({
    seed,
    trace: options.trace,
    limits: { ...limits, ...planted },
    checkedLimits: options.plant && { ...DEFAULT_LIMITS, ...limits },
    invariants: [fairCost(() => offenderOf.client!, kind, () => room.limits)],
  });
  const { sim } = room;
  const offender = offenderOf.client = sim.client({ name: kind, link: { upDelayMs: 1 } });
  offender.send(1, { code: "goto", key: HOSTILE_ROOM });
  const start = random.int(20, 40);
  if (kind === "garbage-sender") {
    for (let at = start; at < TALK_UNTIL_MS; at += 10) offender.send(at, "\0".repeat(6000));
    room.expectDeparture(offender, () => ({
      reason: "too many bad messages",
      fromMs: start,
      toMs: start + 20,
    }));
  } else if (kind === "byte-sender") {
    const text = JSON.stringify({ code: "save", key: "slow", state: "s".repeat(2000) });
    for (let k = 0; k < text.length; k++) offender.send(start + 5 * k, text[k]);
    room.expectDeparture(offender, () => ({
      reason: "message not completed in time",
      fromMs: start + PARTIAL_TIMEOUT_MS,
      toMs: start + PARTIAL_TIMEOUT_MS + 10,
    }));
  } else {
    const batch = JSON.stringify(Array(FLOOD_BATCH).fill({})) + "\0";
    for (let at = start; at < TALK_UNTIL_MS; at += 100) offender.send(at, batch);
    room.expectDeparture(offender, () => ({ reason: "shutdown", fromMs: SHUTDOWN_MS }));
  }
  const talkers = Array.from({ length: random.int(3, 5) }, () => {
    const client = sim.client({ at: random.int(2, 10) });
    client.send(12, { code: "goto", key: HOSTILE_ROOM });
    talk(client, random, {
      fromMs: random.int(20, 40),
      toMs: TALK_UNTIL_MS,
      periodMs: [30, 70],
      padBytes: [20, 300],
    });
    return client;
  });
  const late = probe(sim, TALK_UNTIL_MS - 1_000);
  const others = [...talkers, late];
  for (const client of others) {
    room.expectDeparture(client, () => ({ reason: "shutdown", fromMs: SHUTDOWN_MS }));
  }
  const summary = `scenario ${kind}, seed ${seed}: ${talkers.length} talkers${
    options.plant ? `, planted: ${SENDER_PLANTS[options.plant]}` : ""
  }`;
  return { ...room, seed, kind, summary, offender, others, shutdownAtMs: SHUTDOWN_MS };
}

/**
 * Fair cost: the errors the offender's messages earn it are bounded by what the rate admits
 * plus one refusal per message sent (garbage: by `maxBadMessages`), and the server never holds more of its input than it sent.
 */
function fairCost(
  offender: () => SimClient,
  kind: SenderKind,
  checked: () => Limits,
): Invariant {
  const name = "fair cost";
  return {
    name,
    check(sim) {
      const client = offender();
      const violations: Violation[] = [];
      const add = (message: string) =>
        violations.push({ invariant: name, client: client.name, message });
      const { commandsPerSecond, commandBurst, maxBadMessages } = checked();
      const sent = client.log.filter((entry) => entry.kind === "sent").length;
      const seconds = sim.now / 1e6;
      const admitted = commandsPerSecond === 0
        ? Infinity
        : commandBurst + commandsPerSecond * seconds;
      const replies =
        client.messages.filter((message) => message.commands?.some((command) => "error" in command))
          .length;
      const most = kind === "garbage-sender"
        ? Math.min(admitted, maxBadMessages) + 2
        : admitted + sent;
      if (replies > most) add(`it got ${replies} error replies (at most ${Math.floor(most)})`);
      const held = client.index === undefined ? 0 : sim.records.maxTailBytes.get(client.index) ?? 0;
      const bytesSent = client.log.reduce(
        (sum, entry) => sum + (entry.kind === "sent" ? entry.bytes?.length ?? 0 : 0),
        0,
      );
      if (held > bytesSent) add(`the server held ${held} bytes of its input, more than it sent`);
      return violations;
    },
  };
}
