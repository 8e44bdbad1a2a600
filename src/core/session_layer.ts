/**
 * Sessions in the server core, for a server with a hold (`ServerOptions.holdMs`): the token
 * each new connection is given, the resume that takes over an identity, the explicit leave,
 * and what the application is told when a connection ends. Private to the server core.
 *
 * @module
 */
import type { ApplicationHooks } from "./application_hooks.ts";
import type { Live } from "./live_connections.ts";
import type { Registry } from "./registry.ts";
import { cryptoFill, SessionBook } from "./sessions.ts";
import type { ServerOptions } from "./server_options.ts";
import type { Limits } from "./limits.ts";
import type { CloseMode } from "./connection.ts";
import type { Hold } from "./deliver.ts";
import { type Command, type Index, isCommand, type Result } from "./types.ts";
import { verbOf } from "./fields.ts";

/** The one answer to every resume that fails, whatever the reason. */
export const CANNOT_RESUME: Command = Object.freeze({ code: "resume", error: "cannot resume" });
/** What a connection is told when a resume from elsewhere takes its identity. */
export const RESUMED_ELSEWHERE: Command = Object.freeze({
  code: "session",
  error: "resumed elsewhere",
});

/**
 * How a connection's end is taken: `hold` keeps its identity for a resume (a drop), `gone`
 * ends it now (a leave, the server's own close), `superseded` tells the application nothing
 * (a resume took the identity over).
 */
export type Ending = "hold" | "gone" | "superseded";

/** How the server closes a connection: `notice` is written first; `ending` counts with a hold. */
export interface DisconnectOptions {
  error?: unknown;
  mode?: CloseMode;
  notice?: Command;
  ending?: Ending;
  /** An end that waited for what was held for its connection: it closes now. */
  flushed?: boolean;
}

/** The session book of a server with `holdMs`. */
export function bookFor(options: ServerOptions, limits: Limits): SessionBook {
  return new SessionBook({
    holdMs: options.holdMs ?? 0,
    clock: options.clock,
    random: options.random ?? cryptoFill,
    resumesPerSecond: limits.resumesPerSecond,
    resumeBurst: limits.resumeBurst,
  });
}

/** What the session layer needs of the server. */
export interface SessionHost {
  readonly registry: Registry<Live>;
  readonly application: ApplicationHooks;
  readonly book: SessionBook;
  /** Whether the server still takes connections (no holds while shutting down). */
  accepting(): boolean;
  /** Runs a turn; `waiter`: the connection whose message it answers (see `Server.runTurn`). */
  runTurn(
    produce: (hold: Hold) => Result | Promise<Result>,
    waiter?: { readonly index: Index },
  ): Promise<void>;
  /** Closes a connection, writing `notice` to it first when given. */
  disconnect(entry: Live, reason: string, ending: Ending, notice?: Command): Promise<void>;
}

/** `{"code":"leave"}` without a key: the player leaves for good (a keyed leave is the game's). */
function isLeave(command: Command): boolean {
  return screenedVerb(command) === "leave" && !Object.hasOwn(command, "key");
}

/**
 * The verb the session layer screens a command by; none for a command without a string code,
 * which goes on to the application with the rest and is answered its error there.
 */
function screenedVerb(command: Command): string | undefined {
  if (!isCommand(command)) return undefined;
  try {
    return verbOf(command);
  } catch {
    return undefined;
  }
}

/**
 * The server's sessions: see `ServerOptions.holdMs` for the protocol.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CANNOT_RESUME } from "./session_layer.ts";
 * assert.deepEqual(CANNOT_RESUME, { code: "resume", error: "cannot resume" });
 * ```
 */
export class SessionLayer {
  /** The server, as the layer sees it (protected: a planted fault in a test reaches it). */
  protected readonly host: SessionHost;

  constructor(host: SessionHost) {
    this.host = host;
  }

  /** A new connection: its token goes to it first, before anything else. */
  opened(entry: Live): Promise<void> {
    const { index } = entry;
    const token = this.host.book.issue(index);
    const holdMs = this.host.book.holdMs;
    return this.host.runTurn(() => [[[index], [{ code: "session", token, holdMs }]]]);
  }

