/**
 * Limits as invariants: the connection cap, the command rate and the sender's progress,
 * judged by what clients sent and read (with the server's count of connections at each
 * admission, the one thing a client cannot see).
 *
 * @module
 */
import type { Connection } from "../../mod.ts";
import type { SimClient } from "../engine/client.ts";
import type { Invariant, Violation } from "../engine/invariant.ts";
import { formatTime } from "../engine/trace.ts";
import { departureOf } from "./limit_invariants.ts";
import type { ItemFate, ReplyAccounting } from "./reply_accounting.ts";
import { readFrames } from "./wire.ts";

/**
 * The connection cap: the server never holds more than `maxConnections`, and it refuses a
 * connection as full only when it holds that many.
 *
 * @example
 * ```ts
 * import { connectionCap } from "./client_limits.ts";
 * const invariant = connectionCap();
 * ```
 */
export function connectionCap(): Invariant {
  const name = "connection cap";
  const violations: Violation[] = [];
  return {
    name,
    attach(sim) {
      const server = sim.server;
      const accept = server.accept.bind(server);
      server.accept = (connection: Connection) => {
        const before = server.connections.count;
        const accepting = server.accepting;
        const admission = accept(connection);
        const most = sim.limits.maxConnections;
        const add = (message: string) =>
          violations.push({ invariant: name, time: sim.now, message });
        if (admission.accepted && before >= most) {
          add(`a connection was admitted while ${before} were live (maxConnections ${most})`);
        } else if (!admission.accepted && accepting && before < most) {
          add(
            `a connection was refused ("${admission.reason}") while only ${before} of ${most} were live`,
          );
        }
        return admission;
      };
    },
    check: () => violations,
  };
}

/**
 * The command rate, from each client's answered items: no window of time admits more than
 * `commandBurst` plus `commandsPerSecond` times its length, and a refusal comes only after
 * at least `commandBurst` items were admitted.
 *
 * @example
 * ```ts
 * import { rateBounds } from "./client_limits.ts";
 * import { replyAccounting } from "./reply_accounting.ts";
 * const accounting = replyAccounting(() => ({ greeting: [], reply: (c) => ({ command: c }), mine: () => true }));
 * const invariants = [accounting, rateBounds(accounting)]; // accounting first
 * ```
 */
export function rateBounds(accounting: ReplyAccounting): Invariant {
  const name = "rate bounds";
  return {
    name,
    check(sim) {
      const { commandsPerSecond: rate, commandBurst: burst } = sim.limits;
      if (rate === 0) return [];
      const violations: Violation[] = [];
      for (const client of sim.clients) {
        const fates = accounting.fates.get(client.name) ?? [];
        const problem = judgeRate(client, fates, rate, burst);
        if (problem) violations.push({ invariant: name, client: client.name, ...problem });
      }
      return violations;
    },
  };
}

function judgeRate(
  client: SimClient,
  fates: readonly ItemFate[],
  rate: number,
  burst: number,
): { time: number; message: string } | undefined {
  const { upDelayMs, downDelayMs } = client.link.faults;
  const admitted = fates.filter((fate) => !fate.refused);
  for (let k = 0; k < admitted.length; k++) {
    for (let j = 0; j <= k; j++) {
      // Admitted after the first reached the server, before the last answer left it.
      const fromUs = admitted[j].item.time + upDelayMs * 1000;
      const toUs = admitted[k].answeredAt - downDelayMs * 1000;
      const most = Math.floor(burst + (rate * Math.max(0, toUs - fromUs)) / 1e6 + 1e-9);
      if (k - j + 1 > most) {
        return {
          time: admitted[k].answeredAt,
          message: `${k - j + 1} items were admitted between ${formatTime(fromUs)}ms and ` +
            `${formatTime(toUs)}ms; the rate allows ${most} (burst ${burst}, ${rate}/s)`,
        };
      }
    }
  }
  let before = 0;
  for (const fate of fates) {
    if (!fate.refused) before++;
    else if (before < burst) {
      return {
        time: fate.answeredAt,
        message:
          `an item was refused over the rate after only ${before} were admitted (burst ${burst})`,
      };
    }
  }
  return undefined;
}

