/**
 * What the server core calls on the game: the {@linkcode ApplicationHooks}. `Application`
 * implements them by routing to controllers; tests and observers may wrap or replace it.
 *
 * @module
 */
import type { Command, Index, Result } from "./types.ts";
import type { Hold } from "./deliver.ts";

/**
 * The calls the server core makes, each in a state turn of its own; what each returns is
 * delivered before the next turn starts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type ApplicationHooks, deliver, ManualClock, Server } from "../../mod.ts";
 * const greeter: ApplicationHooks = {
 *   onConnect: (index) => Promise.resolve(deliver([index], { code: "hello" })),
 *   onDisconnect: () => Promise.resolve([]),
 *   handleCommands: (index, commands) => Promise.resolve(deliver([index], ...commands)),
 * };
 * const server = new Server({ application: greeter, clock: new ManualClock() });
 * assert.equal(server.connections.count, 0);
 * ```
 */
export interface ApplicationHooks {
  /**
   * A connection was accepted (once per index). With a hold (`ServerOptions.holdMs`), once
   * its first command is known not to resume another identity.
   */
  onConnect(index: Index): Promise<Result>;
  /**
   * A connection left, whatever the reason (exactly once per index). With a hold, once the
   * identity is really gone: its hold ran out, it left on purpose, or the server shut down.
   */
  onDisconnect(index: Index): Promise<Result>;
  /** With a hold: the connection of `index` dropped; the identity is held for `holdMs`. */
  onHold?(index: Index): Promise<Result>;
  /**
   * With a hold: a new connection took over `index` (after a drop, or from a connection still
   * open). What it returns follows the resume's answer: the identity's full view.
   */
  onResume?(index: Index): Promise<Result>;
  /**
   * One message's commands, from `index` (0: the server itself, for internal commands). With
   * `hold`, a command's answer may wait outside the turn (see `CommandContext.hold`).
   */
  handleCommands(index: Index, commands: readonly Command[], hold?: Hold): Promise<Result>;
}
