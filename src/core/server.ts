/**
 * The server core: accepts connections from any transport, decodes what they send, runs the
 * application and delivers its results. It does no IO itself: everything goes through the
 * {@linkcode Connection} interface, which the connection layer (`src/transport/`) provides.
 *
 * @module
 */
import { errorFor } from "./application.ts";
import { answerFlashPolicy, flashPolicyBytes } from "./flash_policy.ts";
import type { ApplicationHooks } from "./application_hooks.ts";
import type { Clock } from "./clock.ts";
import { InternalCommands } from "./internal_commands.ts";
import { ConnectionPolicy } from "./connection_policy.ts";
import { type Limits, limitsWith } from "./limits.ts";
import type { ServerOptions } from "./server_options.ts";
import type { Admission, Connection } from "./connection.ts";
import { ConnectionsView, type Live } from "./live_connections.ts";
import { type Logger, silentLogger } from "./logger.ts";
import { Registry } from "./registry.ts";
import { AudienceCache } from "./audience_cache.ts";
import { bookFor, type DisconnectOptions, SessionLayer } from "./session_layer.ts";
import type { DeliverPath, HeldAnswer, Hold, Recipients } from "./deliver.ts";
import { deliverResult, HeldDeliveries, tryWrite } from "./deliver.ts";
import type { Command, Index, Result } from "./types.ts";
import { JsonParser } from "../parser/json_parser.ts";
import type { Parser } from "../parser/parser.ts";

const ABORT = { mode: "abort" } as const; // for a peer that lost the right to its bytes

/**
 * Runs an application for connections of any transport.
 *
 * Every state change happens in one *turn* at a time (a hook, or one message's commands),
 * and each turn's result is written before the next turn starts, so what clients see
 * follows the order of the state. Drains are awaited outside the turn.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application, deliver, ManualClock, Server } from "../../mod.ts";
 * const application = new Application({
 *   storage: null,
 *   defaultController: { handleCommand: (c, { index }) => deliver([index], c) },
 * });
 * const server = new Server({ application, clock: new ManualClock() });
 * const out: string[] = [];
 * const admission = server.accept({
 *   bufferedBytes: 0,
 *   write: (bytes) => void out.push(new TextDecoder().decode(bytes)),
 *   drain: async () => {},
 *   close: async () => {},
 * });
 * assert.ok(admission.accepted);
 * await admission.events.data(new TextEncoder().encode('{"code":"ping"}\0'));
 * assert.deepEqual(out, ['[{"code":"ping"}]\0']);
 * ```
 */
export class Server {
  /** The encoding of the wire: what clients' bytes are decoded with. */
  readonly parser: Parser;
  /** A read-only view of the live connections. */
  readonly connections: ConnectionsView;
  readonly #application: ApplicationHooks;
  readonly #registry: Registry<Live> = new Registry();
  readonly #logger: Logger;
  readonly #flashPolicy: Uint8Array | null;
  readonly #deliver: DeliverPath;
  readonly #recipients: Recipients;
  readonly #internal: InternalCommands;
  readonly #limits: Limits;
  readonly #clock: Clock;
  readonly #sessions: SessionLayer | undefined;
  readonly #held: HeldDeliveries;
  /** The connection whose message the running turn answers, if any (see `runTurn`). */
  #waiter: { readonly index: Index } | undefined;
  #turn: Promise<unknown> = Promise.resolve();
  #accepting = true;

