/**
 * The port's entrance and the ends of WebSocket connections, on the desk (`desk.ts`), with a
 * short handshake timeout and sniff timeout: request heads that are answered with an HTTP
 * status and the end (a plain `GET`, an upgrade that lacks a field, a head too large, a
 * version not served), a head too slow (408 at its moment, not before), upgrade requests
 * trickled in pieces that end in time (101, then WebSocket connections), a silent TCP client served as raw once the sniff timeout
 * passed, a prompt one at once, a few bytes of `GET` and silence ended; WebSocket clients that
 * live well past the handshake timeout (no HTTP bytes again), that close with every kind of
 * close frame (no code, other codes, a reason: echoed), and that send close frames breaking
 * RFC 6455 (a one-byte payload, codes that must not be sent, a reason not UTF-8, over 125
 * bytes: closed with 1002 or 1007) or the port's mode (1003), peers that stop answering pings,
 * a peer that never sends a frame, and readers with replies queued at the shutdown. Judged by
 * entrance answers, close codes, WebSocket conduct and faults, reply accounting of the
 * clients the core serves, staying connected, the keep-alive and the close timeout.
 *
 * @module
 */
import type { Command } from "../../mod.ts";
import { NO_FAULTS } from "../engine/faults.ts";
import { Random } from "../engine/random.ts";
import type { SimulationReport } from "../engine/report.ts";
import { Simulation } from "../engine/simulation.ts";
import type { RawFrame } from "../engine/ws_client.ts";
import { CLOSE_FRAMES, closePayload } from "../engine/ws_close_frame.ts";
import { entranceAnswers, type EntrancePromise } from "../invariants/http_answers.ts";
import { noEscapedErrors } from "../invariants/health_invariants.ts";
import { replyAccounting } from "../invariants/reply_accounting.ts";
import { staysConnected } from "../invariants/stays_connected.ts";
import { webSocketConduct } from "../invariants/wire_invariants.ts";
import { closeCodes } from "../invariants/ws_close.ts";
import { silentPeersGivenUp } from "../invariants/keep_alive.ts";
import { closeTimeout } from "../invariants/close_timeout.ts";
import { webSocketFaults } from "../invariants/ws_faults.ts";
import { deskModel, deskOn } from "./desk.ts";
import type { StoryOptions } from "./swarm_limits.ts";

/** When the edge-http story's server shuts down, in virtual ms. */
export const EDGE_HTTP_SHUTDOWN_MS = 150;
/** Its handshake timeout and sniff timeout, in virtual ms. */
export const EDGE_HTTP_HANDSHAKE_MS = 40;
const SNIFF_MS = 25;
const HOLD_MS = 400;
const MAX_FRAGMENTS = 8;
const PING_MS = 15;
const CLOSE_MS = 5;

const HEAD = "GET / HTTP/1.1\r\nHost: sim\r\n";
const UPGRADE = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
const KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

