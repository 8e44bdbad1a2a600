/**
 * Turn order, from each client's side: what the core writes to a connection follows the order
 * of the turns that made it, held answers included (src/core/deliver.ts: whoever is sent a
 * held result gets everything sent to it later after it).
 *
 * @module
 */
import type { Invariant, Violation } from "../engine/invariant.ts";
import { clip } from "../engine/trace.ts";
import { readFrames } from "./wire.ts";

/**
 * For an application that stamps every command it sends with the number of the turn that
 * made it (a field `turn`, counted up by the application as it is called): each client reads
 * those numbers in order, never a later turn's message before an earlier one's.
 *
 * @example
 * ```ts
 * import { turnOrder } from "./turn_order.ts";
 * const invariant = turnOrder();
 * ```
 */
export function turnOrder(): Invariant {
  const name = "turn order";
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      for (const client of sim.clients) {
        let last = -Infinity;
        let lastCommand = "";
        for (const frame of readFrames(client)) {
          const problem = (frame.commands ?? []).find((command) => {
            if (typeof command.turn !== "number") return false;
            if (command.turn < last) return true;
            last = command.turn;
            lastCommand = JSON.stringify(command);
            return false;
          });
          if (!problem) continue;
          violations.push({
            invariant: name,
            client: client.name,
            time: frame.time,
            message: `it read ${clip(JSON.stringify(problem))} after ${
              clip(lastCommand)
            }, made in a later turn`,
          });
          break;
        }
      }
      return violations;
    },
  };
}
