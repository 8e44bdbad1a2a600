/**
 * Invariants about the connection hooks and what a departed connection leaves behind.
 *
 * @module
 */
import type { Index } from "../../mod.ts";
import type { Invariant, Violation } from "../engine/invariant.ts";

/** Options of {@linkcode hookPairs}. */
export interface HookPairsOptions {
  /** Whether the application still has `index` in a room (or any state it must drop). */
  inRoom?: (index: Index) => boolean;
}

/**
 * Hooks: every accepted connection gets exactly one onConnect, and exactly one onDisconnect
 * once it is gone, whatever the fault. When its onDisconnect has finished, its index is in
 * no registry, in no room (if `inRoom` is given), and the core addresses nothing more to it.
 * A connection whose transport is gone must not stay registered.
 *
 * @example
 * ```ts
 * import { hookPairs } from "../mod.ts";
 * declare const rooms: Map<number, string>;
 * const invariant = hookPairs({ inRoom: (index) => rooms.has(index) });
 * ```
 */
export function hookPairs(options: HookPairsOptions = {}): Invariant {
  const name = "hooks";
  const leftovers: Violation[] = [];
  return {
    name,
    attach(sim) {
      const inRoom = options.inRoom;
      if (!inRoom) return;
      sim.observe({
        departed(index) {
          if (!inRoom(index)) return;
          leftovers.push({
            invariant: name,
            client: sim.clientOf(index)?.name,
            time: sim.now,
            message:
              `index ${index} is still in a room (or in the application's model) after its onDisconnect`,
          });
        },
      });
    },
    check(sim) {
      const violations = [...leftovers];
      const add = (message: string, index?: Index, time?: number) =>
        violations.push({
          invariant: name,
          client: index === undefined ? undefined : sim.clientOf(index)?.name,
          time,
          message,
        });
      for (const client of sim.clients) {
        const index = client.index;
        if (index === undefined) continue;
        const counts = sim.records.hooksOf(index);
        const registered = sim.server.connections.has(index);
        const gone = client.link.state === "closed" || client.link.state === "broken";
        if (counts.connects !== 1) {
          add(`index ${index} got ${counts.connects} onConnect calls`, index);
        }
        if (counts.disconnects !== (registered ? 0 : 1)) {
          add(
            `index ${index} got ${counts.disconnects} onDisconnect calls (${
              registered ? "still registered" : "gone"
            })`,
            index,
          );
        }
        if (registered && gone) {
          add(
            `index ${index} is still registered but its connection is ${client.link.state}`,
            index,
          );
        }
        if (!registered && counts.disconnectedAt === undefined && counts.disconnects > 0) {
          add(`index ${index}'s onDisconnect never finished`, index);
        }
      }
      for (const incident of sim.records.stillRegistered) {
        add(`index ${incident.index} was ${incident.message}`, incident.index, incident.time);
      }
      for (const incident of sim.records.lateAddresses) {
        add(
          `the core addressed index ${incident.index} after its onDisconnect: ${incident.message}`,
          incident.index,
          incident.time,
        );
      }
      return violations;
    },
  };
}
