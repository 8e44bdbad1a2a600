/**
 * Catches promise rejections that nobody handled while a simulation ran, on Node and Deno.
 *
 * @module
 */
import process from "node:process";
import { setImmediate } from "node:timers";

/** Stops watching; resolves with what was caught. */
export type StopWatching = () => Promise<string[]>;

/**
 * Starts listening for unhandled rejections. The runtime reports them only after the
 * microtask queue runs dry, which never happens inside a run (it only awaits microtasks),
 * so stopping waits for one macrotask (`setImmediate`) first: a collection step after the
 * run, which cannot change what the run did.
 *
 * @example
 * ```ts
 * import { watchUnhandledRejections } from "./rejections.ts";
 * const stop = watchUnhandledRejections();
 * void Promise.reject(new Error("nobody catches this"));
 * const caught = await stop();
 * // caught is ["Error: nobody catches this"]
 * ```
 */
export function watchUnhandledRejections(): StopWatching {
  const caught: string[] = [];
  const onNode = (reason: unknown) => void caught.push(String(reason));
  const onWeb = (event: Event) => {
    event.preventDefault();
    caught.push(String((event as Event & { reason?: unknown }).reason));
  };
  const web = "Deno" in globalThis;
  if (web) globalThis.addEventListener("unhandledrejection", onWeb);
  else process.on("unhandledRejection", onNode);
  return async () => {
    await new Promise((resolve) => setImmediate(resolve));
    if (web) globalThis.removeEventListener("unhandledrejection", onWeb);
    else process.off("unhandledRejection", onNode);
    return caught;
  };
}
