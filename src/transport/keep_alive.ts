/**
 * Pinging idle WebSocket connections, and giving up on those that stay silent.
 *
 * @module
 */
import type { Cancel, Clock } from "../core/clock.ts";

/** What {@linkcode keepAlive} returns: tell it when the peer is heard, stop it when closed. */
export interface KeepAlive {
  /** Something arrived from the peer. */
  heard(): void;
  /** The connection is over: no more pings. */
  stop(): void;
}

/**
 * Checks the peer every `intervalMs`: one that sent nothing during an interval is sent a ping
 * (`ping`); one still silent an interval after that is given up (`silent`, once).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ManualClock } from "../../mod.ts";
 * import { keepAlive } from "./keep_alive.ts";
 * const clock = new ManualClock();
 * const done: string[] = [];
 * const alive = keepAlive(clock, 1000, () => done.push("ping"), () => done.push("silent"));
 * clock.advance(1000); // nothing heard: a ping
 * alive.heard(); // the pong
 * clock.advance(1000);
 * assert.deepEqual(done, ["ping"]);
 * clock.advance(1000); // silent again: a ping; then no answer within an interval
 * clock.advance(1000);
 * assert.deepEqual(done, ["ping", "ping", "silent"]);
 * ```
 */
export function keepAlive(
  clock: Clock,
  intervalMs: number,
  ping: () => void,
  silent: () => void,
): KeepAlive {
  let heard = false;
  let pinged = false;
  let cancel: Cancel | undefined;
  const tick = () => {
    cancel = undefined;
    if (heard) {
      heard = pinged = false;
    } else if (!pinged) {
      pinged = true;
      ping();
    } else {
      return silent();
    }
    cancel = clock.schedule(clock.now() + intervalMs, tick);
  };
  cancel = clock.schedule(clock.now() + intervalMs, tick);
  return {
    heard: () => void (heard = true),
    stop: () => {
      cancel?.();
      cancel = undefined;
    },
  };
}
