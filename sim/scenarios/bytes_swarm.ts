/**
 * A swarm of odd bytes on the desk (`desk.ts`): a seed draws clients over the raw protocol and
 * over WebSocket (text messages, each in a drawn number of frames, or a binary stream), each
 * sending messages whose numbers are drawn literals (signs, digits past 2^53, fractions,
 * exponents of either case, far past a double's range both ways) and whose texts mix valid
 * characters of every length (now and then hundreds of one, past the WebSocket limit) and
 * text that looks like numbers with bytes that are not UTF-8, several messages and empty ones
 * to a write, and now and then a text frame with a zero byte inside. What each deserves is worked out here, apart from the parser (`wire.ts`):
 * judged by reply accounting, *WebSocket faults* and *WebSocket limit*, WebSocket conduct and
 * whole messages.
 *
 * @module
 */
import type { ClientProtocol } from "../engine/client.ts";
import { Random } from "../engine/random.ts";
import type { SimulationReport } from "../engine/report.ts";
import type { Simulation } from "../engine/simulation.ts";
import { replyAccounting } from "../invariants/reply_accounting.ts";
import { webSocketLimit } from "../invariants/ws_limit.ts";
import { deskModel } from "./desk.ts";
import { bytesDesk, MAX_FRAGMENTS } from "./edge_bytes.ts";
import type { StoryOptions } from "./swarm_limits.ts";

/** The WebSocket limit here: a long text closes a WebSocket client with 1009. */
const WS_MAX_MESSAGE_BYTES = 700;

/** When the bytes swarm's server shuts down, in virtual ms. */
export const BYTES_SWARM_SHUTDOWN_MS = 120;

const encoder = new TextEncoder();

/** Sequences that are not UTF-8: a lone byte, an overlong form, a surrogate, past U+10FFFF, cut. */
const WRONG = [[0xff], [0xc0, 0xaf], [0xed, 0xb0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]];

/** A number literal of JSON, drawn to sit near the edges of what a double carries. */
export function drawLiteral(random: Random): string {
  const digits = (count: number) =>
    Array.from({ length: count }, (_, k) => k === 0 ? random.int(1, 9) : random.int(0, 9))
      .join("");
  const sign = random.pick(["", "", "-"]);
  const whole = random.pick([
    "0",
    digits(random.int(1, 3)),
    digits(random.int(15, 17)),
    digits(random.int(18, 30)),
    random.pick(["9007199254740991", "9007199254740992", "9007199254740993"]),
  ]);
  const fraction = random.chance(0.3)
    ? `.${random.pick(["0", "5", digits(random.int(1, 20))])}`
    : "";
  const exponent = random.chance(0.4)
    ? `${random.pick(["e", "E"])}${random.pick(["", "+", "-"])}${
      random.pick([random.int(0, 20), random.int(290, 330), random.int(330, 999)])
    }`
    : "";
  return `${sign}${whole}${fraction}${exponent}`;
}

/**
 * Bytes of a JSON string's inside: characters of one to four bytes, escapes, text that looks
 * like numbers, now and then bytes that are not UTF-8 (`wrongRate` each) and, with `long`, now
 * and then only a long run of one character.
 */
export function drawText(random: Random, wrongRate: number, long = true): number[] {
  // Now and then a long run of one character, and nothing else: a reply that crosses the
  // encoder's slabs, or a message past the WebSocket limit (and only that wrong with it).
  if (long && random.chance(0.03)) {
    return [...encoder.encode(random.pick(["é", "€", "🎲"]).repeat(random.int(100, 400)))];
  }
  const bytes: number[] = [];
  for (let k = random.int(0, 12); k > 0; k--) {
    if (random.chance(wrongRate)) {
      const wrong = [[0xff], [0xc0, 0xaf], [0xed, 0xb0, 0x80], [0xf4, 0x90, 0x80, 0x80], [
        0xe2,
        0x82,
      ]];
      bytes.push(...random.pick(wrong));
      continue;
    }
    // Characters of every length, escapes, and text that looks like numbers: none of it is.
    const char = random.pick(["a", "é", "€", "日", "🎲", "\\n", '\\"', "\\u0000", "0", "7"]);
    const looks = random.pick(["1e-400", "-0.0e-5", "9007199254740993", '\\"1E999']);
    bytes.push(...encoder.encode(random.chance(0.1) ? looks : char));
  }
  return bytes;
}

