/**
 * What a shutdown promises, judged by what clients sent and read and by what the game was
 * told: commands that reach the server once it is shutting down are not taken, and nobody is
 * held for a resume that can no longer come.
 *
 * @module
 */
import type { Invariant, Violation } from "../engine/invariant.ts";
import { formatTime } from "../engine/trace.ts";
import type { HookCall } from "../scenarios/resume_app.ts";
import type { ReplyAccounting } from "./reply_accounting.ts";

/** Options of the shutdown invariants. */
export interface ShutdownOptions {
  /** When the shutdown begins, in virtual ms. */
  readonly shutdownAtMs: number;
}

/**
 * Nothing taken after the shutdown: an item that reached the server after its shutdown began
 * (sent later than the shutdown less the link's one-way delay, which it cannot beat) is
 * neither answered nor refused: the server stops taking messages, however long the turns
 * already queued take to finish.
 *
 * @example
 * ```ts
 * import { replyAccounting } from "./reply_accounting.ts";
 * import { nothingTakenAfterShutdown } from "./shutdown_invariants.ts";
 * const accounting = replyAccounting(() => ({ greeting: [], reply: (c) => ({ command: c }), mine: () => true }));
 * const invariants = [accounting, nothingTakenAfterShutdown(accounting, { shutdownAtMs: 100 })];
 * ```
 */
export function nothingTakenAfterShutdown(
  accounting: ReplyAccounting,
  options: ShutdownOptions,
): Invariant {
  const name = "nothing taken after shutdown";
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      const shutdownUs = options.shutdownAtMs * 1000;
      for (const client of sim.clients) {
        const upUs = client.link.faults.upDelayMs * 1000;
        const late = (accounting.fates.get(client.name) ?? []).find((fate) =>
          fate.item.time + upUs > shutdownUs
        );
        if (!late) continue;
        violations.push({
          invariant: name,
          client: client.name,
          time: late.answeredAt,
          message: `item ${late.item.n + 1}, sent at ${formatTime(late.item.time)}ms, reached ` +
            `the server after its shutdown began (${options.shutdownAtMs}ms) and was ` +
            (late.refused ? "refused" : "answered"),
        });
      }
      return violations;
    },
  };
}

/**
 * Nobody held while shutting down: once the shutdown began, a connection that ends is gone
 * for the game (onDisconnect), never held (onHold): no resume can come back to a server that
 * takes no connections. `calls` are the game's hook calls with their times (µs).
 *
 * @example
 * ```ts
 * import { noHoldWhileShuttingDown } from "./shutdown_invariants.ts";
 * const invariant = noHoldWhileShuttingDown(() => [], { shutdownAtMs: 100 });
 * ```
 */
export function noHoldWhileShuttingDown(
  calls: () => readonly HookCall[],
  options: ShutdownOptions,
): Invariant {
  const name = "no hold while shutting down";
  return {
    name,
    check() {
      const hold = calls().find((call) =>
        call.kind === "hold" && call.time >= options.shutdownAtMs * 1000
      );
      if (!hold) return [];
      return [{
        invariant: name,
        time: hold.time,
        message: `index ${hold.index} was held at ${
          formatTime(hold.time)
        }ms, after the shutdown began (${options.shutdownAtMs}ms)`,
      }];
    },
  };
}

/**
 * Gone by the shutdown's end: once the server's shutdown has finished, every identity the game
 * met has heard its onDisconnect, held ones included: none is left to a hold that would
 * expire later, on a server that is gone. `calls` are the game's hook calls with their times
 * (µs); the run must end with a shutdown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { goneByShutdownEnd } from "./shutdown_invariants.ts";
 * const invariant = goneByShutdownEnd(() => []);
 * assert.equal(invariant.name, "gone by the shutdown's end");
 * ```
 */
export function goneByShutdownEnd(calls: () => readonly HookCall[]): Invariant {
  const name = "gone by the shutdown's end";
  return {
    name,
    check(sim) {
      const ended = sim.records.shutdownEndedAt;
      if (ended === undefined) {
        return [{ invariant: name, message: "the shutdown never finished" }];
      }
      const gone = new Map<number, number>();
      const met = new Set<number>();
      for (const call of calls()) {
        met.add(call.index);
        if (call.kind === "disconnect" && !gone.has(call.index)) gone.set(call.index, call.time);
      }
      const late = [...met].find((index) => (gone.get(index) ?? Infinity) > ended);
      if (late === undefined) return [];
      const at = gone.get(late);
      return [{
        invariant: name,
        time: at,
        message: `index ${late} heard onDisconnect ${
          at === undefined ? "never" : `at ${formatTime(at)}ms`
        }, after the shutdown had finished at ${formatTime(ended)}ms`,
      }];
    },
  };
}
