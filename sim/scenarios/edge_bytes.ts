/**
 * The bytes at the protocol's edges, on the desk (`desk.ts`): number literals a double cannot
 * carry in every spelling (upper-case exponents, signs, 2^53 itself, past the largest double)
 * and ones it can; bytes that are not UTF-8 (a lone byte, an overlong form, an encoded
 * surrogate, past U+10FFFF) alone and among good messages and empty ones in one read; over
 * WebSocket, a text message that is not UTF-8 (closed with 1007) alone and in one read
 * between good ones, the same bytes in a binary stream (the parser's to refuse), and messages
 * in as many frames as `maxFragments` allows and in one more (closed with 1008). Judged by
 * reply accounting, *WebSocket faults*, WebSocket conduct, whole messages and staying
 * connected.
 *
 * @module
 */
import type { Command } from "../../mod.ts";
import { NO_FAULTS } from "../engine/faults.ts";
import { Random } from "../engine/random.ts";
import type { SimulationReport } from "../engine/report.ts";
import { Simulation } from "../engine/simulation.ts";
import { noEscapedErrors } from "../invariants/health_invariants.ts";
import { type ReplyAccounting, replyAccounting } from "../invariants/reply_accounting.ts";
import type { Invariant } from "../engine/invariant.ts";
import { staysConnected } from "../invariants/stays_connected.ts";
import { webSocketConduct, wholeMessages } from "../invariants/wire_invariants.ts";
import { webSocketFaults } from "../invariants/ws_faults.ts";
import { deskModel, deskOn } from "./desk.ts";
import type { StoryOptions } from "./swarm_limits.ts";

/** When the edge-bytes story's server shuts down, in virtual ms. */
export const EDGE_BYTES_SHUTDOWN_MS = 80;

const HOLD_MS = 400;
/** The server's most frames in one WebSocket message, in the byte stories. */
export const MAX_FRAGMENTS = 4;
/** Clients that break no rule: the server never closes them before the shutdown. */
const STEADY = new Set(["numbers", "bytes", "ws-frames", "wss-bytes"]);

/** Bytes not UTF-8, each inside a JSON string of a `say` (lone, overlong, surrogate, too high). */
const NOT_UTF8 = [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]];

const encoder = new TextEncoder();

/** A `say` (n) whose text holds `bytes` as they are, then its zero byte. */
function sayWith(n: number, bytes: readonly number[]): Uint8Array {
  const [head, tail] = [`{"code":"say","n":${n},"text":"a`, `b"}`].map((s) => encoder.encode(s));
  return Uint8Array.from([...head, ...bytes, ...tail, 0]);
}

/**
 * A simulation of the desk for the byte stories (this one, `bytes_swarm.ts`): a hold, a
 * WebSocket limit of {@linkcode MAX_FRAGMENTS} frames a message, and the checks of what bytes
 * deserve: `accounting` first, WebSocket faults, no escaped errors, whole messages, WebSocket
 * conduct, then `more`; `websocket` may lower the WebSocket message limit.
 *
 * @example
 * ```ts
 * import { type ReplyAccounting, replyAccounting } from "../invariants/reply_accounting.ts";
import type { Invariant } from "../engine/invariant.ts";
 * import { deskModel } from "./desk.ts";
 * import { bytesDesk } from "./edge_bytes.ts";
 * const story = { shutdownAtMs: 80, marginMs: 2, holdMs: 400, resumes: () => false };
 * const sim = bytesDesk(1, {}, replyAccounting(deskModel(story)));
 * sim.client().send(1, { code: "say", n: 1 });
 * ```
 */
export function bytesDesk(
  seed: number,
  options: StoryOptions,
  accounting: ReplyAccounting,
  more: Invariant[] = [],
  websocket: { maxMessageBytes?: number } = {},
): Simulation {
  const random = new Random(seed);
  const sim: Simulation = new Simulation({
    seed,
    trace: options.trace,
    faults: options.faults,
    mix: NO_FAULTS,
    server: { holdMs: HOLD_MS, random: (bytes) => random.fill(bytes) },
    websocket: { maxFragments: MAX_FRAGMENTS, ...websocket },
    closeTimeoutMs: 5,
    application: () => deskOn(() => sim).application,
    invariants: () => [
      accounting,
      webSocketFaults(MAX_FRAGMENTS, accounting),
      noEscapedErrors(),
      wholeMessages(),
      webSocketConduct(),
      ...more,
    ],
  });
  return sim;
}

