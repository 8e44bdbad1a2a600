/**
 * The Application routes each command to a controller by its `key` and collects what the
 * controllers answer. It knows nothing of bytes or sockets.
 *
 * @module
 */
import { type Command, deliver, type Index, type Result } from "./types.ts";
import { type Logger, silentLogger } from "./logger.ts";
import type { Hold } from "./deliver.ts";

/**
 * What a controller is told besides the command itself.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application, type CommandContext } from "../../mod.ts";
 * const seen: CommandContext<string>[] = [];
 * const app = new Application({
 *   storage: "shared",
 *   defaultController: { handleCommand: (_, context) => (seen.push(context), []) },
 * });
 * await app.handleCommands(4, [{ code: "ping" }]);
 * assert.deepEqual(seen, [{ index: 4, storage: "shared" }]);
 * ```
 */
export interface CommandContext<S> {
  /** The connection that sent the command. */
  readonly index: Index;
  /** The storage every controller of the application shares. */
  readonly storage: S;
  /**
   * Present when the server runs the command: the answer to it waits until `until` resolves
   * (a save reaching the disk), outside the turn, so other connections go on meanwhile; if
   * `until` rejects, the command is answered with its error instead.
   */
  readonly hold?: (until: Promise<unknown>) => void;
}

/**
 * A value now, or later: controllers may answer synchronously or asynchronously.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { MaybePromise } from "../../mod.ts";
 * const now: MaybePromise<number> = 1;
 * const soon: MaybePromise<number> = Promise.resolve(2);
 * assert.equal(await now + await soon, 3);
 * ```
 */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Game logic for a set of keys. Every method returns the deliveries to send; hooks are
 * optional.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Controller, deliver } from "../../mod.ts";
 * const echo: Controller<null> = {
 *   handleCommand: (command, { index }) => deliver([index], { ...command, success: true }),
 * };
 * const result = await echo.handleCommand({ code: "ping" }, { index: 1, storage: null });
 * assert.deepEqual(result, [[[1], [{ code: "ping", success: true }]]]);
 * ```
 */
export interface Controller<S> {
  /** Handles one command. Throw a {@linkcode CommandError} to answer the sender with an error. */
  handleCommand(command: Command, context: CommandContext<S>): MaybePromise<Result>;
  /** Runs once when a connection is accepted. */
  onConnect?(context: CommandContext<S>): MaybePromise<Result>;
  /** Runs exactly once when a connection leaves, whatever the reason. */
  onDisconnect?(context: CommandContext<S>): MaybePromise<Result>;
  /** With a hold (`ServerOptions.holdMs`): the connection dropped and its identity is held. */
  onHold?(context: CommandContext<S>): MaybePromise<Result>;
  /** With a hold: a connection resumed the identity; return its full view. */
  onResume?(context: CommandContext<S>): MaybePromise<Result>;
}

/**
 * An error meant for the client: its message is sent to the sender as `{"error": message}`.
 * Any other error thrown by a controller is logged and answered with `"internal error"`, so
 * server internals never reach a client.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application, CommandError } from "../../mod.ts";
 * const app = new Application({
 *   storage: null,
 *   defaultController: {
 *     handleCommand(command) {
 *       if (command.code === "fold") throw new CommandError("not your turn");
 *       throw new Error("database down");
 *     },
 *   },
 * });
 * const result = await app.handleCommands(1, [{ code: "fold" }, { code: "bet" }]);
 * assert.deepEqual(result, [
 *   [[1], [{ error: "not your turn", code: "fold" }]],
 *   [[1], [{ error: "internal error", code: "bet" }]],
 * ]);
 * ```
 */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CommandError";
  }
}

/**
 * Options of {@linkcode Application}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application, type ApplicationOptions, deliver } from "../../mod.ts";
 * const options: ApplicationOptions<null> = {
 *   storage: null,
 *   controllers: { chat: { handleCommand: (command, { index }) => deliver([index], command) } },
 * };
 * const app = new Application(options);
 * const result = await app.handleCommands(1, [{ code: "say", key: "chat" }, { key: "room" }]);
 * assert.deepEqual(result, [
 *   [[1], [{ code: "say", key: "chat" }]],
 *   [[1], [{ error: "no controller for this key", key: "room" }]],
 * ]);
 * ```
 */
export interface ApplicationOptions<S> {
  /** The storage shared by all controllers. */
  storage: S;
  /** Controllers by the `key` of the commands they handle. */
  controllers?: Iterable<readonly [string, Controller<S>]> | Record<string, Controller<S>>;
  /** Handles commands whose key has no controller of its own. */
  defaultController?: Controller<S>;
  /** Where failing controllers and hooks are reported; silent by default. */
  logger?: Logger;
}

/**
 * Routes commands by key and runs the connection hooks of every controller.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application, deliver } from "../../mod.ts";
 * const app = new Application({
 *   storage: new Map<string, number>(),
 *   defaultController: {
 *     handleCommand(command, { index, storage }) {
 *       storage.set(String(command.key), 1);
 *       return deliver([index], { ...command, success: true });
 *     },
 *   },
 * });
 * const result = await app.handleCommands(1, [{ code: "set", key: "a" }]);
 * assert.deepEqual(result, [[[1], [{ code: "set", key: "a", success: true }]]]);
 * assert.equal(app.storage.get("a"), 1);
 * ```
 */
