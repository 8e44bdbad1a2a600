/**
 * The server core: accepts connections from any transport, decodes what they send, runs the
 * application and sends its results. It does no IO itself: everything goes through the
 * {@linkcode Connection} interface.
 *
 * @module
 */
import { type Application, errorFor } from "./application.ts";
import type { Clock } from "./clock.ts";
import { InternalCommands } from "./internal_commands.ts";
import { ConnectionPolicy, type GiveUp } from "./connection_policy.ts";
import { type Limits, limitsWith } from "./limits.ts";
import { FLASH_POLICY, type Live, type SendPath, type ServerOptions } from "./server_options.ts";
import type { Connection, ConnectionEvents } from "./connection.ts";
import { type Logger, silentLogger } from "./logger.ts";
import { Registry } from "./registry.ts";
import { sendResult, type SendTarget } from "./send.ts";
import type { Command, Delivery, Index, Result } from "./types.ts";
import { JsonParser } from "../parser/json_parser.ts";
import type { Parser } from "../parser/parser.ts";

/**
 * Runs an {@linkcode Application} for connections of any transport.
 *
 * Every state change happens in one turn at a time (a hook, or one message's commands), and
 * each turn's result is written before the next turn starts, so what clients see follows the
 * order of the state. Drains are awaited outside the turn.
 *
 * @example
 * ```ts
 * import { Application, deliver, ManualClock, Server } from "../../mod.ts";
 * const application = new Application({
 *   storage: null,
 *   defaultController: { handleCommand: (c, { index }) => deliver([index], c) },
 * });
 * const server = new Server({ application, clock: new ManualClock() });
 * const out: Uint8Array[] = [];
 * const events = server.accept({
 *   bufferedBytes: 0,
 *   write: (bytes) => void out.push(bytes),
 *   drain: async () => {},
 *   close: async () => {},
 * });
 * await events.data(new TextEncoder().encode('{"code":"ping"}\0'));
 * // out holds the bytes of '[{"code":"ping"}]\0'
 * ```
 */
export class Server<S> {
  readonly application: Application<S>;
  readonly parser: Parser;
  readonly registry: Registry<Live> = new Registry();
  readonly #logger: Logger;
  readonly #flashPolicy: Uint8Array | null;
  readonly #send: SendPath;
  readonly #target: SendTarget;
  readonly #internal: InternalCommands<S>;
  readonly #limits: Limits;
  readonly #clock: Clock;
  #turn: Promise<unknown> = Promise.resolve();
  #accepting = true;

