/**
 * The mixed swarm: TCP clients, WebSocket clients in message mode and in stream mode, in the
 * same rooms of the rooms example, on a random fault mix, under every invariant the TCP swarm
 * keeps, plus the wire's own (inbound integrity, WebSocket conduct, the transport layer).
 *
 * @module
 */
import type { Command } from "../../mod.ts";
import type { ClientProtocol, SimClient } from "../engine/client.ts";
import { CLEAN_LINK, describeFaultMix, type FaultMix, randomFaultMix } from "../engine/faults.ts";
import { FaultPlan } from "../engine/fault_plan.ts";
import type { Invariant } from "../engine/invariant.ts";
import { Random } from "../engine/random.ts";
import { Simulation } from "../engine/simulation.ts";
import type { TraceMode } from "../engine/trace.ts";
import {
  closeCodes,
  inboundIntegrity,
  transportLayer,
  webSocketConduct,
} from "../invariants/mod.ts";
import { CLOSE_FRAMES, type CloseFrame } from "../engine/ws_close_frame.ts";
import { createSwarmApp, roomsInvariants, type SwarmApp } from "./swarm_app.ts";
import { WEBSOCKET_PLANTS, type WebSocketPlantName } from "./ws_planted.ts";

/** When the mixed swarm's server shuts down, in virtual ms. */
export const WS_SWARM_SHUTDOWN_MS = 300;

const PROTOCOLS: readonly ClientProtocol[] = ["tcp", "ws-message", "ws-stream"];
const TEXTS = ["plain", "héllo", "日本語のテキスト", "🎲 dice 🎲", 'a "quoted" \\ text'];

/** Options of {@linkcode buildWebSocketSwarm}. */
export interface WebSocketSwarmOptions {
  readonly plant?: WebSocketPlantName;
  readonly trace?: TraceMode;
  /** Replays these faults instead of recording new ones. */
  readonly faults?: FaultPlan;
  /**
   * Lets the mix make the WebSocket message limit tight (60 to 300 bytes); on unless
   * `false`. It found a bug of the WebSocket socket, which wrote its 1009 close before the
   * core had handled the messages before the oversized one in the same read, so the replies
   * to them were addressed and never sent (7 of seeds 1-300; fixed: the close now follows
   * them).
   */
  readonly tightMessageLimit?: boolean;
}

/** A built (not yet run) mixed swarm. */
export interface WebSocketSwarm {
  readonly seed: number;
  readonly mix: FaultMix;
  readonly summary: string;
  readonly shutdownAtMs: number;
  readonly sim: Simulation;
  readonly app: SwarmApp;
}

/**
 * Builds the mixed swarm of `seed`: one client of each protocol that stays to the end (its
 * stream-mode one sends a message in two writes), then 2 to 7 more of random protocols that
 * join r0 or r1, save, update, read, peek at secrets, send batches and bad messages, and end
 * in every way the mix allows; now and then a client knocks after the shutdown (and, with
 * `tightMessageLimit`, the WebSocket message limit is now and then tight).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildWebSocketSwarm } from "./ws_swarm.ts";
 * const { sim, shutdownAtMs } = buildWebSocketSwarm(7);
 * const report = await sim.run({ shutdownAtMs });
 * assert.equal(report.ok, true);
 * ```
 */
