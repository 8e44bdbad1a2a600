/**
 * The simulation: a seeded, virtual-time network of clients around the real server core.
 *
 * @module
 */
import {
  createLogger,
  deliverResult,
  type Index,
  type Limits,
  type Server,
  type Transport,
} from "../../mod.ts";
import { SimClient } from "./client.ts";
import { EventQueue } from "./event_queue.ts";
import { CLEAN_LINK, drawLinkFaults, linkFaults } from "./faults.ts";
import { FaultPlan } from "./fault_plan.ts";
import type { Invariant, SimObserver, SimulationView } from "./invariant.ts";
import { defaultInvariants } from "../invariants/mod.ts";
import { observeApplication, observeSend } from "./observe.ts";
import { CoreTap } from "./core_tap.ts";
import { Random } from "./random.ts";
import { Records } from "./records.ts";
import { watchUnhandledRejections } from "./rejections.ts";
import { ServerSide } from "./server_side.ts";
import { Settler } from "./settle.ts";
import type { ClientOptions, RunOptions, SimulationOptions } from "./simulation_options.ts";
import { Trace } from "./trace.ts";
import { virtualClock } from "./virtual_clock.ts";
import type { World } from "./world.ts";
import { checkAll, type SimulationReport } from "./report.ts";

export type { ClientOptions, RunOptions, SimulationOptions } from "./simulation_options.ts";

/**
 * Runs the real {@linkcode Server} with simulated clients. One seed decides everything;
 * time is virtual; events run in order of (time, sequence). After each event that reached
 * the core, the simulation lets the core's promise chains settle before it takes the next.
 *
 * @example
 * ```ts
 * import { Application, deliver } from "../../mod.ts";
 * import { Simulation } from "../mod.ts";
 * const sim = new Simulation({
 *   seed: 1,
 *   application: new Application({
 *     storage: null,
 *     defaultController: { handleCommand: (command, { index }) => deliver([index], command) },
 *   }),
 * });
 * sim.client().send(1, { code: "ping" });
 * const report = await sim.run({ shutdownAtMs: 100 });
 * // report.violations is []
 * ```
 */
export class Simulation implements SimulationView, World {
  /** The seed, as an unsigned 32-bit integer. */
  readonly seed: number;
  /** The run's generator, for scenarios to draw from (links draw from the plan's). */
  readonly random: Random;
  /** The run's faults: recorded as they strike, or replayed from a list. */
  readonly faults: FaultPlan;
  /** The real server core, running the application. */
  readonly server: Server;
  /** The real connection layer: every client's socket goes through it. */
  readonly transport: Transport;
  /** The limits the server runs under. */
  readonly limits: Limits;
  /** What happened, line by line (hashed, or kept in mode `full`). */
  readonly trace: Trace;
  /** What the core did, for the invariants. */
  readonly records: Records = new Records();
  /** Every client, in the order they were added. */
  readonly clients: SimClient[] = [];
  /** What {@linkcode Simulation.run} checks. */
  readonly invariants: readonly Invariant[];
  readonly #queue = new EventQueue();
  readonly #options: SimulationOptions;
  readonly #side: ServerSide;
  readonly #settler: Settler;
  readonly #tap: CoreTap;
  #now = 0;
  #touched = false;
  #events = 0;