  constructor(options: ServerOptions<S>) {
    this.application = options.application;
    this.parser = options.parser ?? new JsonParser();
    this.#logger = options.logger ?? silentLogger;
    const policy = options.flashPolicy === undefined ? FLASH_POLICY : options.flashPolicy;
    this.#flashPolicy = policy === null ? null : new TextEncoder().encode(policy + "\0");
    this.#send = options.send ?? sendResult;
    this.#limits = limitsWith(options.limits);
    this.#clock = options.clock;
    this.#internal = new InternalCommands({
      application: this.application,
      logger: this.#logger,
      clock: options.clock,
      maxDepth: options.maxInternalDepth ?? 8,
      runLater: (produce) => void this.#handle(produce),
    });
    this.#target = {
      connectionOf: (index) => this.registry.get(index)?.connection,
      serialize: (commands) => this.parser.serialize(commands),
      fail: (index, error) => this.#fail(index, error),
    };
  }

  /** Whether new connections are still taken. */
  get accepting(): boolean {
    return this.#accepting;
  }

  /**
   * Registers a new connection, runs the application's onConnect for it, and returns the
   * events its transport must report. Over `maxConnections`, or while shutting down, the
   * connection is answered with an error and closed instead (its events have index 0).
   */
  accept(connection: Connection): ConnectionEvents {
    const refusal = !this.#accepting
      ? "server is shutting down"
      : this.registry.size >= this.#limits.maxConnections
      ? "server is full"
      : undefined;
    if (refusal) return this.#refuse(connection, refusal);
    const decoder = this.parser.createDecoder();
    const entry = this.registry.add((index) => {
      const policy = new ConnectionPolicy(connection, this.#limits, this.#clock, (why) => {
        this.#giveUp(entry, why);
      });
      return { index, connection: policy.outbound, decoder, policy, inbound: Promise.resolve() };
    });
    const { index } = entry;
    this.#logger.info("connect", { index });
    entry.inbound = this.#handle(() => this.application.onConnect(index));
    const then = (step: () => Promise<void>) => {
      entry.inbound = entry.inbound.then(step).catch((error) => {
        this.#logger.error("connection event failed", { index, reason: String(error) });
      });
      return entry.inbound;
    };
    return {
      index,
      data: (bytes) => then(() => this.#receive(entry, bytes)),
      end: () => then(() => this.#disconnect(entry, "end")),
      error: (error) => this.#disconnect(entry, "error", error),
    };
  }

  /**
   * Sends a result produced outside of a command (a timer, an admin action), in a turn of
   * its own. Resolves when the recipients have drained.
   */
  send(produce: () => Result | Promise<Result>): Promise<void> {
    return this.#handle(produce);
  }

  /** Closes one connection from the server's side; its onDisconnect runs once. */
  disconnect(index: Index, reason = "closed by server"): Promise<void> {
    const entry = this.registry.get(index);
    return entry ? this.#disconnect(entry, reason) : Promise.resolve();
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
    const indexes = this.registry.indexes();
    await Promise.all(indexes.map((index) => this.disconnect(index, "shutdown")));
    await this.#turn;
  }

  async #receive(entry: Live, bytes: Uint8Array): Promise<void> {
    if (entry.leaving || !this.#accepting) return;
    entry.policy.heard();
    for (const message of entry.decoder.decode(bytes)) {
      if (entry.leaving || !this.#accepting) return;
      if (message.kind === "commands") {
        await this.#handleCommands(entry, message.commands);
      } else if (message.kind === "policy-request" && this.#flashPolicy) {
        await this.#answerPolicy(entry, this.#flashPolicy);
      } else {
        const reason = message.kind === "error" ? message.message : "message is not valid JSON";
        this.#logger.warn("bad message", { index: entry.index, reason });
        await this.#handle(() => [[[entry.index], [{ error: reason }]]]);
        if (message.kind === "error" && message.fatal) {
          await this.#disconnect(entry, "message too large");
        }
      }
    }
  }

  /** Runs the commands the rate allows; each one over it is answered with an error. */
  #handleCommands(entry: Live, commands: Command[]): Promise<void> {
    const allowed = entry.policy.admit(commands.length);
    if (allowed === commands.length) {
      return this.#handle(() => this.application.handleCommands(entry.index, commands));
    }
    this.#logger.warn("rate limit exceeded", {
      index: entry.index,
      refused: commands.length - allowed,
    });
    return this.#handle(async () => [
      ...await this.application.handleCommands(entry.index, commands.slice(0, allowed)),
      ...commands.slice(allowed).map((command): Delivery => [
        [entry.index],
        [errorFor(command, "rate limit exceeded")],
      ]),
    ]);
  }

  #refuse(connection: Connection, reason: string): ConnectionEvents {
    this.#logger.warn("connection refused", { reason });
    try {
      connection.write(this.parser.serialize([{ error: reason }]));
    } catch {
      // Gone already: closing is all that is left to do.
    }
    void connection.close();
    const ignored = () => Promise.resolve();
    return { index: 0, data: ignored, end: ignored, error: ignored };
  }

  /** A limit gave up on a connection: tell the client why if it can still hear, then close. */
  #giveUp(entry: Live, why: GiveUp): void {
    if (why.tell) {
      try {
        entry.connection.write(this.parser.serialize([{ error: why.reason }]));
      } catch {
        // The connection is failing anyway.
      }
    }
    void this.#disconnect(entry, why.reason);
  }

  async #answerPolicy(entry: Live, policy: Uint8Array): Promise<void> {
    try {
      entry.connection.write(policy);
      await entry.connection.drain();
    } catch (error) {
      this.#logger.warn("policy answer failed", { index: entry.index, reason: String(error) });
    }
    await this.#disconnect(entry, "policy answered");
  }

  /**
   * Runs `produce` in its own turn and writes its result there; then awaits the drains
   * outside the turn, so a slow reader holds back no other turn. Never rejects.
   */
  #handle(produce: () => Result | Promise<Result>): Promise<void> {
    const turn = this.#turn.then(async () => ({
      drained: this.#send(await this.#internal.resolve(await produce()), this.#target),
    }));
    this.#turn = turn.catch(() => {});
    return turn.then(({ drained }) => drained, (error) => {
      this.#logger.error("turn failed", { reason: String(error) });
    });
  }

  #fail(index: Index, error: unknown): void {
    const entry = this.registry.get(index);
    if (entry) void this.#disconnect(entry, "write failed", error);
  }

  #disconnect(entry: Live, reason: string, error?: unknown): Promise<void> {
    if (entry.leaving) return entry.leaving;
    const { index } = entry;
    this.registry.delete(index);
    entry.policy.stop();
    const fields = { index, reason, error: error === undefined ? undefined : String(error) };
    if (error === undefined) this.#logger.info("disconnect", fields);
    else this.#logger.warn("disconnect", fields);
    const closed = entry.connection.close();
    const hooked = this.#handle(() => this.application.onDisconnect(index));
    entry.leaving = Promise.all([closed, hooked]).then(() => {});
    return entry.leaving;
  }
}
