/**
 * The card table under the simulator: bots that play on what they receive, over links with
 * the faults a seed draws, on the simulator's virtual clock.
 *
 * @module
 */
import { Application, DEFAULT_LIMITS, type Index } from "../../mod.ts";
import {
  botMove,
  type CardsStorage,
  createCardsController,
  createCardsStorage,
  fromUint32,
  isTableView,
  type TableView,
} from "../../examples/cards/mod.ts";
import { holeCardsHidden, type TableClock, tableClock } from "./cards_invariants.ts";
import { type CardsPlant, type CardsResumePlant, plantedCardsController } from "./cards_planted.ts";
import type { SimClient } from "../engine/client.ts";
import { type FaultMix, randomFaultMix } from "../engine/faults.ts";
import {
  bufferBounds,
  concurrentDrain,
  hookPairs,
  noEscapedErrors,
  perIndexDelivery,
} from "../invariants/mod.ts";
import { Random } from "../engine/random.ts";
import { Simulation } from "../engine/simulation.ts";
import type { TraceMode } from "../engine/trace.ts";
import type { FaultPlan } from "../engine/fault_plan.ts";
import {
  type BotStart,
  dropAndResume,
  holdOptions,
  resumeInvariants,
  resumeSteps,
} from "./cards_resume.ts";
import { loggedHooks } from "./resume_log.ts";

/** The table of the card scenario: multi-byte characters, so every view can be cut in one. */
export const CARDS_KEY = "tablé ♠♥♦♣ 日本";
/** After this (virtual ms) no bot asks for another hand. */
const LAST_READY_MS = 6_000;

/** A built card scenario. */
export interface CardsScenario {
  readonly seed: number;
  readonly mix: FaultMix;
  readonly summary: string;
  readonly sim: Simulation;
  readonly storage: CardsStorage;
  readonly players: readonly SimClient[];
  readonly spectators: readonly SimClient[];
  readonly turnTimeoutMs: number;
  /** Turns, timeouts, hands and showdowns the run went through (after it). */
  readonly clock: TableClock;
  readonly shutdownAtMs: number;
}

/**
 * Builds the card scenario of `seed`: a fault mix drawn as the swarm draws it (latency,
 * jitter, fragmentation and coalescing, small windows, slow readers), 2 to 6 bots that sit,
 * get ready and play with `botMove` on the views they decode, now and then thinking past
 * the turn timer; 0 to 2 spectators; and, as the mix says, players who vanish, reset,
 * half-close, leave the table or stop reading mid-hand. The deck is shuffled from the seed.
 * No bot asks for a hand after 6 s; the server shuts down once the longest hand could have
 * ended. Checked by per-index delivery, concurrent drain, hooks, escaped errors, buffer
 * bounds, hole cards hidden (in the raw bytes, against the table's state), and the table
 * clock (turn timers in virtual time, every hand ends).
 *
 * @example
 * ```ts
 * import { buildCardsScenario } from "./cards_scenario.ts";
 * const scenario = buildCardsScenario(7);
 * const report = await scenario.sim.run({ shutdownAtMs: scenario.shutdownAtMs });
 * ```
 */
export function buildCardsScenario(
  seed: number,
  options: {
    plant?: CardsPlant | CardsResumePlant;
    trace?: TraceMode;
    faults?: FaultPlan;
    resumes?: boolean;
  } = {},
): CardsScenario {
  const random = new Random(seed);
  const mix = { ...randomFaultMix(random.fork()), stormRate: 0, tightLimitsRate: 0 };
  const deck = random.fork();
  const turnTimeoutMs = random.int(200, 600);
  const seats = random.int(2, 6);
  const shutdownAtMs = LAST_READY_MS + 2_000 + 4 * seats * turnTimeoutMs + 1_000;
  const storage = createCardsStorage();
  const clock = tableClock(storage, CARDS_KEY, { turnTimeoutMs, handsOverByMs: shutdownAtMs });
  // With resumes: served with a hold, its hooks logged for the session invariants.
  const hold = options.resumes ? holdOptions(random) : undefined;
  let log: ReturnType<typeof loggedHooks> | undefined;
  const sim: Simulation = new Simulation({
    seed,
    mix,
    trace: options.trace,
    faults: options.faults,
    application: (logger) => {
      const controller = createCardsController({
        random: fromUint32(() => deck.uint32()),
        turnTimeoutMs,
        logger,
      });
      const application = new Application({
        storage,
        defaultController: options.plant
          ? plantedCardsController(controller, options.plant)
          : controller,
        logger,
      });
      if (!hold) return application;
      log = loggedHooks(application, () => sim.now, (index) => sim.server.connections.has(index));
      return log.application;
    },
    server: hold,
    invariants: hold
      ? [
        concurrentDrain(),
        noEscapedErrors(),
        bufferBounds({ maxQueuedBytes: DEFAULT_LIMITS.maxBufferedBytes + 64 * 1024 }),
        clock,
        ...resumeInvariants(storage, CARDS_KEY, () => log!),
      ]
      : [
        perIndexDelivery(),
        concurrentDrain(),
        hookPairs({ inRoom: (index) => atTable(storage, index) }),
        noEscapedErrors(),
        bufferBounds({ maxQueuedBytes: DEFAULT_LIMITS.maxBufferedBytes + 64 * 1024 }),
        holeCardsHidden(storage, CARDS_KEY),
        clock,
      ],
  });
  const play = (client: SimClient, start: BotStart) =>
    playBot(client, random.fork(), turnTimeoutMs, start);
  const players = Array.from({ length: seats }, () => {
    const player = sim.client({ at: random.int(0, 30) });
    playBot(player, random.fork(), turnTimeoutMs);
    const dropAt = misbehave(player, random, mix);
    if (hold) {
      const lastDropMs = LAST_READY_MS + 1_000;
      dropAndResume(
        sim,
        player,
        random,
        { holdMs: hold.holdMs!, lastDropMs, depth: 0, dropAt },
        play,
      );
    }
    return player;
  });
  const spectators = Array.from({ length: random.int(0, 2) }, () => {
    const spectator = sim.client({ at: random.int(0, 3_000) });
    spectator.send(spectator.connectAt / 1000 + 1, { code: "join", key: CARDS_KEY });
    misbehave(spectator, random, mix);
    return spectator;
  });
  const summary = `scenario cards, seed ${seed}: ${seats} players, ${spectators.length}` +
    ` spectators, turn ${turnTimeoutMs}ms${hold ? `, hold ${hold.holdMs}ms` : ""}` +
    (options.plant ? `, planted bug: ${options.plant}` : "");
  return {
    seed,
    mix,
    summary,
    sim,
    storage,
    players,
    spectators,
    turnTimeoutMs,
    clock,
    shutdownAtMs,
  };
}