  /**
   * One message's commands: the first command a connection sends may resume an identity;
   * a keyless leave ends the identity; the rest goes to the application, in order.
   */
  async handle(entry: Live, commands: readonly Command[]): Promise<void> {
    const { book, application } = this.host;
    let rest = commands;
    if (!book.knows(entry.index)) {
      const [first] = commands;
      if (isCommand(first) && screenedVerb(first) === "resume") {
        rest = commands.slice(1);
        if (await this.#resume(entry, first.token)) return this.handle(entry, rest);
      }
      if (entry.leaving) return;
      book.know(entry.index);
      const index = entry.index;
      await this.host.runTurn(() => application.onConnect(index), entry);
    }
    let from = 0;
    for (let at = 0; at <= rest.length; at++) {
      const command = rest[at];
      const screened = command !== undefined &&
        (screenedVerb(command) === "resume" || isLeave(command));
      if (at < rest.length && !screened) continue;
      if (entry.leaving) return;
      const index = entry.index;
      const passed = rest.slice(from, at);
      if (passed.length > 0) {
        const handle = (hold: Hold) => application.handleCommands(index, passed, hold);
        await this.host.runTurn(handle, entry);
      }
      from = at + 1;
      if (!screened || entry.leaving) continue;
      if (screenedVerb(command) === "resume") {
        // Only a connection's first command resumes: a later one has an identity already.
        await this.host.runTurn(() => [[[index], [CANNOT_RESUME]]]);
        continue;
      }
      await this.host.runTurn(() => [[[index], [{ code: "leave", success: true }]]], entry);
      return void await this.host.disconnect(entry, "leave", "gone");
    }
  }

  /** The connection `entry` has been closed; tells the application what follows. */
  ended(entry: Live, ending: Ending): Promise<void> {
    const { book, application, registry } = this.host;
    const { index } = entry;
    if (ending === "superseded") return Promise.resolve();
    if (!book.knows(index)) {
      // The application never heard of it: nothing to tell.
      book.release(index);
      return Promise.resolve();
    }
    // Decided in a turn: a resume queued before this end has taken the identity over already.
    return this.host.runTurn(() => {
      if (registry.has(index)) return [];
      if (ending === "hold" && this.host.accepting()) {
        book.hold(index, () => void this.host.runTurn(() => application.onDisconnect(index)));
        return application.onHold?.(index) ?? [];
      }
      return book.release(index) ? application.onDisconnect(index) : [];
    });
  }

  /** Ends a held identity at once: its onDisconnect runs. Undefined when it is not held. */
  end(index: Index): Promise<void> | undefined {
    const { book, application } = this.host;
    if (!book.held().includes(index)) return undefined;
    book.release(index);
    return this.host.runTurn(() => application.onDisconnect(index));
  }

  /** Shutting down: every identity still held is gone now. */
  async shutdown(): Promise<void> {
    await Promise.all(this.host.book.held().map((index) => this.end(index)));
  }

  /** Takes over the identity `token` names; false (answered) when it cannot. */
  async #resume(entry: Live, token: unknown): Promise<boolean> {
    let resumed = false;
    // In a turn of its own: what the old connection sent before is answered to it, first.
    await this.host.runTurn(async () => {
      if (entry.leaving) return [];
      const index = this.host.book.redeem(token);
      if (index === undefined) return [[[entry.index], [CANNOT_RESUME]]];
      resumed = true;
      const fresh = this.#takeOver(entry, index);
      return [
        [[index], [{ code: "resume", success: true, token: fresh }]],
        ...await this.host.application.onResume?.(index) ?? [],
      ];
    }, entry);
    return resumed;
  }

  /** Moves `entry` to the identity `index`; returns the identity's next token. */
  #takeOver(entry: Live, index: Index): string {
    const { book, registry } = this.host;
    book.release(entry.index);
    registry.delete(entry.index);
    const old = registry.get(index);
    entry.index = index;
    registry.put(entry);
    // The old connection loses the identity now: nothing it does from here reaches the game.
    if (old) void this.host.disconnect(old, "resumed elsewhere", "superseded", RESUMED_ELSEWHERE);
    return book.issue(index);
  }
}