/** Options of {@linkcode senderProgress}. */
export interface SenderProgressOptions {
  /** The clients whose progress is judged (on prompt links). */
  senders: (client: SimClient) => boolean;
  /** How much later than one `drainWaitMs` an answer may come, in ms. */
  slackMs: number;
  /** Whether what the client says goes to readers it may wait for (default: yes). */
  waitsForDrain?: (client: SimClient) => boolean;
}

/**
 * Sender progress: a sender's next answer comes within one `drainWaitMs` (plus its link's
 * delays and `slackMs`) of when it could first be handled (its item arrived, and the answer
 * before it left), however many stalled readers hear it: the drains of one result are waited
 * for together.
 *
 * @example
 * ```ts
 * import { senderProgress } from "./client_limits.ts";
 * import { replyAccounting } from "./reply_accounting.ts";
 * const accounting = replyAccounting(() => ({ greeting: [], reply: (c) => ({ command: c }), mine: () => true }));
 * const invariant = senderProgress(accounting, { senders: (c) => c.name === "c1", slackMs: 1 });
 * ```
 */
export function senderProgress(
  accounting: ReplyAccounting,
  options: SenderProgressOptions,
): Invariant {
  const name = "sender progress";
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      for (const client of sim.clients) {
        if (!options.senders(client)) continue;
        const waits = options.waitsForDrain?.(client) ?? true;
        const waitUs = ((waits ? sim.limits.drainWaitMs : 0) + options.slackMs) * 1000;
        const { upDelayMs, downDelayMs, jitterMs } = client.link.faults;
        let previous = -Infinity;
        for (const fate of accounting.fates.get(client.name) ?? []) {
          const arrived = fate.item.time + (upDelayMs + jitterMs) * 1000;
          const ready = Math.max(arrived, previous - downDelayMs * 1000);
          const took = fate.answeredAt - (downDelayMs + jitterMs) * 1000 - ready;
          previous = fate.answeredAt;
          if (took <= waitUs) continue;
          violations.push({
            invariant: name,
            client: client.name,
            time: fate.answeredAt,
            message:
              `the answer to item ${fate.item.n + 1} (sent at ${formatTime(fate.item.time)}ms)` +
              ` left ${formatTime(took)}ms after it could; it may wait ${formatTime(waitUs)}ms`,
          });
          break;
        }
      }
      return violations;
    },
  };
}

/** The reasons a client is told before it is let go, and whether its last message tells it. */
const TOLD: Record<string, (error: unknown) => boolean> = {
  "idle timeout": (error) => error === "idle timeout",
  "message not completed in time": (error) => error === "message not completed in time",
  "too many bad messages": (error) => error === "too many bad messages",
  // Told even when the message came over the rate: the cut must not be silent.
  "message too large": (error) => String(error).startsWith("message is larger than"),
};

/**
 * Told why: a client let go for idling, for a message not completed in time, for too many
 * bad messages or for a message too large reads that reason as its last message (on a link that lost nothing). The
 * simulation must keep `info` lines (`logLevel: "info"`).
 *
 * @example
 * ```ts
 * import { toldWhy } from "./client_limits.ts";
 * const invariant = toldWhy();
 * ```
 */
export function toldWhy(): Invariant {
  const name = "told why";
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      for (const client of sim.clients) {
        if (client.index === undefined || !client.link.lossless) continue;
        const gone = departureOf(sim.records, client.index);
        const told = gone && Object.hasOwn(TOLD, gone.reason) ? TOLD[gone.reason] : undefined;
        if (!gone || !told) continue;
        const frames = readFrames(client);
        const last = frames.at(-1)?.commands?.at(-1);
        if (told(last?.error)) continue;
        violations.push({
          invariant: name,
          client: client.name,
          time: gone.time,
          message: `let go for "${gone.reason}", but its last message was ${JSON.stringify(last)}`,
        });
      }
      return violations;
    },
  };
}