  constructor(options: SimulationOptions) {
    this.#options = options;
    this.seed = options.seed >>> 0;
    this.random = new Random(this.seed);
    this.faults = options.faults ?? FaultPlan.recording(this.seed);
    this.trace = new Trace(options.trace ?? "hash");
    this.#settler = new Settler((message) => this.#escape(message), options.quietTurns);
    this.#tap = new CoreTap({
      time: () => this.#now,
      trace: this.trace,
      records: this.records,
      isRegistered: (index) => this.server.connections.has(index),
      clientOf: (index) => this.clientOf(index),
      escape: (message) => this.#escape(message),
    }, this.#settler);
    const logger = createLogger({
      level: options.logLevel ?? "error",
      write: (line, level) => {
        const incident = { time: this.#now, message: line };
        this.records.logged.push(incident);
        if (level === "error") this.records.loggedErrors.push(incident);
      },
    });
    const application = typeof options.application === "function"
      ? options.application(logger)
      : options.application;
    this.#side = new ServerSide({
      options,
      application: observeApplication(application, this.#tap),
      deliver: observeSend(
        options.deliver ?? deliverResult,
        (result, target) => this.#tap.addressed(result, target),
        (error) => this.#tap.drained(error),
      ),
      clock: virtualClock(this.#queue, () => this.#now, () => this.touch()),
      logger,
      records: this.records,
      trace: this.trace,
      faults: this.faults,
      now: () => this.#now,
      touch: () => this.touch(),
      soon: (run) => this.soon(run),
    });
    ({ server: this.server, transport: this.transport, limits: this.limits } = this.#side);
    const invariants = options.invariants ?? defaultInvariants;
    this.invariants = typeof invariants === "function" ? invariants() : invariants;
    for (const invariant of this.invariants) invariant.attach?.(this as SimulationView);
  }

  /** Virtual time, in microseconds. */
  get now(): number {
    return this.#now;
  }

  /** How many events have run so far. */
  get eventNumber(): number {
    return this.#events;
  }

  /** Adds a client; it connects at `options.at` (virtual ms). */
  client(options: ClientOptions = {}): SimClient {
    const name = options.name ?? `c${this.clients.length + 1}`;
    const connectAtUs = Math.round((options.at ?? 0) * 1000);
    const mix = this.#options.mix;
    const drawn = mix ? drawLinkFaults(mix, this.faults.keyed(`${name}.link`, 0)) : CLEAN_LINK;
    const client = new SimClient({
      world: this,
      plan: this.faults,
      name,
      faults: linkFaults(this.faults, name, connectAtUs, drawn, {
        ...this.#options.link,
        ...options.link,
      }),
      protocol: options.protocol,
      fragments: options.fragments,
      sniffed: options.sniffed,
      trickleHead: options.trickleHead,
      expected: (index) => this.records.expected(index),
      isAddressed: (bytes) => this.records.isAddressed(bytes),
      connectAtUs,
      accept: (client, socket) => this.#side.accept(client, socket),
    });
    this.clients.push(client);
    return client;
  }

  /** Runs `action` at `atMs` (e.g. a server-side send); the core settles after it. */
  at(atMs: number, action: () => unknown): void {
    this.schedule(Math.max(0, Math.round(atMs * 1000) - this.#now), () => {
      void this.callCore("scenario step", async () => void await action());
    });
  }

  /** The client the server knows by `index`. */
  clientOf(index: Index): SimClient | undefined {
    return this.#side.clientOf(index);
  }

  /** Adds an observer of the run. */
  observe(observer: SimObserver): void {
    this.#tap.observe(observer);
  }

  /** Runs to the end (no events left, or `untilMs`), then checks the invariants. */
  async run(options: RunOptions = {}): Promise<SimulationReport> {
    const untilUs = (options.untilMs ?? 3_600_000) * 1000;
    const maxEvents = options.maxEvents ?? 5_000_000;
    if (options.shutdownAtMs !== undefined) {
      this.at(options.shutdownAtMs, () => {
        this.#side.closePending();
        return this.server.shutdown().then(() => void (this.records.shutdownEndedAt = this.#now));
      });
    }
    const stopWatching = watchUnhandledRejections();
    while (this.#queue.nextTime <= untilUs) {
      const run = this.#queue.pop()!;
      this.#now = this.#queue.poppedTime;
      if (++this.#events > maxEvents) {
        this.#escape(`the run took more than ${maxEvents} events`);
        break;
      }
      this.#touched = false;
      run();
      if (this.#touched) await this.#settler.settle();
    }
    for (const reason of await stopWatching()) this.#escape(`unhandled rejection: ${reason}`);
    return checkAll(this, this.invariants, {
      events: this.#events,
      longestQuietGap: this.#settler.longestGap,
    });
  }

  /** @internal World: schedules an event `delayUs` from now. */
  schedule(delayUs: number, run: () => void): void {
    this.#queue.push(this.#now + delayUs, run);
  }

  /**
   * From inside an Application call (a slow store): resumes it `delayMs` virtual ms later;
   * meanwhile the call does not hold the core's settling.
   */
  park(delayMs: number, resume: () => void): void {
    this.#settler.leave();
    this.schedule(
      Math.round(delayMs * 1000),
      () => (this.#settler.enter(), this.touch(), resume()),
    );
  }

  /** @internal World: schedules an event now, before the queue's. */
  soon(run: () => void): void {
    this.#queue.pushFirst(run);
  }

  /** @internal World: calls into the core, catching what escapes it. */
  callCore(what: string, call: () => Promise<void>): Promise<void> {
    this.touch();
    let promise: Promise<void>;
    try {
      promise = call();
    } catch (error) {
      this.#escape(`${what} threw: ${String(error)}`);
      return Promise.resolve();
    }
    return promise.then(
      () => this.activity(),
      (error) => this.#escape(`${what} rejected: ${String(error)}`),
    );
  }

  /** @internal World: the core must settle after this event. */
  touch(): void {
    this.#touched = true;
    this.#settler.activity();
  }

  /** @internal World: the core did something observable. */
  activity(): void {
    this.#settler.activity();
  }

  #escape(message: string): void {
    this.records.escaped.push({ time: this.#now, message });
  }
}
