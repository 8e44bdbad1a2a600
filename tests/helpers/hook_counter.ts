/**
 * Counts how often an application's connection hooks run, per index, and lets a test wait
 * for a disconnect: the proof that "onDisconnect runs exactly once" whatever cut the client.
 */
import type { Application, Index } from "../../mod.ts";
import { within } from "./timeout.ts";

/** The hook counts of one application. */
export interface HookCounts {
  /** How many times onConnect ran, per index. */
  readonly connects: Map<Index, number>;
  /** How many times onDisconnect ran, per index. */
  readonly disconnects: Map<Index, number>;
  /** Resolves once onDisconnect has run for `index` (and its result is computed). */
  disconnected(index: Index, timeoutMs?: number): Promise<void>;
}

/**
 * Wraps `application`'s onConnect and onDisconnect (on this instance only) to count them.
 *
 * @example
 * ```ts
 * import { createRoomsApplication } from "../../examples/rooms/mod.ts";
 * import { countHooks } from "./hook_counter.ts";
 * const application = createRoomsApplication();
 * const hooks = countHooks(application);
 * await application.onDisconnect(7);
 * hooks.disconnects.get(7); // 1
 * ```
 */
export function countHooks<S>(application: Application<S>): HookCounts {
  const connects = new Map<Index, number>();
  const disconnects = new Map<Index, number>();
  const finished = new Set<Index>();
  const waiting = new Map<Index, (() => void)[]>();
  const onConnect = application.onConnect.bind(application);
  const onDisconnect = application.onDisconnect.bind(application);
  application.onConnect = (index) => {
    connects.set(index, (connects.get(index) ?? 0) + 1);
    return onConnect(index);
  };
  application.onDisconnect = async (index) => {
    disconnects.set(index, (disconnects.get(index) ?? 0) + 1);
    const result = await onDisconnect(index);
    finished.add(index);
    waiting.get(index)?.forEach((wake) => wake());
    waiting.delete(index);
    return result;
  };
  return {
    connects,
    disconnects,
    disconnected(index, timeoutMs = 10_000) {
      if (finished.has(index)) return Promise.resolve();
      const done = new Promise<void>((resolve) => {
        waiting.set(index, [...waiting.get(index) ?? [], resolve]);
      });
      return within(done, timeoutMs, `the onDisconnect of ${index}`);
    },
  };
}
