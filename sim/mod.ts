/**
 * The deterministic network simulator: the real server core, many simulated clients (TCP, or
 * WebSocket through the real upgrade and WebSocket socket), seeded faults on every link,
 * virtual time, and a library of invariants to check after a run. Clients read with a
 * reference decoder of their own, never with the server's parser.
 *
 * Ready-made scenarios live beside it: the random swarm (`./swarm.ts`), and, by name in
 * `./scenarios.ts`, hostile clients (`never-reader`, `slow-reader`, `flood`, `steady-reader`,
 * `broadcast-break`, `connect-storm`) and the card table (`cards`). Any seed of any of them
 * replays with `SIM_SEED=<seed> SIM_SCENARIO=<name> npm run sim`. A run's faults are data
 * (a {@linkcode FaultPlan}): a failing run shrinks to the few it needs, and its list replays
 * with `SIM_REPLAY=<list> npm run sim`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application, deliver } from "../mod.ts";
 * import { defaultInvariants, Simulation } from "./mod.ts";
 * const sim = new Simulation({
 *   seed: 42,
 *   application: new Application({
 *     storage: null,
 *     defaultController: { handleCommand: (command, { index }) => deliver([index], command) },
 *   }),
 *   link: { fragmentRate: 0.5, jitterMs: 3 },
 *   invariants: defaultInvariants(),
 * });
 * sim.client().send(1, { code: "hello", text: "héllo" }).end(10);
 * const report = await sim.run();
 * assert.equal(report.ok, true);
 * ```
 *
 * @module
 */
export {
  type ClientOptions,
  type RunOptions,
  Simulation,
  type SimulationOptions,
} from "./engine/simulation.ts";
export type { WebSocketPlant } from "./engine/simulation_options.ts";
export {
  type ClientLogEntry,
  type ClientProtocol,
  type MessageListener,
  type Outgoing,
  Received,
  SimClient,
} from "./engine/client.ts";
export { Link, type LinkState, type LinkTriggers } from "./engine/link.ts";
export { ServerEnd } from "./engine/server_end.ts";
export { type ReadMessage, readMessage, ReferenceDecoder } from "./engine/reference_decoder.ts";
export { SentStream } from "./engine/sent_stream.ts";
export { WebSocketClient, type WebSocketMode } from "./engine/ws_client.ts";
export { ClientFrameReader, type FrameSink } from "./engine/ws_frame_reader.ts";
export {
  CLEAN_LINK,
  describeFaultMix,
  describeLink,
  drawLinkFaults,
  type FaultMix,
  isPrompt,
  type LinkFaults,
  NO_FAULTS,
  randomFaultMix,
} from "./engine/faults.ts";
export { type FaultEvent, faultKey, FaultPlan, type FaultStream } from "./engine/fault_plan.ts";
export {
  decodeRun,
  describeFault,
  encodeRun,
  formatSchedule,
  type ListedRun,
} from "./engine/fault_list.ts";
export { shrinkFaults, type Shrunk, type StillFails } from "./engine/shrink.ts";
export * from "./invariants/mod.ts";
export type { Invariant, SimObserver, SimulationView, Violation } from "./engine/invariant.ts";
export type { Addressed, HookCounts, Incident, Records } from "./engine/records.ts";
export {
  failingClients,
  formatClientLog,
  formatViolation,
  type SimulationReport,
} from "./engine/report.ts";
export { Random } from "./engine/random.ts";
export { fnv1a, hex32 } from "./engine/hash.ts";
export { formatTime, showBytes, Trace, type TraceMode } from "./engine/trace.ts";
