/**
 * Odd shapes of ordinary use, on the desk (`desk.ts`): a held save that fails for a command
 * that answers nothing, in a message whose other command answers; a resume with the token of
 * a connection that never spoke (the game never met it); a game's own `leave`, with a key;
 * a game hook that throws among several controllers; an empty message alone in its read,
 * then more; strings with escaped quotes and digits; replies of non-ASCII text, many and
 * large, across the encoder's slabs; WebSocket clients, in both modes, that answer pings
 * through several quiet intervals; and a stream-mode message over the WebSocket limit sent in
 * two reads. Judged by reply accounting, identities (of the desk and of its room
 * controller), turn order, what the game handled being answered, whole messages, WebSocket
 * conduct and limit, and staying connected.
 *
 * @module
 */
import type { Command } from "../../mod.ts";
import { NO_FAULTS } from "../engine/faults.ts";
import { Random } from "../engine/random.ts";
import type { SimulationReport } from "../engine/report.ts";
import { Simulation } from "../engine/simulation.ts";
import { handledAnswered } from "../invariants/handled_answered.ts";
import { noEscapedErrors } from "../invariants/health_invariants.ts";
import { replyAccounting } from "../invariants/reply_accounting.ts";
import { identities } from "../invariants/session_invariants.ts";
import { staysConnected } from "../invariants/stays_connected.ts";
import { turnOrder } from "../invariants/turn_order.ts";
import { webSocketConduct, wholeMessages } from "../invariants/wire_invariants.ts";
import { webSocketLimit } from "../invariants/ws_limit.ts";
import { deskModel, deskOn } from "./desk.ts";
import type { HookCall } from "./resume_app.ts";
import type { StoryOptions } from "./swarm_limits.ts";

/** When the edge-shapes story's server shuts down, in virtual ms. */
export const EDGE_SHAPES_SHUTDOWN_MS = 150;

const HOLD_MS = 400;
/** The WebSocket limit, under the parser's: a larger message is the WebSocket's to close. */
const WS_MAX_MESSAGE_BYTES = 300;
const PING_INTERVAL_MS = 15;
/** Clients that keep the protocol all along, however quiet. */
const STEADY = new Set(["poet", "quoter", "roamer", "saver", "ws-quiet", "wss-quiet"]);

/**
 * Builds the edge-shapes story of `seed` (the seed draws the lengths of the poet's texts and
 * whether the other links cut segments).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runEdgeShapes } from "./edge_shapes.ts";
 * const report = await runEdgeShapes(1);
 * assert.ok(report.ok, report.violations.map((v) => v.message).join("; "));
 * ```
 */
