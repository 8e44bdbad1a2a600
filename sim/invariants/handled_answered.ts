/**
 * "What the application handled reaches its sender": a command taken in (its turn queued
 * before the server stopped) is answered even when the server shuts down while its turn
 * still waits for the store.
 *
 * @module
 */
import type { ApplicationHooks, Command, Index } from "../../mod.ts";
import type { Invariant, Violation } from "../engine/invariant.ts";
import { readFrames } from "./wire.ts";

/** The invariant, and the wrapper that sees what the application handled. */
export interface HandledAnswered extends Invariant {
  /** The application, watched: each command a client sent that it handled is counted. */
  watch(application: ApplicationHooks): ApplicationHooks;
}

/**
 * For an application that answers every command of a client with exactly one reply to it
 * that carries the command's `code`: on a link that lost nothing, each code the client read
 * at least as often as the application handled commands of that code from it. `mine` tells
 * a reply from what the client reads unasked (firings, broadcasts).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application, deliver } from "../../mod.ts";
 * import { Simulation } from "../engine/simulation.ts";
 * import { handledAnswered } from "./handled_answered.ts";
 * const invariant = handledAnswered(() => true);
 * const sim = new Simulation({
 *   seed: 1,
 *   application: invariant.watch(
 *     new Application({ storage: null, defaultController: { handleCommand: () => [] } }),
 *   ),
 *   invariants: [invariant],
 * });
 * sim.client().send(5, '{"code":"ping"}\0');
 * const report = await sim.run({ shutdownAtMs: 50 });
 * assert.equal(report.ok, false); // handled, never answered
 * ```
 */
export function handledAnswered(mine: (command: Command) => boolean): HandledAnswered {
  const name = "handled commands answered";
  const handled = new Map<Index, Command[]>();
  // An identity a resume moved to another client is left to reply accounting, which follows
  // each client's own messages: its handled commands came from more than one connection.
  const resumed = new Set<Index>();
  return {
    name,
    watch(application) {
      return {
        onConnect: (index) => application.onConnect(index),
        onDisconnect: (index) => application.onDisconnect(index),
        onHold: application.onHold && ((index) => application.onHold!(index)),
        onResume: (
          index,
        ) => (resumed.add(index), application.onResume?.(index) ?? Promise.resolve([])),
        handleCommands: async (index, commands, hold) => {
          const result = await application.handleCommands(index, commands, hold);
          if (index !== 0) {
            const list = handled.get(index) ?? [];
            list.push(...commands);
            handled.set(index, list);
          }
          return result;
        },
      };
    },
    check(sim) {
      const violations: Violation[] = [];
      for (const client of sim.clients) {
        if (client.index === undefined || !client.link.lossless) continue;
        if (resumed.has(client.index)) continue;
        const owed = new Map<string, number>();
        for (const command of handled.get(client.index) ?? []) {
          const code = String(command.code);
          owed.set(code, (owed.get(code) ?? 0) + 1);
        }
        for (const frame of readFrames(client)) {
          for (const command of frame.commands ?? []) {
            if (!mine(command)) continue;
            const code = String(command.code);
            owed.set(code, (owed.get(code) ?? 0) - 1);
          }
        }
        for (const [code, count] of owed) {
          if (count <= 0) continue;
          violations.push({
            invariant: name,
            client: client.name,
            message: `${count} command(s) "${code}" the application handled were never answered`,
          });
          break;
        }
      }
      return violations;
    },
  };
}
