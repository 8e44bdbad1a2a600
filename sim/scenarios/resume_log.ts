/**
 * Any application's hook calls, logged for the session invariants (`identities`): the same
 * log the resume lobby keeps of itself, for a game that keeps none (the card table).
 *
 * @module
 */
import type { ApplicationHooks, Index, Result } from "../../mod.ts";
import type { HookCall } from "./resume_app.ts";

/** What {@linkcode loggedHooks} gives: the wrapped application and what it logs. */
export interface LoggedHooks {
  readonly application: ApplicationHooks;
  readonly calls: HookCall[];
  /** Holds that began while the core still had a connection for the index. */
  readonly heldWhileRegistered: { index: Index; time: number }[];
}

/**
 * `application`, each call logged with the time `now` gives (microseconds) before it runs;
 * `registered` says whether the core has a connection for an index.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application } from "../../mod.ts";
 * import { loggedHooks } from "./resume_log.ts";
 * const logged = loggedHooks(new Application({ storage: null }), () => 7, () => false);
 * await logged.application.onConnect(1);
 * assert.deepEqual(logged.calls, [{ time: 7, kind: "connect", index: 1 }]);
 * ```
 */
export function loggedHooks(
  application: ApplicationHooks,
  now: () => number,
  registered: (index: Index) => boolean,
): LoggedHooks {
  const calls: HookCall[] = [];
  const heldWhileRegistered: { index: Index; time: number }[] = [];
  const log = (kind: HookCall["kind"], index: Index) => calls.push({ time: now(), kind, index });
  const { onHold, onResume } = application;
  const none = (): Promise<Result> => Promise.resolve([]);
  return {
    calls,
    heldWhileRegistered,
    application: {
      onConnect: (index) => (log("connect", index), application.onConnect(index)),
      onDisconnect: (index) => (log("disconnect", index), application.onDisconnect(index)),
      handleCommands(index, commands) {
        // Index 0 is the server's own timers: no identity.
        if (index !== 0) log("command", index);
        return application.handleCommands(index, commands);
      },
      onHold(index) {
        log("hold", index);
        if (registered(index)) heldWhileRegistered.push({ index, time: now() });
        return onHold ? onHold.call(application, index) : none();
      },
      onResume: (index) => {
        log("resume", index);
        return onResume ? onResume.call(application, index) : none();
      },
    },
  };
}
