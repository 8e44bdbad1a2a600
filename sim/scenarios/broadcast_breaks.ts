/**
 * A client that vanishes at every point of a broadcast: before it, while the controller
 * runs, just before or just after the core's write to it, while the core waits for its
 * drain, while the bytes are on their way, halfway through reading them, after reading
 * them; by abort, by half-close, by a reset the server hears of late. Five positions (first
 * in the room, before the sender, the sender itself, after it, last) times eleven moments:
 * a seed names one of the 55 and draws the rest.
 *
 * @module
 */
import type { SimClient } from "../engine/client.ts";
import { departureOf } from "../invariants/limit_invariants.ts";
import type { Invariant, Violation } from "../engine/invariant.ts";
import {
  HOSTILE_ROOM,
  type HostileRoom,
  hostileRoom,
  originOf,
  probe,
  said,
} from "./hostile_room.ts";
import { Random } from "../engine/random.ts";
import type { TraceMode } from "../engine/trace.ts";
import type { FaultPlan } from "../engine/fault_plan.ts";

/** Who vanishes: a place in the room's order (the sender is the third). */
export const POSITIONS = ["first", "before-sender", "sender", "after-sender", "last"] as const;
/** When it vanishes, relative to the broadcast. */
export const MOMENTS = [
  "gone-before",
  "same-moment",
  "during-handling",
  "write-throws",
  "after-write",
  "while-draining",
  "in-flight",
  "mid-read",
  "after-read",
  "half-close",
  "late-reset",
] as const;
/** How many (position, moment) pairs there are: seeds `0..COMBINATIONS-1` name each once. */
export const COMBINATIONS = POSITIONS.length * MOMENTS.length;

/** The sender says the broadcast at this time; links take 2 ms up and 4 ms down. */
const SAY_MS = 50;
const UP_MS = 2;
const DOWN_MS = 4;
/** When the broadcast reaches the core, and when it reaches the clients. */
const AT_CORE = SAY_MS + UP_MS;
const AT_CLIENTS = AT_CORE + DOWN_MS;
/** When the server shuts down. */
export const BREAK_SHUTDOWN_MS = 400;

/** A built broadcast-break scenario. */
export interface BreakScenario extends HostileRoom {
  readonly seed: number;
  readonly position: (typeof POSITIONS)[number];
  readonly moment: (typeof MOMENTS)[number];
  readonly summary: string;
  readonly victim: SimClient;
  readonly sender: SimClient;
  /** Everyone who must hear the broadcast and everything after it: not the victim. */
  readonly others: readonly SimClient[];
  readonly probe: SimClient;
  readonly shutdownAtMs: number;
}

/**
 * Builds the scenario of `seed`: position `seed % 5`, moment `(seed / 5) % 11`; the seed
 * also draws fragmentation, coalescing and the sizes of what is said. Five clients join the
 * room in order; everyone says things before and after; the third says the broadcast at
 * 50 ms; a probe joins at 150 ms. Checked by every rooms invariant, end-to-end latency, and
 * a `broadcast break` invariant: the moment really happened, the victim left once, and
 * everyone else heard the broadcast.
 *
 * @example
 * ```ts
 * import { buildBreakScenario } from "./broadcast_breaks.ts";
 * const scenario = buildBreakScenario(12); // the sender, half-way through reading
 * const report = await scenario.sim.run({ shutdownAtMs: scenario.shutdownAtMs });
 * ```
 */
export function buildBreakScenario(
  seed: number,
  trace?: TraceMode,
  faults?: FaultPlan,
): BreakScenario {
  const position = POSITIONS[seed % POSITIONS.length];
  const moment = MOMENTS[Math.floor(seed / POSITIONS.length) % MOMENTS.length];
  const random = new Random(seed);
  const link = {
    upDelayMs: UP_MS,
    downDelayMs: DOWN_MS,
    fragmentRate: random.chance(0.5) ? random.float() : 0,
    coalesceRate: random.chance(0.5) ? random.float() : 0,
  };
  const built: { scenario?: BreakScenario } = {};
  const room = hostileRoom({
    seed,
    link,
    trace,
    faults,
    invariants: [breakInvariant(() => built.scenario!)],
  });
  const { sim } = room;
  const victimAt = POSITIONS.indexOf(position);
  const members = POSITIONS.map((_, k) =>
    sim.client({ link: k === victimAt ? victimLink(moment) : {} })
  );
  const [sender, victim] = [members[2], members[victimAt]];
  const pad = (min: number, max: number) => "ü".repeat(random.int(min, max));
  members.forEach((client, k) => {
    client.send(2 + k, { code: "goto", key: HOSTILE_ROOM });
    if (client !== sender) {
      for (const at of [60 + k, 80 + k]) client.send(at, said(client, at, at, pad(10, 100)));
    }
  });
  for (const at of [30, SAY_MS, 70, 90]) sender.send(at, said(sender, at, at, pad(100, 200)));
  strike(room, victim, sender, moment);
  const late = probe(sim, 150);
  const others = [...members.filter((client) => client !== victim), late];
  for (const client of others) {
    room.expectDeparture(client, () => ({ reason: "shutdown", fromMs: BREAK_SHUTDOWN_MS }));
  }
  const scenario: BreakScenario = {
    ...room,
    seed,
    position,
    moment,
    summary: `scenario broadcast-break, seed ${seed}: the ${position} client, ${moment}` +
      ` (fragment ${link.fragmentRate.toFixed(2)}, coalesce ${link.coalesceRate.toFixed(2)})`,
    victim,
    sender,
    others,
    probe: late,
    shutdownAtMs: BREAK_SHUTDOWN_MS,
  };
  built.scenario = scenario;
  return scenario;
}

