/**
 * Invariants of what crosses the wire between a client and the core, in both directions: the
 * core reads what the client sent, and a WebSocket server keeps the rules of its frames.
 *
 * @module
 */
import type { Invariant, Violation } from "../engine/invariant.ts";

/**
 * Inbound integrity: the bytes the core is given on a connection are, byte for byte, a prefix
 * of the zero-byte stream its client sent (a WebSocket client's messages, each with the zero
 * byte its frames leave out), however the stream was cut into segments and frames. A feed,
 * an upgrade or a WebSocket socket that loses, repeats or changes a byte breaks it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application } from "../../mod.ts";
 * import { inboundIntegrity, Simulation } from "../mod.ts";
 * const sim = new Simulation({
 *   seed: 1,
 *   application: new Application({ storage: null }),
 *   link: { fragmentRate: 1 },
 *   invariants: [inboundIntegrity()],
 * });
 * sim.client({ protocol: "ws-stream" }).send(1, { code: "hello" });
 * assert.deepEqual((await sim.run({ shutdownAtMs: 50 })).violations, []);
 * ```
 */
export function inboundIntegrity(): Invariant {
  const name = "inbound integrity";
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      for (const client of sim.clients) {
        const divergence = client.sent.divergence;
        if (!divergence) continue;
        violations.push({
          invariant: name,
          client: client.name,
          time: divergence.time,
          message: `the core was given byte ${divergence.offset} of its stream other than` +
            ` the client sent it (${client.protocol})`,
        });
      }
      return violations;
    },
  };
}

/**
 * WebSocket conduct: every WebSocket client found the server's side correct: a `101` to its
 * upgrade; unmasked frames with no reserved bit, known opcodes, lengths in their shortest
 * form, final control frames of at most 125 bytes, continuations only inside a message,
 * nothing after a close; close frames with a code that may be sent and a UTF-8 reason; pongs
 * only to its pings; and the zero-byte framing: no binary frame to a client in message mode,
 * no zero byte inside a text message, data frames of one kind on one connection.
 *
 * @example
 * ```ts
 * import { webSocketConduct } from "../mod.ts";
 * const invariants = [webSocketConduct()];
 * ```
 */
export function webSocketConduct(): Invariant {
  const name = "websocket conduct";
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      for (const client of sim.clients) {
        const [first, ...more] = client.webSocketViolations;
        if (!first) continue;
        violations.push({
          invariant: name,
          client: client.name,
          time: first.time,
          message: first.message + (more.length > 0 ? ` (and ${more.length} more)` : ""),
        });
      }
      return violations;
    },
  };
}

/**
 * Whole messages: the server writes only whole messages, so a client whose link lost nothing
 * never ends holding part of one (its last byte read is a zero byte). A message written
 * without its zero byte, or cut by the server, breaks it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application, deliver } from "../../mod.ts";
 * import { Simulation } from "../engine/simulation.ts";
 * import { wholeMessages } from "./wire_invariants.ts";
 * const sim = new Simulation({
 *   seed: 1,
 *   application: new Application({
 *     storage: null,
 *     defaultController: { handleCommand: (command, { index }) => deliver([index], command) },
 *   }),
 *   invariants: [wholeMessages()],
 * });
 * sim.client().send(1, { code: "ping" });
 * assert.deepEqual((await sim.run({ shutdownAtMs: 50 })).violations, []);
 * ```
 */
export function wholeMessages(): Invariant {
  const name = "whole messages";
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      for (const client of sim.clients) {
        if (!client.link.lossless) continue;
        const last = client.inbox.reads().at(-1);
        if (!last || last.bytes.length === 0 || last.bytes.at(-1) === 0) continue;
        violations.push({
          invariant: name,
          client: client.name,
          time: last.time,
          message: "its link lost nothing, yet what it read ends inside a message",
        });
      }
      return violations;
    },
  };
}
