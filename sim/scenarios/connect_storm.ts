/**
 * A thousand clients connect and disconnect within one virtual second, every way a client
 * can go, while a room of others keeps talking.
 *
 * @module
 */
import type { SimClient } from "../engine/client.ts";
import type { Invariant, Violation } from "../engine/invariant.ts";
import { departureOf } from "../invariants/limit_invariants.ts";
import { HOSTILE_ROOM, type HostileRoom, hostileRoom, probe, said, talk } from "./hostile_room.ts";
import { Random } from "../engine/random.ts";
import type { TraceMode } from "../engine/trace.ts";
import type { FaultPlan } from "../engine/fault_plan.ts";

/** When the storm starts, and how long it lasts, in virtual ms. */
export const STORM_AT_MS = 500;
export const STORM_MS = 1000;
/** When the server shuts down. */
export const STORM_SHUTDOWN_MS = 3000;

/** A built connect-storm scenario. */
export interface StormScenario extends HostileRoom {
  readonly seed: number;
  readonly summary: string;
  readonly storm: readonly SimClient[];
  /** The talkers and the probe. */
  readonly others: readonly SimClient[];
  readonly probe: SimClient;
  /** The server's `maxConnections`, when the seed made it tight. */
  readonly maxConnections?: number;
  /** Connections still registered just after the storm (filled in by the run). */
  readonly registeredAfter: number[];
  readonly shutdownAtMs: number;
}

/** How a storm client goes. */
const FATES = [
  "abort",
  "half-close",
  "join and abort",
  "half a message",
  "abort after connect",
  "reset",
  "write throws",
  "bad bytes",
] as const;

/**
 * Builds the storm of `seed`: three talkers in the room from the start; `count` clients
 * (default 1000) connect at random times within one second from 500 ms, each goes one of
 * eight ways within that second (some join the room and speak first); on odd seeds
 * `maxConnections` is tight, so that many are refused; a probe joins after the storm. Checked
 * by every rooms invariant, end-to-end latency, the talkers' departures (at the shutdown),
 * and a `storm` invariant: each storm client was let go within the second (plus its link's
 * delays), and right after the storm only the talkers were registered.
 *
 * @example
 * ```ts
 * import { buildStormScenario } from "./connect_storm.ts";
 * const storm = buildStormScenario(2, { count: 100 });
 * const report = await storm.sim.run({ shutdownAtMs: storm.shutdownAtMs });
 * ```
 */
export function buildStormScenario(
  seed: number,
  options: { count?: number; trace?: TraceMode; faults?: FaultPlan } = {},
): StormScenario {
  const random = new Random(seed);
  const talkerCount = 3;
  const maxConnections = seed % 2 === 1 ? talkerCount + random.int(5, 15) : undefined;
  const built: { scenario?: StormScenario } = {};
  const room = hostileRoom({
    seed,
    trace: options.trace,
    faults: options.faults,
    limits: maxConnections === undefined ? undefined : { maxConnections },
    invariants: [stormInvariant(() => built.scenario!)],
  });
  const { sim } = room;
  const talkers = Array.from({ length: talkerCount }, () => sim.client());
  for (const talker of talkers) {
    talker.send(1, { code: "goto", key: HOSTILE_ROOM });
    talk(talker, random, { fromMs: 20, toMs: 2500, periodMs: [20, 60], padBytes: [10, 200] });
  }
  const end = STORM_AT_MS + STORM_MS - 1;
  const storm = Array.from({ length: options.count ?? 1000 }, () => {
    const at = STORM_AT_MS + random.int(0, STORM_MS - 1);
    const client = sim.client({
      at,
      link: { upDelayMs: random.int(1, 5), downDelayMs: random.int(1, 5), fragmentRate: 0.3 },
    });
    const leave = Math.min(end, at + random.int(0, 30));
    switch (random.pick(FATES)) {
      case "abort":
        return client.abort(leave);
      case "half-close":
        return client.end(leave);
      case "join and abort":
        client.send(at, { code: "goto", key: HOSTILE_ROOM });
        return client.send(leave, said(client, leave, 0, "storm")).abort(leave);
      case "half a message":
        return client.send(at, '{"code":"goto","key":"ar').abort(leave);
      case "abort after connect":
        return client.abortAfterConnect();
      case "reset":
        return client.reset(leave, random.int(1, 20));
      case "write throws":
        return client.resetBeforeWrite(random.int(1, 2)).send(at, { code: "goto", key: "x" })
          .end(leave);
      default:
        return client.send(at, new Uint8Array([0xff, 0xc3, 0x28, 0])).end(leave);
    }
  });
  const registeredAfter: number[] = [];
  sim.at(
    STORM_AT_MS + STORM_MS + 100,
    () => registeredAfter.push(...sim.server.connections.indexes()),
  );
  const late = probe(sim, STORM_AT_MS + STORM_MS + 200);
  const others = [...talkers, late];
  for (const client of others) {
    room.expectDeparture(client, () => ({ reason: "shutdown", fromMs: STORM_SHUTDOWN_MS }));
  }
  const scenario: StormScenario = {
    ...room,
    seed,
    summary: `scenario connect-storm, seed ${seed}: ${storm.length} clients in one second` +
      (maxConnections === undefined ? "" : `, maxConnections ${maxConnections}`),
    storm,
    others,
    probe: late,
    maxConnections,
    registeredAfter,
    shutdownAtMs: STORM_SHUTDOWN_MS,
  };
  built.scenario = scenario;
  return scenario;
}

/** The faults by which a storm client leaves. */
const LEAVING = new Set([
  "abort",
  "half-close",
  "reset",
  "abort-after-connect",
  "reset-before-write",
]);

/** Every storm client gone within its second; only the talkers left registered after it. */
function stormInvariant(built: () => StormScenario): Invariant {
  const name = "storm";
  return {
    name,
    check(sim) {
      const scenario = built();
      const violations: Violation[] = [];
      const add = (message: string, client?: string) =>
        violations.push({ invariant: name, client, message });
      // A replayed fault list (a shrinker's rerun) may drop a storm client's way out: only
      // those whose way out struck must be gone.
      const leaving = new Set(
        scenario.storm.filter((client) =>
          !scenario.sim.faults.replaying ||
          scenario.sim.faults.events.some((fault) =>
            fault.client === client.name && LEAVING.has(fault.kind)
          )
        ),
      );
      for (const client of leaving) {
        if (client.index === undefined) continue;
        const { upDelayMs } = client.link.faults;
        // The last way out is a reset the core hears of 20 ms after it reaches the server.
        const boundUs = (STORM_AT_MS + STORM_MS + upDelayMs + 20) * 1000;
        const gone = departureOf(sim.records, client.index);
        if (!gone || gone.time > boundUs) {
          add(
            `still connected after the storm's second (${gone?.time ?? "never"} µs)`,
            client.name,
          );
        }
      }
      const talkers = [...scenario.others, ...scenario.storm.filter((c) => !leaving.has(c))]
        .flatMap((client) => client.index ?? []);
      const extra = scenario.registeredAfter.filter((index) => !talkers.includes(index));
      if (extra.length > 0) add(`indexes ${extra.join(", ")} were still registered after it`);
      if (
        scenario.maxConnections === undefined && scenario.storm.some((client) => client.refused)
      ) {
        add("clients were refused by a server that was never full");
      }
      return violations;
    },
  };
}