export class Application<S> {
  readonly storage: S;
  readonly #controllers: Map<string, Controller<S>>;
  readonly #defaultController: Controller<S> | undefined;
  readonly #logger: Logger;

  constructor(options: ApplicationOptions<S>) {
    this.storage = options.storage;
    const controllers = options.controllers ?? [];
    this.#controllers = new Map(
      Symbol.iterator in controllers
        ? controllers as Iterable<readonly [string, Controller<S>]>
        : Object.entries(controllers),
    );
    this.#defaultController = options.defaultController;
    this.#logger = options.logger ?? silentLogger;
  }

  /** The controller for a key: its own, else the default. */
  controllerFor(key: unknown): Controller<S> | undefined {
    return (typeof key === "string" ? this.#controllers.get(key) : undefined) ??
      this.#defaultController;
  }

  /**
   * Handles a batch of commands from one connection, in order. A command that fails answers
   * its sender with an error carrying the command's `code` and `key`; the rest still run.
   */
  async handleCommands(index: Index, commands: readonly Command[], hold?: Hold): Promise<Result> {
    const result: Result = [];
    // One context for the message: a command's waits are those it added.
    const waits: Promise<unknown>[] = [];
    // Literals, not a spread of #context: this runs for every message.
    const context: CommandContext<S> = hold
      ? {
        index,
        storage: this.storage,
        // A method: tsx's keepNames would name an arrow property, at a cost on every message.
        hold(until: Promise<unknown>) {
          waits.push(until);
        },
      }
      : { index, storage: this.storage };
    for (let n = 0; n < commands.length; n++) {
      const command = commands[n];
      const controller = this.controllerFor(command.key);
      const before = waits.length;
      try {
        if (!controller) throw new CommandError("no controller for this key");
        const answer = await controller.handleCommand(command, context);
        // Where its error goes if its wait fails and it answered nothing: in its place.
        const after = result.length === 0 ? null : result[result.length - 1];
        result.push(...answer);
        if (hold && waits.length > before) {
          hold({
            until: Promise.all(waits.slice(before)),
            result: answer,
            after,
            otherwise: (error) => this.#errorReply(index, command, error),
            sender: index,
          });
        }
      } catch (error) {
        // Answered with its error now: what it was waiting for no longer matters.
        for (const until of waits.slice(before)) until.catch(() => {});
        result.push(...this.#errorReply(index, command, error));
      }
    }
    return result;
  }

  /** Runs every controller's `onConnect`. */
  onConnect(index: Index): Promise<Result> {
    return this.#runHook(index, "onConnect");
  }

  /** Runs every controller's `onDisconnect`; one that throws does not stop the others. */
  onDisconnect(index: Index): Promise<Result> {
    return this.#runHook(index, "onDisconnect");
  }

  /** Runs every controller's `onHold`. */
  onHold(index: Index): Promise<Result> {
    return this.#runHook(index, "onHold");
  }

  /** Runs every controller's `onResume`. */
  onResume(index: Index): Promise<Result> {
    return this.#runHook(index, "onResume");
  }

  async #runHook(index: Index, hook: Hook): Promise<Result> {
    const result: Result = [];
    for (const controller of this.#distinctControllers()) {
      try {
        result.push(...await controller[hook]?.(this.#context(index)) ?? []);
      } catch (error) {
        this.#logger.error(`${hook} failed`, { index, reason: describe(error) });
      }
    }
    return result;
  }

  #distinctControllers(): Set<Controller<S>> {
    const all = new Set<Controller<S>>();
    if (this.#defaultController) all.add(this.#defaultController);
    for (const controller of this.#controllers.values()) all.add(controller);
    return all;
  }

  #context(index: Index): CommandContext<S> {
    return { index, storage: this.storage };
  }

  #errorReply(index: Index, command: Command, error: unknown): Result {
    if (error instanceof CommandError) return deliver([index], errorFor(command, error.message));
    this.#logger.error("controller failed", { index, reason: describe(error) });
    return deliver([index], errorFor(command, "internal error"));
  }
}

/**
 * The error answer to a command: `{"error": message}` with the command's `code` (or
 * `command`) and `key`, so the client can tell which of its commands failed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { errorFor } from "../../mod.ts";
 * const reply = errorFor({ code: "save", key: "a", state: 1 }, "too fast");
 * assert.deepEqual(reply, { error: "too fast", code: "save", key: "a" });
 * ```
 */
export function errorFor(command: Command, message: string): Command {
  const reply: Command = { error: message };
  for (const field of ["code", "command", "key"]) {
    if (Object.hasOwn(command, field)) reply[field] = command[field];
  }
  return reply;
}

type Hook = "onConnect" | "onDisconnect" | "onHold" | "onResume";

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
