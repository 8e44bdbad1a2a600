/**
 * Taps on the real core that change nothing it does: an Application whose calls are
 * reported, and a send path that reports what the core addressed before it sends.
 *
 * @module
 */
import type { Application, Command, Index, Result, SendPath, SendTarget } from "../mod.ts";

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
 * The same application, with its calls reported to `spy`. The returned object delegates
 * everything to `application` (bound, so its private fields work), so the core runs the real
 * controllers unchanged.
 *
 * @example
 * ```ts
 * import { Application, deliver } from "../mod.ts";
 * import { observeApplication } from "./observe.ts";
 * const calls: string[] = [];
 * const app = observeApplication(
 *   new Application({ storage: null, defaultController: { handleCommand: () => deliver([1], {}) } }),
 *   { started: (kind) => calls.push(kind), finished: () => {}, failed: () => {} },
 * );
 * await app.onConnect(1);
 * // calls is ["onConnect"]
 * ```
 */
export function observeApplication<S>(
  application: Application<S>,
  spy: ApplicationSpy,
): Application<S> {
  const observed = Object.create(application) as Application<S>;
  const prototype = Object.getPrototypeOf(application) as Record<string, unknown>;
  const watched = new Set(["constructor", "onConnect", "onDisconnect", "handleCommands"]);
  for (const name of Object.getOwnPropertyNames(prototype)) {
    const member = prototype[name];
    if (watched.has(name) || typeof member !== "function") continue;
    Object.defineProperty(observed, name, { value: member.bind(application) });
  }
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
  Object.defineProperties(observed, {
    onConnect: {
      value: (index: Index) => watch("onConnect", index, () => application.onConnect(index)),
    },
    onDisconnect: {
      value: (index: Index) => watch("onDisconnect", index, () => application.onDisconnect(index)),
    },
    handleCommands: {
      value: (index: Index, commands: Parameters<Application<S>["handleCommands"]>[1]) =>
        watch("handleCommands", index, () => application.handleCommands(index, commands)),
    },
  });
  return observed;
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
 * import { sendResult } from "../mod.ts";
 * import { observeSend } from "./observe.ts";
 * const seen: number[] = [];
 * const send = observeSend(sendResult, (result) => {
 *   seen.push(result.length);
 *   return new Map();
 * }, () => {});
 * ```
 */
export function observeSend(
  inner: SendPath,
  addressed: (result: Result, target: SendTarget) => Map<readonly Command[], Uint8Array>,
  drained: (error?: unknown) => void,
): SendPath {
  return (result, target) => {
    const made = addressed(result, target);
    const shared: SendTarget = {
      connectionOf: (index) => target.connectionOf(index),
      serialize: (commands) => made.get(commands) ?? target.serialize(commands),
      fail: (index, error) => target.fail(index, error),
    };
    return inner(result, made.size === 0 ? target : shared).then(() => drained(), (error) => {
      drained(error ?? new Error("send path rejected"));
    });
  };
}
