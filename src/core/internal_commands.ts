/**
 * How the server handles deliveries addressed to nobody: internal commands run at once (their
 * results take their place), timed ones wait in a {@linkcode Scheduler}.
 *
 * @module
 */
import type { ApplicationHooks } from "./application_hooks.ts";
import type { Clock } from "./clock.ts";
import { SERVER_INDEX, timerRequestOf } from "./internal.ts";
import type { Logger } from "./logger.ts";
import { Scheduler } from "./scheduler.ts";
import type { Command, Result } from "./types.ts";

/**
 * Options of {@linkcode InternalCommands}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   Application, deliver, InternalCommands, type InternalCommandsOptions, later, ManualClock,
 *   type Result, silentLogger,
 * } from "../../mod.ts";
 * const clock = new ManualClock();
 * let handled: Promise<Result> | undefined;
 * const options: InternalCommandsOptions = {
 *   application: new Application({
 *     storage: null,
 *     defaultController: { handleCommand: (command) => deliver([1], command) },
 *   }),
 *   logger: silentLogger,
 *   clock,
 *   maxDepth: 8,
 *   runLater: (produce) => void (handled = produce()),
 * };
 * const internals = new InternalCommands(options);
 * assert.deepEqual(await internals.resolve([later({ code: "timeout" }, { afterMs: 100 })]), []);
 * assert.equal(internals.pending, 1);
 * clock.advance(100);
 * assert.deepEqual(await handled, [[[1], [{ code: "timeout" }]]]);
 * assert.equal(internals.pending, 0);
 * ```
 */
export interface InternalCommandsOptions {
  /** Runs internal commands (as index 0, the server itself). */
  application: Pick<ApplicationHooks, "handleCommands">;
  logger: Logger;
  /** The time timed commands run on. */
  clock: Clock;
  /** How deep internal commands may nest. */
  maxDepth: number;
  /** Runs a timed command's handling in a turn of the server's own. */
  runLater: (produce: () => Promise<Result>) => void;
}

/**
 * Resolves the internal commands of a result, each exactly once, within a depth bound.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   Application, deliver, internal, InternalCommands, ManualClock, silentLogger,
 * } from "../../mod.ts";
 * const application = new Application({
 *   storage: null,
 *   defaultController: { handleCommand: (command) => deliver([1], { ...command, done: true }) },
 * });
 * const internals = new InternalCommands({
 *   application, logger: silentLogger, clock: new ManualClock(), maxDepth: 8, runLater: () => {},
 * });
 * const result = await internals.resolve([internal({ code: "deal" })]);
 * assert.deepEqual(result, [[[1], [{ code: "deal", done: true }]]]);
 * ```
 */
export class InternalCommands {
  readonly #options: InternalCommandsOptions;
  readonly #scheduler: Scheduler;
  /** The live timer under each id, from when it is queued until it runs, is cancelled or replaced. */
  readonly #firedUnder = new Map<string, object>();

  constructor(options: InternalCommandsOptions) {
    this.#options = options;
    this.#scheduler = new Scheduler(options.clock);
  }

  /** How many timed commands are waiting. */
  get pending(): number {
    return this.#scheduler.size;
  }

  /**
   * The result with every internal command replaced by what handling it produced: the result
   * itself, at once, when it has none (what nearly every turn has: no coroutine for it).
   */
  resolve(result: Result): Result | Promise<Result> {
    if (result.every(([indexes]) => indexes.length > 0)) return result;
    return this.#resolve(result, 0);
  }

  /** Cancels every timed command (at shutdown). */
  clear(): void {
    this.#scheduler.clear();
    this.#firedUnder.clear();
  }

  async #resolve(result: Result, depth: number): Promise<Result> {
    const outgoing: Result = [];
    for (const delivery of result) {
      const [indexes, commands] = delivery;
      if (indexes.length > 0) {
        outgoing.push(delivery);
        continue;
      }
      for (const command of commands) {
        if (depth >= this.#options.maxDepth) {
          this.#options.logger.error("internal command nested too deep", {
            depth,
            code: text(command.code),
          });
        } else if (!this.#scheduled(command)) {
          outgoing.push(...await this.#resolve(await this.#handle([command]), depth + 1));
        }
      }
    }
    return outgoing;
  }

  /** Handles commands as the server; replies to the server itself are logged, not sent. */
  async #handle(commands: Command[]): Promise<Result> {
    const result = await this.#options.application.handleCommands(SERVER_INDEX, commands);
    for (const [indexes, replies] of result) {
      if (!indexes.includes(SERVER_INDEX)) continue;
      for (const { error, code } of replies) {
        if (error === undefined) continue;
        this.#options.logger.warn("internal command failed", {
          reason: text(error),
          code: text(code),
        });
      }
    }
    return result;
  }

  /**
   * A timer's command, handled in the turn its firing queued, unless the timer was cancelled
   * or replaced after it fired and before that turn: a cancelled timer never runs.
   */
  #fired(
    id: string | undefined,
    periodMs: number | undefined,
    timer: object,
    commands: Command[],
  ): Promise<Result> {
    if (id === undefined) return this.#handle(commands);
    if (this.#firedUnder.get(id) !== timer) return Promise.resolve([]);
    if (periodMs === undefined) this.#firedUnder.delete(id);
    return this.#handle(commands);
  }

  /** Queues a timed command (or cancels a timer); false for a command to run now. */
  #scheduled(command: Command): boolean {
    try {
      const request = timerRequestOf(command);
      if (!request) return false;
      const scheduler = this.#scheduler;
      if (request.kind === "cancel") {
        scheduler.cancel(request.id);
        this.#firedUnder.delete(request.id);
        return true;
      }
      const { when, periodMs, id } = request;
      const commands = [request.command];
      const timer = {};
      if (id !== undefined) this.#firedUnder.set(id, timer);
      scheduler.add({
        id,
        periodMs,
        at: "at" in when ? when.at : scheduler.now() + when.afterMs,
        run: () => this.#options.runLater(() => this.#fired(id, periodMs, timer, commands)),
      });
    } catch (error) {
      this.#options.logger.error("timed command refused", {
        reason: String(error),
        code: text(command.code),
      });
    }
    return true;
  }
}

function text(value: unknown): string | undefined {
  return value === undefined ? undefined : String(value);
}