export function buildWebSocketSwarm(
  seed: number,
  options: WebSocketSwarmOptions = {},
): WebSocketSwarm {
  const random = new Random(seed);
  const mix = randomFaultMix(random.fork());
  const faults = options.faults ?? FaultPlan.recording(seed);
  // A tight WebSocket message limit is a fault: over it, a frame or a stream is closed with 1009.
  const [drawn, limit] = [random.chance(mix.tightLimitsRate), random.int(60, 300)];
  const tight = drawn && options.tightMessageLimit !== false;
  const maxMessageBytes = faults.given("server", "ws-max-message", 0, 0, tight ? limit : undefined);
  let app: SwarmApp | undefined;
  const made = () => {
    if (!app) throw new Error("the application was not created");
    return app;
  };
  const sim = new Simulation({
    seed,
    mix,
    faults,
    trace: options.trace,
    websocket: maxMessageBytes === undefined ? undefined : { maxMessageBytes },
    closeTimeoutMs: 1000,
    webSocketPlant: options.plant && WEBSOCKET_PLANTS[options.plant].plant,
    application: (logger) => (app = createSwarmApp(seed, logger)).application,
    invariants: () => webSocketSwarmInvariants(made()),
  });
  const protocols: ClientProtocol[] = [...PROTOCOLS];
  for (let n = random.int(2, 7); n > 0; n--) protocols.push(random.pick(PROTOCOLS));
  protocols.forEach((protocol, n) => {
    // The three that stay get a roomy server window: their handshake is soon done.
    const link = n < 3 ? { serverWindowBytes: CLEAN_LINK.serverWindowBytes } : {};
    const client = sim.client({ at: n < 3 ? n : random.int(0, 40), protocol, link });
    // Its close frame, drawn apart: the other draws stay as they were.
    const close = faults.keyed(`${client.name}.close`, 0).pick(CLOSE_FRAMES);
    script(client, random, mix, n < 3, close);
  });
  if (random.chance(0.3)) {
    const late = sim.client({
      at: WS_SWARM_SHUTDOWN_MS + random.int(0, 5),
      name: "late",
      protocol: random.pick(PROTOCOLS),
    });
    late.send(WS_SWARM_SHUTDOWN_MS + 5, { code: "get", key: "s-0" });
  }
  const kinds = protocols.join(",");
  const summary = `seed ${seed}, clients ${kinds}, faults: ${describeFaultMix(mix)}`;
  return { seed, mix, summary, shutdownAtMs: WS_SWARM_SHUTDOWN_MS, sim, app: made() };
}

/** The swarm's invariants (rooms, secrets, hooks, delivery) and the wire's. */
export function webSocketSwarmInvariants(app: SwarmApp): Invariant[] {
  return [
    ...roomsInvariants(app.rooms, (index) => app.secrets.secretOf(index)),
    transportLayer(),
    inboundIntegrity(),
    webSocketConduct(),
    closeCodes(),
  ];
}

function script(
  client: SimClient,
  random: Random,
  mix: FaultMix,
  anchor: boolean,
  close: CloseFrame,
): void {
  const start = random.int(0, 30);
  let time = start;
  const room = random.chance(0.7) ? "r0" : "r1";
  client.send(time, { code: "goto", key: room });
  if (anchor && client.protocol === "ws-stream") {
    // A message in two writes well after the handshake: its frames reach the server in two
    // reads.
    const text = JSON.stringify({ code: "save", key: "s-9", state: { room, from: client.name } });
    const cut = random.int(1, text.length - 1);
    client.send(150, text.slice(0, cut)).send(170, text.slice(cut) + "\0");
  }
  for (let n = random.int(1, 8); n > 0; n--) {
    time += random.int(1, 10);
    if (random.chance(0.05)) {
      client.send(time, "{not json\0");
      continue;
    }
    const batch: Command[] = [];
    for (let size = random.chance(0.2) ? random.int(2, 3) : 1; size > 0; size--) {
      batch.push(command(random, client.name, n, room));
    }
    client.send(time, batch.length === 1 ? batch[0] : batch);
  }
  const end = time + random.int(0, 20);
  if (anchor) return;
  if (random.chance(mix.abortRate)) client.abort(random.int(start, end + 10));
  else if (random.chance(mix.resetRate)) {
    client.reset(random.int(start, end + 10), random.int(1, 40));
  } else if (random.chance(mix.halfCloseRate)) client.end(end, close);
  if (random.chance(mix.momentAbortRate)) {
    const moment = random.int(0, 2);
    if (moment === 0) client.abortAfterConnect();
    else if (moment === 1) client.abortWhileDraining();
    else client.resetBeforeWrite(random.int(1, 6));
  }
  if (random.chance(mix.stalledReaderRate)) {
    client.pauseReading(random.int(start, end));
    if (random.chance(0.5)) client.resumeReading(end + random.int(10, 150));
  }
}

function command(random: Random, from: string, n: number, room: string): Command {
  switch (random.int(0, 6)) {
    case 0:
    case 1:
      return {
        code: random.pick(["set", "save"]),
        key: `s-${n}`,
        state: { room, from, n, text: random.pick(TEXTS) },
      };
    case 2:
      return { code: "update", key: `list-${room}`, index: random.int(0, 20), value: { room, n } };
    case 3:
      return { code: random.pick(["get", "load"]), key: `s-${random.int(0, 5)}` };
    case 4:
      return { code: "peek", key: "secret" };
    case 5:
      return { command: "goto", key: room };
    default:
      return { code: "nope", key: room };
  }
}