/** Whether `index` is still at a table, in any way the game keeps it. */
function atTable(storage: CardsStorage, index: Index): boolean {
  if (storage.tableOf.has(index)) return true;
  return [...storage.tables.values()].some((table) => table.members.has(index));
}

/**
 * A player bot: joins, sits and gets ready; acts with `botMove` when a view says it is its
 * turn (once per street), after thinking a while (a tenth of the time past the timer); asks
 * for the next hand when one ends, until `LAST_READY_MS`.
 */
function playBot(
  client: SimClient,
  random: Random,
  turnTimeoutMs: number,
  start: BotStart = {},
): void {
  const sitDown = (atMs: number) => {
    client.send(atMs + 1, { code: "join", key: CARDS_KEY });
    client.send(atMs + 2, { code: "sit", key: CARDS_KEY });
    client.send(atMs + 3, { code: "ready", key: CARDS_KEY });
  };
  const { resumeFrom } = start;
  if (!resumeFrom) sitDown(client.connectAt / 1000);
  const moves = fromUint32(() => random.uint32());
  const think = () =>
    random.chance(0.1)
      ? random.int(turnTimeoutMs, 2 * turnTimeoutMs)
      : random.int(1, turnTimeoutMs / 2);
  let acted: string | undefined;
  client.onMessage((commands, self) => {
    if (resumeFrom) resumeSteps(commands, self, resumeFrom, sitDown);
    for (const view of commands.filter(isTableView)) {
      const move = botMove(view, moves, 15);
      const turn = `${view.hand?.number}/${view.hand?.phase}`;
      if (move && turn !== acted) {
        acted = turn;
        self.send(self.time + think(), move);
      }
      if (handEnded(view) && view.you.seat !== null && self.time < LAST_READY_MS) {
        const code = random.chance(0.1) ? "start" : "ready";
        self.send(self.time + random.int(1, turnTimeoutMs / 2), { code, key: CARDS_KEY });
      }
    }
  });
}

function handEnded(view: TableView): boolean {
  return view.events.some((event) => event.type === "win");
}

/**
 * What the mix makes a client do besides playing: vanish, reset, end, leave, stop reading.
 * Returns when it drops (vanishes, is reset or ends), if it does.
 */
function misbehave(client: SimClient, random: Random, mix: FaultMix): number | undefined {
  const start = client.connectAt / 1000;
  const when = () => random.int(start + 10, LAST_READY_MS + 1_000);
  let dropAt: number | undefined;
  if (random.chance(mix.abortRate)) client.abort(dropAt = when());
  else if (random.chance(mix.resetRate)) client.reset(dropAt = when(), random.int(1, 40));
  else if (random.chance(mix.halfCloseRate)) client.end(dropAt = when());
  else if (random.chance(mix.abortRate / 2)) client.send(when(), { code: "leave", key: CARDS_KEY });
  if (random.chance(mix.stalledReaderRate)) {
    const from = when();
    client.pauseReading(from);
    if (random.chance(0.7)) client.resumeReading(from + random.int(50, 3_000));
  }
  if (random.chance(mix.momentAbortRate)) client.abortWhileDraining();
  return dropAt;
}
