/**
 * Invariants about what reaches whom, and when.
 *
 * @module
 */
import type { SimClient } from "../engine/client.ts";
import { isPrompt } from "../engine/faults.ts";
import type { Invariant, SimulationView, Violation } from "../engine/invariant.ts";
import { clip, formatTime } from "../engine/trace.ts";

/**
 * Per-index delivery: every client reads exactly the bytes of the deliveries the core
 * addressed to its index while it was live (and of what the core wrote to it directly: a
 * refusal, a give-up notice), in the order the core sent them, none twice, none of anyone
 * else's. A connection that lost bytes (the client vanished, the server gave
 * up flushing, or the client never read them) may miss a tail of them, never one in the
 * middle.
 *
 * @example
 * ```ts
 * import { perIndexDelivery } from "../mod.ts";
 * const invariants = [perIndexDelivery()];
 * ```
 */
export function perIndexDelivery(): Invariant {
  const name = "per-index delivery";
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      for (const client of sim.clients) {
        const violation = checkClient(sim, client);
        if (violation) violations.push({ invariant: name, client: client.name, ...violation });
      }
      return violations;
    },
  };
}

function checkClient(
  sim: SimulationView,
  client: SimClient,
): Omit<Violation, "invariant"> | undefined {
  const { inbox } = client;
  const expected = client.expected;
  const divergence = inbox.divergence;
  if (divergence) {
    const k = divergence.message;
    const got = client.messages[k]?.text;
    const wanted = expected[k]?.text;
    const whose = got === undefined ? undefined : ownerOf(sim, got, client);
    return {
      time: divergence.time,
      message: `message ${k + 1} is ${got === undefined ? "incomplete" : clip(got)}` +
        (wanted
          ? `, but the core addressed ${clip(wanted)} there`
          : ", but the core addressed nothing more to it") +
        (got !== undefined && expected.slice(0, k).some((entry) => entry.text === got)
          ? " (a repeat of an earlier one)"
          : "") +
        (whose ? ` (the core addressed it to ${whose})` : ""),
    };
  }
  if (inbox.matched < expected.length && client.link.lossless) {
    const missing = expected[inbox.matched];
    return {
      time: missing.time,
      message:
        `missing ${
          expected.length - inbox.matched
        } of ${expected.length} deliveries on a link that` +
        ` lost nothing; the first was addressed at ${formatTime(missing.time)}: ${
          clip(missing.text)
        }`,
    };
  }
  return undefined;
}

/**
 * Concurrent drain: a client whose link takes everything at once (no window, reads on
 * arrival) receives each delivery within its link's delay plus jitter of the moment the core
 * addressed it (for a WebSocket client, or of the moment its first message told the server its
 * mode), however slow the other recipients of that delivery are.
 *
 * @example
 * ```ts
 * import { concurrentDrain } from "../mod.ts";
 * const invariants = [concurrentDrain()];
 * ```
 */
export function concurrentDrain(): Invariant {
  const name = "concurrent drain";
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      for (const client of sim.clients) {
        const { faults } = client.link;
        if (client.index === undefined || !isPrompt(faults) || client.link.reader.pausedEver) {
          continue;
        }
        const expected = client.expected;
        const boundUs = (faults.downDelayMs + faults.jitterMs) * 1000;
        const deliveredAt = client.inbox.deliveredAt;
        // A WebSocket holds what the server writes until the client's first message says how
        // it speaks: a delivery can leave no earlier.
        const from = client.link.server.releasedAt;
        const sent = (k: number) => Math.max(expected[k].time, from);
        const late = deliveredAt.findIndex((time, k) => time - sent(k) > boundUs);
        if (late < 0) continue;
        violations.push({
          invariant: name,
          client: client.name,
          time: deliveredAt[late],
          message:
            `delivery ${late + 1} arrived ${formatTime(deliveredAt[late] - sent(late))}ms after` +
            ` the core addressed it (at ${
              formatTime(expected[late].time)
            }); its link takes at most` +
            ` ${formatTime(boundUs)}ms: another recipient held it back`,
        });
      }
      return violations;
    },
  };
}

function ownerOf(sim: SimulationView, text: string, except: SimClient): string | undefined {
  for (const other of sim.clients) {
    if (other === except || other.index === undefined) continue;
    if (other.expected.some((entry) => entry.text === text)) {
      return `${other.name} (index ${other.index})`;
    }
  }
  return undefined;
}