/**
 * Builds the edge-bytes story of `seed` (the seed draws which bytes that are not UTF-8 go
 * where, and whether the number client's link cuts segments).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runEdgeBytes } from "./edge_bytes.ts";
 * const report = await runEdgeBytes(1);
 * assert.ok(report.ok, report.violations.map((v) => v.message).join("; "));
 * ```
 */
export function buildEdgeBytes(seed: number, options: StoryOptions = {}): Simulation {
  const random = new Random(seed);
  const shutdownAtMs = EDGE_BYTES_SHUTDOWN_MS;
  const accounting = replyAccounting(deskModel({
    shutdownAtMs,
    marginMs: 2,
    holdMs: HOLD_MS,
    resumes: () => false,
  }));
  const sim = bytesDesk(seed, options, accounting, [
    staysConnected((name) => STEADY.has(name), shutdownAtMs),
  ]);
  const say = (n: number): Command => ({ code: "say", n });
  const whole = { fragmentRate: 0 }; // what it writes at once, the server reads at once
  // Number literals: refused (past 2^53 exact, too close to zero, too large), then taken.
  const numbers = sim.client({ name: "numbers", link: { fragmentRate: random.pick([0, 0.5]) } });
  const literals = [
    "1E-400",
    "-2E-999",
    "1E400",
    "-1e+999",
    "9007199254740992",
    "-9007199254740993",
    "123456789012345678901234567890",
    "1E+2",
    "-0.0",
    "0E-7",
    "9007199254740991",
    "-9007199254740991",
    "1.5E300",
    "2e-300",
    "1e20",
  ];
  literals.forEach((literal, k) => numbers.send(5 + k, `{"code":"say","n":${literal}}\0`));
  // Bytes that are not UTF-8: each alone, then in one read among good and empty messages.
  const bytes = sim.client({ name: "bytes", link: whole });
  NOT_UTF8.forEach((wrong, k) => bytes.send(5 + k, sayWith(100 + k, wrong)));
  const odd = random.pick(NOT_UTF8);
  bytes.send(15, Uint8Array.from([...odd, 0, 0])).send(20, Uint8Array.from([0, ...odd, 0, 0]))
    .send(
      25,
      Uint8Array.from([
        ...sayWith(110, []),
        ...odd,
        0,
        0,
        ...sayWith(111, [0xf0, 0x9f, 0x8e, 0xb2]),
      ]),
    );
  // Over WebSocket, text that is not UTF-8 closes the connection (1007): alone, and in one read
  // between good messages (the one after it is never taken).
  NOT_UTF8.forEach((wrong, k) =>
    sim.client({ name: `ws-text${k}`, protocol: "ws-message" }).send(5, say(1))
      .send(10, sayWith(2, wrong))
  );
  sim.client({ name: "ws-read", protocol: "ws-message", link: whole }).send(5, say(3))
    .send(10, Uint8Array.from([...sayWith(4, []), ...sayWith(5, odd), ...sayWith(6, [])]));
  // A text frame with a zero byte inside, between good ones in one read (1007): the one after
  // it is never taken.
  const text = (n: number, inside = "") =>
    encoder.encode(`{"code":"say","n":${n},"text":"a${inside}b"}`);
  sim.client({ name: "ws-zero", protocol: "ws-message", link: whole }).send(5, say(12))
    .sendFrames(10, [{ opcode: 1, payload: text(13) }, {
      opcode: 1,
      payload: text(14, "\0"),
      owes: { code: 1007, why: "a zero byte inside a text message" },
    }, { opcode: 1, payload: text(15) }]);
  // The same bytes in a binary stream are the parser's to refuse: the connection stays.
  sim.client({ name: "wss-bytes", protocol: "ws-stream" }).send(5, sayWith(7, odd))
    .send(10, say(8));
  // Messages in as many frames as allowed, and in one more.
  sim.client({ name: "ws-frames", protocol: "ws-message", fragments: MAX_FRAGMENTS })
    .send(5, say(9)).send(10, say(10));
  sim.client({ name: "ws-frames+1", protocol: "ws-message", fragments: MAX_FRAGMENTS + 1 })
    .send(5, say(11));
  return sim;
}

/** Runs the edge-bytes story of `seed`. */
export function runEdgeBytes(seed: number): Promise<SimulationReport> {
  return buildEdgeBytes(seed).run({ shutdownAtMs: EDGE_BYTES_SHUTDOWN_MS, untilMs: 5_000 });
}