/** Heads sent at 5 ms in one write, and the status each is answered with (then the end). */
const ANSWERED: Record<string, [string, number]> = {
  plain: [`${HEAD}\r\n`, 426],
  "no-version": [`${HEAD}${UPGRADE}${KEY}\r\n`, 400],
  "bad-key": [
    `${HEAD}${UPGRADE}Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    400,
  ],
  "no-connection": [`${HEAD}Upgrade: websocket\r\n${KEY}Sec-WebSocket-Version: 13\r\n\r\n`, 400],
  "no-host": [`GET / HTTP/1.1\r\n${UPGRADE}${KEY}Sec-WebSocket-Version: 13\r\n\r\n`, 400],
  "http2": ["GET / HTTP/2.0\r\nHost: sim\r\n\r\n", 505],
  huge: [`${HEAD}X-Pad: ${"a".repeat(9000)}\r\n\r\n`, 431],
};

/** Close frames that break RFC 6455, and the code each must be closed with. */
const BAD_CLOSES: [string, Uint8Array, number][] = [
  ["one byte", Uint8Array.of(0x03), 1002],
  ["code 1005", closePayload({ code: 1005 }), 1002],
  ["code 1006", closePayload({ code: 1006 }), 1002],
  ["code 999", closePayload({ code: 999 }), 1002],
  ["code 1015", closePayload({ code: 1015 }), 1002],
  ["code 5000", closePayload({ code: 5000 }), 1002],
  ["reason not UTF-8", Uint8Array.of(0x03, 0xe8, 0xc3, 0x28), 1007],
  ["126 bytes", closePayload({ code: 1000, reason: "x".repeat(124) }), 1002],
];

const bytes = (n: number) => new Uint8Array(n).fill(0x61);

/** Frames that break RFC 6455 or the port's modes, and the code each must be closed with. */
const BAD_FRAMES: [string, RawFrame[], number][] = [
  ["a ping of 126 bytes", [{ opcode: 9, payload: bytes(126) }], 1002],
  ["a fragmented ping", [{ opcode: 9, payload: bytes(2), fin: false }], 1002],
  ["opcode 3", [{ opcode: 3, payload: bytes(2) }], 1002],
  ["a reserved bit", [{ opcode: 9, payload: bytes(2), rsv: 1 }], 1002],
  ["an unmasked frame", [{ opcode: 9, payload: bytes(2), unmasked: true }], 1002],
  ["opcode 11", [{ opcode: 11, payload: bytes(2) }], 1002],
  ["a continuation first", [{ opcode: 0, payload: bytes(2) }], 1002],
  ["a message inside a message", [
    { opcode: 1, payload: bytes(2), fin: false },
    { opcode: 1, payload: bytes(2) },
  ], 1002],
];

/**
 * Builds the edge-http story of `seed` (the seed draws the times and the WebSocket links'
 * segment cuts; an odd seed's port sniffs, an even seed's speaks HTTP alone).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runEdgeHttp } from "./edge_http.ts";
 * const report = await runEdgeHttp(1);
 * assert.ok(report.ok, report.violations.map((v) => v.message).join("; "));
 * ```
 */
export function buildEdgeHttp(seed: number, options: StoryOptions = {}): Simulation {
  const random = new Random(seed);
  const shutdownAtMs = EDGE_HTTP_SHUTDOWN_MS;
  const desk = deskModel({ shutdownAtMs, marginMs: 2, holdMs: HOLD_MS, resumes: () => false });
  const steady = new Set<string>(["ws-long", "wss-long"]);
  // Odd seeds serve a sniffing port, even ones a port of HTTP alone.
  const httpOnly = seed % 2 === 0;
  const promises: Record<string, EntrancePromise> = {};
  const sim: Simulation = new Simulation({
    seed,
    trace: options.trace,
    faults: options.faults,
    mix: { ...NO_FAULTS, fragmentRate: random.pick([0, 0.5]) },
    server: { holdMs: HOLD_MS, random: (bytes) => random.fill(bytes) },
    websocket: { pingIntervalMs: PING_MS, maxFragments: MAX_FRAGMENTS },
    handshakeTimeoutMs: EDGE_HTTP_HANDSHAKE_MS,
    portProtocol: httpOnly ? "http" : "sniff",
    sniffTimeoutMs: SNIFF_MS,
    closeTimeoutMs: CLOSE_MS,
    application: () => deskOn(() => sim).application,
    invariants: () => {
      const accounting = replyAccounting(desk);
      return [
        entranceAnswers(promises),
        accounting,
        closeCodes(),
        webSocketConduct(),
        webSocketFaults(MAX_FRAGMENTS, accounting),
        noEscapedErrors(),
        staysConnected((name) => steady.has(name), shutdownAtMs),
        silentPeersGivenUp({ pingIntervalMs: PING_MS, slackMs: 3, untilMs: shutdownAtMs }),
        closeTimeout({ closeTimeoutMs: CLOSE_MS, slackMs: 1, watched: () => true }),
      ];
    },
  });
  const say = (n: number): Command => ({ code: "say", n });
  // Exact times: what it writes at once, the server reads at once, 1 ms each way.
  const whole = { fragmentRate: 0, upDelayMs: 1, downDelayMs: 1, serverWindowBytes: 1 << 20 };
  const http = (name: string) => sim.client({ name, sniffed: true, link: whole });
  for (const [name, [head, status]] of Object.entries(ANSWERED)) {
    const at = random.int(2, 10);
    http(name).send(at, head);
    promises[name] = { starts: `HTTP/1.1 ${status} `, byMs: at + 3, closed: true };
  }
  // "GET " decided in two reads: then the head, answered.
  http("g-et").send(5, "G").send(8, `ET / HTTP/1.1\r\nHost: sim\r\n\r\n`);
  promises["g-et"] = { starts: "HTTP/1.1 426 ", notBeforeMs: 9, byMs: 11, closed: true };
  // A head begun and never ended: 408 at the handshake timeout after "GET " came, not later
  // for the bytes after it.
  const begun = random.int(3, 8);
  http("stall").send(begun, "GET / HTTP/1.1\r\n").send(begun + 20, "Host: sim\r\n");
  const deadline = begun + 1 + EDGE_HTTP_HANDSHAKE_MS;
  promises.stall = {
    starts: "HTTP/1.1 408 ",
    notBeforeMs: deadline,
    byMs: deadline + 2,
    closed: true,
  };
  // Upgrade requests trickled in pieces whose last arrives just in time: switched, never
  // 408, and then WebSocket connections like any other, long past the timeout.
  for (const protocol of ["ws-message", "ws-stream"] as const) {
    const everyMs = Math.floor((EDGE_HTTP_HANDSHAKE_MS - random.int(2, 6)) / 3);
    sim.client({ name: `${protocol}-trickle`, protocol, trickleHead: { pieces: 4, everyMs } })
      .send(5, say(protocol === "ws-message" ? 30 : 31)).send(120, say(32));
    steady.add(`${protocol}-trickle`);
  }
  // A head that fits, on a link so slow that it is still coming at the timeout: 408.
  const slow = sim.client({
    name: "slow-head",
    sniffed: true,
    link: { ...whole, serverWindowBytes: 100 },
  });
  slow.send(4, `${HEAD}X-Pad: ${"a".repeat(6000)}\r\n\r\n`);
  const slowDeadline = 5 + EDGE_HTTP_HANDSHAKE_MS;
  promises["slow-head"] = {
    starts: "HTTP/1.1 408 ",
    notBeforeMs: slowDeadline,
    byMs: slowDeadline + 2,
    closed: true,
  };
  // A silent TCP client (one that waits for the server to speak) is served once the sniff
  // timeout has passed; a prompt one at once; a few bytes of "GET" and silence are ended.
  // On a port of HTTP alone, the silent one is ended at the handshake timeout, the prompt
  // one answered 400.
  const waitMs = httpOnly ? EDGE_HTTP_HANDSHAKE_MS : SNIFF_MS;
  http("silent").send(60, say(1));
  http("prompt").send(2, say(2)).send(70, say(3));
  http("ge").send(5, "GE");
  promises.ge = { starts: "", notBeforeMs: 1 + waitMs, byMs: waitMs + 3 };
  if (httpOnly) {
    promises.silent = promises.ge;
    promises.prompt = { starts: "HTTP/1.1 400 ", byMs: 5, closed: true };
  } else {
    promises.silent = { starts: '[{"code":"session"', notBeforeMs: 1 + waitMs, byMs: waitMs + 3 };
    promises.prompt = { starts: '[{"code":"session"', byMs: 5 };
    steady.add("silent").add("prompt");
  }
  // WebSocket clients that live long past the handshake timeout.
  sim.client({ name: "ws-long", protocol: "ws-message" }).send(5, say(4)).send(100, say(5));
  sim.client({ name: "wss-long", protocol: "ws-stream" }).send(5, say(6)).send(110, say(7));
  // WebSocket clients that end with every kind of close frame, some after the timeout.
  CLOSE_FRAMES.forEach((close, n) => {
    const protocol = n % 2 === 0 ? "ws-message" : "ws-stream";
    const end = random.pick([10, 30, 60, 90]);
    sim.client({ name: `closer${n}`, protocol }).send(3, say(10 + n)).end(end, close);
  });
  // Close frames that break the rules: closed with their code, nothing after them answered.
  BAD_CLOSES.forEach(([why, payload, code], n) => {
    const protocol = n % 2 === 0 ? "ws-message" : "ws-stream";
    const frames: RawFrame[] = [{ opcode: 8, payload, owes: { code, why: `a close of ${why}` } }];
    sim.client({ name: `bad-close${n}`, protocol }).send(3, say(20 + n))
      .sendFrames(random.int(10, 40), frames);
  });
  // Frames that break the rules, with a message after them in the same write; and a frame
  // of the other mode (1003).
  BAD_FRAMES.forEach(([why, frames, code], n) => {
    const protocol = n % 2 === 0 ? "ws-message" : "ws-stream";
    const owing = frames.map((frame, k) =>
      k === frames.length - 1 ? { ...frame, owes: { code, why } } : frame
    );
    const after = { opcode: protocol === "ws-message" ? 1 : 2, payload: text(say(40 + n)) };
    sim.client({ name: `bad-frame${n}`, protocol }).send(3, say(50 + n))
      .sendFrames(random.int(10, 40), [...owing, after]);
  });
  sim.client({ name: "wrong-mode", protocol: "ws-message" }).send(3, say(60))
    .sendFrames(20, [{ opcode: 2, payload: text(say(61)), owes: { code: 1003, why: "binary" } }]);
  // Peers that stop answering pings, and send nothing more: given up by the keep-alive.
  for (const protocol of ["ws-message", "ws-stream"] as const) {
    sim.client({ name: `${protocol}-deaf`, protocol }).send(5, say(protocol.length))
      .deafen(random.int(30, 60));
  }
  // Readers that stop reading, or read too slowly, with replies queued at the shutdown:
  // reset at the close timeout, not sooner, not never.
  const says = (from: number) =>
    Array.from({ length: 20 }, (_, n) => ({ code: "say", n: from + n, text: "é".repeat(1000) }));
  sim.client({ name: "stalled", link: { ...whole, windowBytes: 1024 } }).pauseReading(10).send(
    20,
    says(0),
  );
  sim.client({
    name: "slow",
    link: { ...whole, readBytesPerMs: 400, windowBytes: 2048 },
    sniffed: true,
  }).send(100, says(20));
  // A WebSocket peer that never sends a frame: what was held for it (its greeting) comes
  // before the close at the shutdown.
  sim.client({ name: "ws-mute", protocol: "ws-message" });
  steady.add("ws-mute");
  return sim;
}

const text = (command: Command) => new TextEncoder().encode(JSON.stringify(command));

/** Runs the edge-http story of `seed`. */
export function runEdgeHttp(seed: number): Promise<SimulationReport> {
  return buildEdgeHttp(seed).run({ shutdownAtMs: EDGE_HTTP_SHUTDOWN_MS, untilMs: 5_000 });
}