export function buildEdgeShapes(seed: number, options: StoryOptions = {}): Simulation {
  const random = new Random(seed);
  const shutdownAtMs = EDGE_SHAPES_SHUTDOWN_MS;
  let calls: HookCall[] = [];
  let roomCalls: HookCall[] = [];
  const accounting = replyAccounting(deskModel({
    shutdownAtMs,
    marginMs: 2,
    holdMs: HOLD_MS,
    resumes: () => false,
  }));
  const handled = handledAnswered((command) => command.code !== "news" && command.code !== "heard");
  const sim: Simulation = new Simulation({
    seed,
    trace: options.trace,
    faults: options.faults,
    mix: { ...NO_FAULTS, fragmentRate: random.pick([0, 0.5]) },
    server: {
      holdMs: HOLD_MS,
      random: (bytes) => random.fill(bytes),
    },
    websocket: { maxMessageBytes: WS_MAX_MESSAGE_BYTES, pingIntervalMs: PING_INTERVAL_MS },
    closeTimeoutMs: 5,
    application: () => {
      const desk = deskOn(() => sim);
      calls = desk.calls;
      roomCalls = desk.roomCalls;
      return handled.watch(desk.application);
    },
    invariants: () => [
      accounting,
      handled,
      turnOrder(),
      identities(() => calls, () => []),
      identities(() => roomCalls, () => []),
      noEscapedErrors(),
      wholeMessages(),
      webSocketConduct(),
      webSocketLimit(WS_MAX_MESSAGE_BYTES),
      staysConnected((name) => STEADY.has(name), shutdownAtMs),
    ],
  });
  const say = (n: number, text?: string): Command =>
    text === undefined ? { code: "say", n } : {
      code: "say",
      n,
      text,
    };
  const whole = { fragmentRate: 0 }; // what it writes at once, the server reads at once
  const quick = { ...whole, upDelayMs: 1, downDelayMs: 1, serverWindowBytes: 1 << 20 };
  // A save held for a command that answers nothing fails: its error still comes.
  sim.client({ name: "saver" }).send(5, [say(1), {
    code: "durable",
    ms: 6,
    quiet: true,
    fail: true,
  }]).send(30, say(2));
  // A resume with the token of a connection that never spoke: the game never met it.
  const stranger = sim.client({ name: "stranger" });
  sim.client({ name: "mute" }).onMessage((commands) => {
    const token = commands.find((command) => command.code === "session")?.token;
    if (typeof token === "string") stranger.send(20, [{ code: "resume", token }, say(3)]);
  });
  // The game's own leave, keyed: the player stays.
  sim.client({ name: "roamer" }).send(5, { code: "join", key: "room" })
    .send(10, [{ code: "leave", key: "room" }, say(4)]).send(40, say(5));
  // The desk's onDisconnect throws for this one: the room controller must hear it gone still.
  sim.client({ name: "jinxed" }).send(5, [{ code: "join", key: "room" }, { code: "jinx" }])
    .end(20);
  // An empty message alone in its read, then more; and two empty ones after a whole one.
  sim.client({ name: "blank", link: whole }).send(5, "\0").send(10, say(6))
    .send(15, `${JSON.stringify(say(7))}\0\0`).send(20, "\0").send(25, say(8));
  // Strings that hold escaped quotes followed by digits, which are no numbers.
  sim.client({ name: "quoter" }).send(5, say(9, 'he said "1e-999" and "9007199254740993"'))
    .send(10, { code: "say", n: 10, [`"1e999`]: '\\"-1e999\\', text: 'a\\"2e400' })
    // With a zero, or a number past 2^53, in the message: the text is then read for numbers.
    .send(15, say(0, 'it is "1e-999" or "0.0e-5" \\"1e-400'))
    .send(20, { code: "say", n: 1e300, text: 'not "9007199254740993", "-9007199254740993"' });
  // Many large replies of non-ASCII text: they fill the encoder's slabs past their ends.
  const poet = sim.client({ name: "poet", link: quick });
  for (let n = 0; n < 100; n++) {
    const text = ["€", "é", "日本", "🎲"][n % 4].repeat(random.int(250, 800));
    poet.send(5 + n, say(100 + n, text));
  }
  // WebSocket clients quiet for several ping intervals, answering the pings.
  for (const protocol of ["ws-message", "ws-stream"] as const) {
    const prefix = protocol === "ws-message" ? "ws" : "wss";
    sim.client({ name: `${prefix}-quiet`, protocol }).send(5, say(11)).send(120, say(12));
  }
  // Stream-mode messages just over the WebSocket limit, each in two reads under it.
  const base = JSON.stringify(say(13, "")).length;
  const large = JSON.stringify(say(13, "x".repeat(WS_MAX_MESSAGE_BYTES + 5 - base)));
  for (const cut of [random.int(100, 150), random.int(200, 280)]) {
    sim.client({ name: `wss-large${cut}`, protocol: "ws-stream", link: quick }).send(5, say(14))
      .send(20, large.slice(0, cut)).send(25, `${large.slice(cut)}\0`);
  }
  return sim;
}

/** Runs the edge-shapes story of `seed`. */
export function runEdgeShapes(seed: number): Promise<SimulationReport> {
  return buildEdgeShapes(seed).run({ shutdownAtMs: EDGE_SHAPES_SHUTDOWN_MS, untilMs: 5_000 });
}
