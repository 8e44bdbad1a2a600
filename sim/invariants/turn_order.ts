/**
 * Turn order, from each client's side: what the core writes to a connection follows the order
 * of the turns that made it, held answers included (src/core/deliver.ts: whoever is sent a
 * held result gets everything sent to it later after it), and each message comes once.
 *
 * @module
 */
import type { Invariant, Violation } from "../engine/invariant.ts";
import { clip } from "../engine/trace.ts";
import { readFrames } from "./wire.ts";

/**
 * For an application that stamps every command it sends with the number of the turn that
 * made it (a field `turn`, counted up by the application as it is called): each client reads
 * those numbers in order, never a later turn's message before an earlier one's, and never
 * the same stamped command twice (a turn sends a client each of its commands once: a
 * broadcast that a held answer split must not reach anyone again).
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
        const seen = new Set<string>();
        let twice = false;
        for (const frame of readFrames(client)) {
          const problem = (frame.commands ?? []).find((command) => {
            if (typeof command.turn !== "number") return false;
            const text = JSON.stringify(command);
            if (command.turn < last || seen.has(text)) return (twice = seen.has(text), true);
            seen.add(text);
            last = command.turn;
            lastCommand = text;
            return false;
          });
          if (!problem) continue;
          violations.push({
            invariant: name,
            client: client.name,
            time: frame.time,
            message: twice
              ? `it read ${clip(JSON.stringify(problem))} a second time`
              : `it read ${clip(JSON.stringify(problem))} after ${
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
