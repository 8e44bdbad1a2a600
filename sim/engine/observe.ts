/**
 * Taps on the real core that change nothing it does: an Application whose calls are
 * reported, and a send path that reports what the core addressed before it sends.
 *
 * @module
 */
import type {
  ApplicationHooks,
  Command,
  DeliverPath,
  Index,
  Recipients,
  Result,
} from "../../mod.ts";

/** Which Application call: a hook, or a batch of commands. */
export type CallKind = "onConnect" | "onDisconnect" | "handleCommands";

/** Told about every Application call, when it starts and when it settles. */
export interface ApplicationSpy {
  started(kind: CallKind, index: Index): void;
  /** Runs before the core sees the result: a fault can strike between a hook and its send. */
  finished(kind: CallKind, index: Index): void;
  failed(kind: CallKind, index: Index, error: unknown): void;
}

/**
 * The same application, with its calls reported to `spy`: the core runs the real
 * application unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application, deliver } from "../../mod.ts";
 * import { observeApplication } from "./observe.ts";
 * const calls: string[] = [];
 * const app = observeApplication(
 *   new Application({ storage: null, defaultController: { handleCommand: () => deliver([1], {}) } }),
 *   { started: (kind) => calls.push(kind), finished: () => {}, failed: () => {} },
 * );
 * await app.onConnect(1);
 * assert.deepEqual(calls, ["onConnect"]);
 * ```
 */
export function observeApplication(
  application: ApplicationHooks,
  spy: ApplicationSpy,
): ApplicationHooks {
  const watch = (kind: CallKind, index: Index, call: () => Promise<Result>): Promise<Result> => {
    spy.started(kind, index);
    return call().then((result) => {
      spy.finished(kind, index);
      return result;
    }, (error) => {
      spy.failed(kind, index, error);
      throw error;
    });
  };
  const { onHold, onResume } = application;
  return {
    // The session hooks (a server with a hold) pass through unwatched.
    ...onHold && { onHold: (index: Index) => onHold.call(application, index) },
    ...onResume && { onResume: (index: Index) => onResume.call(application, index) },
    onConnect: (index) => watch("onConnect", index, () => application.onConnect(index)),
    onDisconnect: (index) => watch("onDisconnect", index, () => application.onDisconnect(index)),
    // The hold passes through: an application may hold answers (`Context.hold`).
    handleCommands: (index, commands, hold) =>
      watch("handleCommands", index, () => application.handleCommands(index, commands, hold)),
  };
}

/**
 * A send path that calls `addressed` with each result (while the target still says who is
 * live) and then runs `inner`, the send path under test. `addressed` returns the wire bytes
 * it made of each delivery's commands; the inner path's `serialize` hands back those very
 * bytes (the same result, made once), so the client side can tell its reads apart by
 * memory as well as by content. `drained` hears how the inner path's promise settled.
 *
 * @example
 * ```ts
 * import { deliverResult } from "../../mod.ts";
 * import { observeSend } from "./observe.ts";
 * const seen: number[] = [];
 * const send = observeSend(deliverResult, (result) => {
 *   seen.push(result.length);
 *   return new Map();
 * }, () => {});
 * ```
 */
export function observeSend(
  inner: DeliverPath,
  addressed: (result: Result, target: Recipients) => Map<readonly Command[], Uint8Array>,
  drained: (error?: unknown) => void,
): DeliverPath {
  return (result, target) => {
    const made = addressed(result, target);
    const shared: Recipients = {
      connectionOf: (index) => target.connectionOf(index),
      serialize: (commands) => made.get(commands) ?? target.serialize(commands),
      fail: (index, error) => target.fail(index, error),
    };
    return inner(result, made.size === 0 ? target : shared).then(() => drained(), (error) => {
      drained(error ?? new Error("send path rejected"));
    });
  };
}