  constructor(options: ServerOptions) {
    this.#application = options.application;
    this.parser = options.parser ?? new JsonParser();
    this.connections = new ConnectionsView(this.#registry);
    this.#logger = options.logger ?? silentLogger;
    this.#flashPolicy = flashPolicyBytes(options.flashPolicy);
    this.#deliver = options.deliver ?? deliverResult;
    this.#limits = limitsWith(options.limits);
    this.#clock = options.clock;
    this.#internal = new InternalCommands({
      application: this.#application,
      logger: this.#logger,
      clock: options.clock,
      maxDepth: options.maxInternalDepth ?? 8,
      runLater: (produce) => void this.runTurn(produce),
    });
    const audiences = new AudienceCache(
      (index) => this.#registry.get(index)?.policy.outbound,
      () => this.#registry.generation,
    );
    this.#recipients = {
      connectionOf: (index) => audiences.connectionOf(index),
      addressing: (indexes) => audiences.addressing(indexes),
      serialize: (commands) => this.parser.serialize(commands),
      fail: (index, error) => {
        const entry = this.#registry.get(index);
        if (entry) void this.#disconnect(entry, "write failed", { error });
      },
    };
    this.#held = new HeldDeliveries(
      (result) => this.#deliver(result, this.#recipients),
      () => this.#waiter?.index, // read as the turn sends: a resume moves it
    );
    const Layer = options.sessionLayer ?? SessionLayer;
    this.#sessions = options.holdMs === undefined ? undefined : new Layer({
      registry: this.#registry,
      application: this.#application,
      book: bookFor(options, this.#limits),
      accepting: () => this.#accepting,
      runTurn: (produce, waiter) => this.runTurn(produce, waiter),
      disconnect: (entry, reason, ending, notice) =>
        this.#disconnect(entry, reason, { ending, notice }),
    });
  }

  /** Whether new connections are still taken. */
  get accepting(): boolean {
    return this.#accepting;
  }

  /**
   * Registers a new connection, runs the application's onConnect for it, and returns the
   * events its transport must report. Over `maxConnections`, or while shutting down, the
   * connection is refused: answered with an error and closed.
   */
  accept(connection: Connection): Admission {
    const refusal = !this.#accepting
      ? "server is shutting down"
      : this.#registry.size >= this.#limits.maxConnections
      ? "server is full"
      : undefined;
    if (refusal) return this.#refuse(connection, refusal);
    const decoder = this.parser.createDecoder();
    // Its own closures are these few: an idle connection weighs what it holds.
    const entry: Live = this.#registry.add((index) => {
      const policy = new ConnectionPolicy(connection, this.#limits, this.#clock, (why) => {
        const told = why.tell ? { notice: { error: why.reason } } : ABORT; // if it can hear
        void this.#disconnect(entry, why.reason, told);
      });
      return { index, decoder, policy, inbound: Promise.resolve() };
    });
    const { index } = entry;
    this.#logger.info("connect", { index });
    entry.inbound = this.#sessions
      ? this.#sessions.opened(entry)
      : this.runTurn(() => this.#application.onConnect(index));
    // Methods, not arrows: tsx's keepNames gives every named arrow a property dictionary.
    // deno-lint-ignore no-this-alias
    const server = this;
    return {
      accepted: true,
      events: {
        index,
        data(bytes) {
          return server.#then(entry, index, () => server.#receive(entry, bytes));
        },
        end() {
          return server.#then(entry, index, () => server.#disconnect(entry, "end"));
        },
        error(error) {
          return server.#disconnect(entry, "error", { error });
        },
      },
    };
  }

  /** Runs `step` after the connection's earlier events (`index`: the one it was accepted as). */
  #then(entry: Live, index: Index, step: () => Promise<void>): Promise<void> {
    entry.inbound = entry.inbound.then(step).catch((error) => {
      this.#logger.error("connection event failed", { index, reason: String(error) });
    });
    return entry.inbound;
  }

  /**
   * Runs `produce` in a state turn of its own (after the turns already queued) and delivers
   * its result there: how a timer or an admin action changes state; answers held with `hold`
   * are written outside the turn. Resolves when the recipients have drained; never rejects.
   * `waiter`: the connection whose message the turn answers; what waits on others' held
   * answers, and is not for it, is not waited for (its next message is not held back by them).
   */
  runTurn(
    produce: (hold: Hold) => Result | Promise<Result>,
    waiter?: { readonly index: Index },
  ): Promise<void> {
    const turn = this.#turn.then(async () => {
      this.#waiter = waiter; // turns run one at a time: this one's until the next begins
      const held: HeldAnswer[] = [];
      const result = await produce((answer) => void held.push(answer));
      return { drained: this.#held.send(await this.#internal.resolve(result), held) };
    });
    this.#turn = turn.catch(() => {});
    // The drains are awaited outside the turn, so a slow reader holds back no other turn.
    return turn.then(({ drained }) => drained, (error) => {
      this.#logger.error("turn failed", { reason: String(error) });
    });
  }

  /** Closes one connection (or ends a held identity) from the server's side, for good. */
  disconnect(index: Index, reason = "closed by server"): Promise<void> {
    const entry = this.#registry.get(index);
    if (entry) return this.#disconnect(entry, reason, { ending: "gone" });
    return this.#sessions?.end(index) ?? Promise.resolve();
  }

  /**
   * Stops taking connections and messages, lets the turns already queued finish (their
   * answers are written), then disconnects every connection (running its onDisconnect and
   * flushing what it was sent) and resolves when all are closed.
   */
  async shutdown(): Promise<void> {
    this.#accepting = false;
    this.#internal.clear();
    // Commands already taken in are handled and answered; what arrives from now on is not.
    await this.#turn;
    await this.#held.flushed;
    await Promise.all(this.#registry.indexes().map((index) => this.disconnect(index, "shutdown")));
    await this.#sessions?.shutdown();
    await this.#turn;
  }

  /**
   * Handles one read: every message, good or bad, counts against the rate; what is over it
   * is answered once for the whole read, with the count refused.
   */
  async #receive(entry: Live, bytes: Uint8Array): Promise<void> {
    if (entry.leaving || !this.#accepting) return;
    const { policy, decoder } = entry;
    policy.heard();
    let refused: { count: number; first: Command | undefined } | undefined;
    for (const message of decoder.decode(bytes, this.#clock.now())) {
      if (entry.leaving || !this.#accepting) return;
      if (message.kind === "policy-request" && this.#flashPolicy) {
        await this.#answerPolicy(entry, this.#flashPolicy);
        continue;
      }
      const commands = message.kind === "commands" ? message.commands : undefined;
      const count = commands?.length ?? 1;
      const allowed = policy.admit(count);
      if (allowed < count) {
        refused ??= { count: 0, first: commands?.[allowed] };
        refused.count += count - allowed;
      }
      if (commands) {
        policy.goodMessage();
        const admitted = allowed === count ? commands : commands.slice(0, allowed);
        if (allowed > 0 && this.#sessions) await this.#sessions.handle(entry, admitted);
        else if (allowed > 0) {
          const { index } = entry;
          // An argument, not a named arrow: tsx's keepNames would name one on every message.
          await this.runTurn(
            (hold) => this.#application.handleCommands(index, admitted, hold),
            entry,
          );
        }
        continue;
      }
      const reason = message.kind === "error" ? message.message : "message is not valid JSON";
      const fatal = message.kind === "error" && message.fatal;
      this.#warn(entry, "bad message", { reason });
      const to = [entry.index]; // read now: a resume among earlier messages moved it
      if (allowed > 0 || fatal) await this.runTurn(() => [[to, [{ error: reason }]]], entry);
      if (fatal) return void await this.#disconnect(entry, "message too large", ABORT);
      if (!policy.badMessage()) {
        await this.runTurn(() => [[to, [{ error: "too many bad messages" }]]]);
        return void await this.#disconnect(entry, "too many bad messages", ABORT);
      }
    }
    // Gone while the read was handled (a limit, a reset): no timer, nothing addressed to it.
    if (entry.leaving) return;
    policy.pending(decoder.pendingSince);
    if (!refused) return;
    this.#warn(entry, "rate limit exceeded", { refused: refused.count });
    const error = errorFor(refused.first ?? {}, "rate limit exceeded");
    await this.runTurn(() => [[[entry.index], [{ ...error, refused: refused.count }]]], entry);
  }

  /** Logs a warning about a connection, at most once per interval (with the count held back). */
  #warn(entry: Live, message: string, fields: Record<string, unknown>): void {
    const held = entry.policy.warning();
    if (held === undefined) return;
    this.#logger.warn(message, { index: entry.index, ...fields, ...held > 0 ? { held } : {} });
  }

  #refuse(connection: Connection, reason: string): Admission {
    this.#logger.warn("connection refused", { reason });
    tryWrite(connection, this.parser.serialize([{ error: reason }]));
    void connection.close();
    return { accepted: false, reason };
  }

  async #answerPolicy(entry: Live, policy: Uint8Array): Promise<void> {
    const error = await answerFlashPolicy(entry.policy.outbound, policy);
    await this.#disconnect(entry, "policy answered", { ending: "gone", error });
  }

  /** Closes a connection once and tells the application (`SessionLayer.ended`, with a hold). */
  #disconnect(entry: Live, reason: string, options: DisconnectOptions = {}): Promise<void> {
    const { error, mode, notice, ending = "hold" } = options;
    if (entry.leaving) return entry.leaving;
    // A client that ended its side still reads: what is held for it goes out before the close.
    if (reason === "end" && !options.flushed && this.#held.holds(entry.index)) {
      const wait: Promise<void> = this.#held.flushed.then(() => {
        if (entry.leaving === wait) entry.leaving = undefined;
        return this.#disconnect(entry, reason, { ...options, flushed: true });
      });
      return entry.leaving = wait;
    }
    // Marked first: closing may report the socket's failure, and with it this very disconnect.
    let left!: () => void;
    entry.leaving = new Promise<void>((resolve) => (left = resolve));
    const { index } = entry;
    // A resumed connection has taken the index over already: it stays.
    if (this.#registry.get(index) === entry) this.#registry.delete(index);
    entry.policy.stop();
    const fields = { index, reason, error: error === undefined ? undefined : String(error) };
    if (error === undefined) this.#logger.info("disconnect", fields);
    else this.#logger.warn("disconnect", fields);
    if (notice) tryWrite(entry.policy.outbound, this.parser.serialize([notice]));
    const closed = entry.policy.outbound.close(mode);
    const hooked = this.#sessions
      ? this.#sessions.ended(entry, ending)
      : this.runTurn(() => this.#application.onDisconnect(index));
    void Promise.all([closed, hooked]).then(left);
    return entry.leaving;
  }
}