/**
 * Builds the bytes swarm of `seed`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runBytesSwarm } from "./bytes_swarm.ts";
 * const report = await runBytesSwarm(1);
 * assert.ok(report.ok, report.violations.map((v) => v.message).join("; "));
 * ```
 */
export function buildBytesSwarm(seed: number, options: StoryOptions = {}): Simulation {
  const random = new Random(seed);
  const shutdownAtMs = BYTES_SWARM_SHUTDOWN_MS;
  const desk = deskModel({ shutdownAtMs, marginMs: 2, holdMs: 400, resumes: () => false });
  // A WebSocket closed for a fault is owed nothing more: *WebSocket faults* judges that close.
  const accounting = replyAccounting((client, view) => {
    const model = desk(client, view);
    const faulted = client.log.some((entry) =>
      /the server closed the WebSocket with 100[789]/.test(entry.note ?? "")
    );
    return faulted ? { ...model, answeredBefore: undefined } : model;
  });
  const sim = bytesDesk(seed, options, accounting, [webSocketLimit(WS_MAX_MESSAGE_BYTES)], {
    maxMessageBytes: WS_MAX_MESSAGE_BYTES,
  });
  let n = 0;
  for (let c = random.int(3, 6); c > 0; c--) {
    const protocol = random.pick<ClientProtocol>(["tcp", "tcp", "ws-message", "ws-stream"]);
    // Text that is not UTF-8 ends a WebSocket text client: seldom there, so it says more first;
    // and no long text there, whose message could break two rules at once.
    const wrongRate = protocol === "ws-message" ? 0.01 : 0.15;
    const client = sim.client({
      name: `b${c}`,
      protocol,
      fragments: protocol === "ws-message" ? random.int(1, MAX_FRAGMENTS + 1) : undefined,
      // A large server window: each message reaches the server within its link's delays.
      link: { fragmentRate: random.pick([0, 0.5]), serverWindowBytes: 1 << 20 },
    });
    client.send(random.int(1, 5), { code: "say", n: ++n });
    for (let k = random.int(3, 10); k > 0; k--) {
      const write: number[] = [];
      for (let m = random.pick([1, 1, 2, 3]); m > 0; m--) {
        if (random.chance(0.1)) {
          write.push(0); // an empty message
          continue;
        }
        const head = `{"code":"say","n":${++n},"v":${drawLiteral(random)},"text":"`;
        write.push(
          ...encoder.encode(head),
          ...drawText(random, wrongRate, protocol !== "ws-message"),
          ...encoder.encode(`"}`),
          0,
        );
      }
      client.send(random.int(6, shutdownAtMs - 10), Uint8Array.from(write));
    }
    if (protocol === "ws-message") {
      // Its last text is not UTF-8 (one sequence of the wrong ones): 1007.
      const head = encoder.encode(`{"code":"say","n":${++n},"text":"a`);
      const wrong = random.pick(WRONG);
      client.send(
        shutdownAtMs - 15,
        Uint8Array.from([...head, ...wrong, ...encoder.encode(`"}`), 0]),
      );
    }
    if (protocol === "ws-message" && random.chance(0.3)) {
      // A text frame with a zero byte inside, between good ones in one write: 1007, and the
      // frame after it is never taken.
      const text = (inside: string) =>
        encoder.encode(`{"code":"say","n":${++n},"text":"${inside}"}`);
      const why = { code: 1007, why: "a zero byte inside a text message" };
      client.sendFrames(random.int(6, shutdownAtMs - 10), [
        { opcode: 1, payload: text("a") },
        { opcode: 1, payload: text("a\0b"), owes: why },
        { opcode: 1, payload: text("b") },
      ]);
    }
  }
  return sim;
}

/** Runs the bytes swarm of `seed`. */
export function runBytesSwarm(seed: number): Promise<SimulationReport> {
  return buildBytesSwarm(seed).run({ shutdownAtMs: BYTES_SWARM_SHUTDOWN_MS, untilMs: 5_000 });
}
