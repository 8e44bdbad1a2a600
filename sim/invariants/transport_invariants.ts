/**
 * Invariants of the connection layer, which the simulator runs as production does: what it
 * writes to each socket, and how much it lets pile up there.
 *
 * @module
 */
import type { Invariant, Violation } from "../engine/invariant.ts";

/**
 * The connection layer keeps its promises at every socket:
 * - *batching*: what the core sends one connection in one event-loop iteration leaves as one
 *   socket write; more only when a drain or a close flushed early, or a hold filled up;
 * - *unsent cap*: a socket write that finds bytes unsent leaves at most `maxBufferedBytes`
 *   unsent (held bytes count toward the cap once the peer lags; only a write to a socket
 *   that had nothing unsent may carry one iteration's held bytes past it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application } from "../../mod.ts";
 * import { Simulation, transportLayer } from "../mod.ts";
 * const sim = new Simulation({
 *   seed: 1,
 *   application: new Application({ storage: null }),
 *   invariants: [transportLayer()],
 * });
 * sim.client().send(1, { code: "hello" });
 * assert.deepEqual((await sim.run({ shutdownAtMs: 50 })).violations, []);
 * ```
 */
export function transportLayer(): Invariant {
  const name = "transport layer";
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      const cap = sim.limits.maxBufferedBytes;
      for (const client of sim.clients) {
        const { link } = client;
        const add = (message: string) =>
          violations.push({ invariant: name, client: client.name, message });
        for (const found of link.unbatchedWrites.slice(0, 3)) add(found);
        if (link.maxUnsentOnBacklog > cap) {
          add(`a socket write left ${link.maxUnsentOnBacklog} bytes unsent (cap ${cap})`);
        }
      }
      return violations;
    },
  };
}