/** The victim's link: slow reading or a small window where the moment needs one. */
function victimLink(moment: BreakScenario["moment"]) {
  // What it is sent after it stops reading (at 31 ms) fits in the window, but not together
  // with the broadcast: the core's drain of the broadcast has to wait.
  if (moment === "while-draining") return { windowBytes: 600, highWaterMark: 0 };
  if (moment === "mid-read") return { readBytesPerMs: 64 };
  return {};
}

/** Makes the victim vanish at its moment. */
function strike(room: HostileRoom, victim: SimClient, sender: SimClient, moment: string): void {
  const { sim } = room;
  const arm = (what: (writes: number) => void) =>
    sim.at(AT_CORE - 1, () => what(victim.link.writes + 1));
  switch (moment) {
    case "gone-before":
      return void victim.abort(AT_CORE - 1 - UP_MS);
    case "same-moment":
      return void victim.abort(SAY_MS);
    case "during-handling": {
      let struck = false;
      return sim.observe({
        turnStarted(index) {
          if (struck || index !== sender.index || sim.now !== AT_CORE * 1000) return;
          struck = true;
          victim.link.abortNow("vanished while the controller ran");
        },
      });
    }
    case "write-throws":
      return arm((n) => victim.resetBeforeWrite(n));
    case "after-write":
      return arm((n) => victim.abortAfterWrite(n));
    case "while-draining":
      victim.pauseReading(31);
      return arm(() => victim.abortWhileDraining());
    case "in-flight":
      return void victim.abort(AT_CORE + DOWN_MS / 2);
    case "mid-read":
      return void victim.abort(AT_CLIENTS + 2);
    case "after-read":
      return void victim.abort(AT_CLIENTS + 1);
    case "half-close":
      return void victim.end(SAY_MS);
    default:
      return void victim.reset(AT_CORE - 1 - UP_MS, 30);
  }
}

/** Whether `client` was addressed the broadcast, and whether it read all of it. */
function broadcastTo(client: SimClient, sender: SimClient) {
  const position = client.expected.findIndex((entry) =>
    entry.commands.some((command) => {
      const origin = originOf(command);
      return origin?.from === sender.name && origin.sentAtMs === SAY_MS;
    })
  );
  return { addressed: position >= 0, read: position >= 0 && client.inbox.matched > position };
}

/** What must be true after each moment, and of every scenario: the moment really struck. */
function breakInvariant(built: () => BreakScenario): Invariant {
  const name = "broadcast break";
  return {
    name,
    check(sim) {
      const scenario = built();
      const { victim, sender, moment } = scenario;
      const problems: string[] = [];
      // A replayed fault list (a shrinker's rerun) may move or drop the moment, so only a
      // seed's own run is held to it; what the core owes everyone is checked either way.
      const planned = !scenario.sim.faults.replaying;
      const gone = victim.index === undefined ? undefined : departureOf(sim.records, victim.index);
      const hooks = victim.index === undefined ? undefined : sim.records.hooksOf(victim.index);
      const left = gone && gone.time < BREAK_SHUTDOWN_MS * 1000;
      if (planned && !left) problems.push("it never left");
      if (hooks?.disconnects !== 1) problems.push(`${hooks?.disconnects} onDisconnect calls`);
      const mine = broadcastTo(victim, sender);
      const link = victim.link;
      const witnessed: Record<BreakScenario["moment"], boolean> = {
        "gone-before": !mine.addressed && (gone?.time ?? Infinity) < AT_CORE * 1000,
        "same-moment": gone?.time === AT_CORE * 1000 && !mine.read,
        "during-handling": !mine.addressed && gone?.time === AT_CORE * 1000,
        "write-throws": mine.addressed && link.counts.writeFailures > 0,
        "after-write": mine.addressed && !mine.read && (gone?.time ?? 0) <= AT_CORE * 1000 + 1,
        "while-draining": mine.addressed && link.counts.drainFailures > 0,
        "in-flight": mine.addressed && !mine.read && link.discardedBytes > 0,
        "mid-read": mine.addressed && !mine.read && victim.inbox.length > readBefore(victim),
        "after-read": mine.read && link.clientGone,
        "half-close": mine.read && gone?.reason === "end",
        "late-reset": link.counts.lostWrites > 0 && gone?.reason === "error",
      };
      if (planned && !witnessed[moment]) {
        problems.push(`the moment "${moment}" did not happen as planned`);
      }
      const said = victim !== sender || mine.addressed || moment === "during-handling";
      for (const other of scenario.others) {
        if (other !== scenario.probe && said && !broadcastTo(other, sender).read) {
          problems.push(`${other.name} never heard the broadcast`);
        }
      }
      return problems.map((message): Violation => ({
        invariant: name,
        client: victim.name,
        message,
      }));
    },
  };
}

/** The bytes of what the victim was addressed before the broadcast. */
function readBefore(victim: SimClient): number {
  let bytes = 0;
  for (const entry of victim.expected) {
    if (entry.time >= AT_CORE * 1000) break;
    bytes += entry.bytes.length;
  }
  return bytes;
}
