/**
 * An invariant about how long a command takes from its sender to everyone who hears it.
 *
 * @module
 */
import type { Command } from "../../mod.ts";
import { isPrompt } from "../engine/faults.ts";
import type { Invariant, Violation } from "../engine/invariant.ts";
import { formatTime } from "../engine/trace.ts";

/** Where a received command came from, as the command itself says. */
export interface Origin {
  /** When its sender sent it, in virtual ms. */
  readonly sentAtMs: number;
  /** Its sender's name (`c1`, ...). */
  readonly from: string;
}

/** Options of {@linkcode endToEndLatency}. */
export interface EndToEndLatencyOptions {
  /** The origin of a received command, if it carries one (scenarios put it in what they say). */
  origin: (command: Command) => Origin | undefined;
  /** How much later than the two links allow a command may arrive, in ms. */
  slackMs: number;
}

/** {@linkcode endToEndLatency}, with the worst case it saw. */
export interface EndToEndLatency extends Invariant {
  /** After `check`: the largest delay beyond the links' own, in ms, over every command heard. */
  readonly worstExcessMs: number;
  /** After `check`: how many commands with an origin were heard by prompt clients. */
  readonly heard: number;
}

/**
 * End-to-end latency: every command with an origin reaches each client that reads promptly
 * (a prompt link, never paused) within the sender's up delay plus the receiver's down delay
 * (jitter included) plus `slackMs`, however the other clients behave. With `slackMs` set to
 * the server's `drainWaitMs`, this is "nobody else is disturbed beyond what the core allows":
 * a sender's next message may wait that long for the drain of its previous one.
 *
 * @example
 * ```ts
 * import { endToEndLatency } from "./latency_invariants.ts";
 * const latency = endToEndLatency({
 *   slackMs: 100,
 *   origin: (command) =>
 *     typeof command.at === "number" && typeof command.by === "string"
 *       ? { sentAtMs: command.at, from: command.by }
 *       : undefined,
 * });
 * ```
 */
export function endToEndLatency(options: EndToEndLatencyOptions): EndToEndLatency {
  const name = "end-to-end latency";
  const invariant = {
    name,
    worstExcessMs: 0,
    heard: 0,
    check(sim) {
      const violations: Violation[] = [];
      const byName = new Map(sim.clients.map((client) => [client.name, client]));
      let worstUs = 0;
      let heard = 0;
      for (const client of sim.clients) {
        const down = client.link.faults;
        if (client.index === undefined || !isPrompt(down) || client.link.reader.pausedEver) {
          continue;
        }
        for (const message of client.messages) {
          for (const command of message.commands ?? []) {
            const origin = options.origin(command);
            const sender = origin && byName.get(origin.from);
            if (!origin || !sender) continue;
            heard++;
            const up = sender.link.faults;
            const linksUs = (up.upDelayMs + up.jitterMs + down.downDelayMs + down.jitterMs) * 1000;
            const tookUs = message.time - Math.round(origin.sentAtMs * 1000);
            worstUs = Math.max(worstUs, tookUs - linksUs);
            if (tookUs <= linksUs + options.slackMs * 1000) continue;
            violations.push({
              invariant: name,
              client: client.name,
              time: message.time,
              message: `a command ${sender.name} sent at ${formatTime(origin.sentAtMs * 1000)}ms` +
                ` took ${formatTime(tookUs)}ms to arrive; its links take at most` +
                ` ${formatTime(linksUs)}ms, and the core may add ${options.slackMs}ms`,
            });
          }
        }
      }
      invariant.worstExcessMs = worstUs / 1000;
      invariant.heard = heard;
      return violations;
    },
  } satisfies Invariant & { worstExcessMs: number; heard: number };
  return invariant;
}
