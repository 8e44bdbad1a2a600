/**
 * The drain wait from below: a sender's next answer waits for every recipient of its last
 * result that still had bytes unsent, up to `drainWaitMs` (src/core/deliver.ts: the drains
 * are awaited all together; src/core/outbound_guard.ts: each at most `drainWaitMs`).
 *
 * @module
 */
import type { Command } from "../../mod.ts";
import type { Invariant, Violation } from "../engine/invariant.ts";
import { clip, formatTime } from "../engine/trace.ts";
import type { ReplyAccounting } from "./reply_accounting.ts";

/** Options of {@linkcode drainWaitFloor}. */
export interface DrainWaitFloorOptions {
  /** The client whose answers are judged. */
  readonly sender: string;
  /**
   * The items whose result reaches a reader that is not lagging (it had been waited for by
   * no one) and cannot take in its bytes within `drainWaitMs`: the next answer waits for it.
   */
  readonly probe: (command: Command) => boolean;
  /** How much earlier than one `drainWaitMs` the next answer may come, in ms. */
  readonly slackMs: number;
}

/**
 * After each probe item, the sender's next answer comes at least `drainWaitMs` (less
 * `slackMs`) after the probe's answer: the turn after a delivery waits for all of its
 * slow recipients, not only for some of them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { drainWaitFloor } from "./drain_wait.ts";
 * import { replyAccounting } from "./reply_accounting.ts";
 * const accounting = replyAccounting(() => ({ greeting: [], reply: (c) => ({ command: c }), mine: () => true }));
 * const invariant = drainWaitFloor(accounting, { sender: "c1", probe: (c) => c.code === "save", slackMs: 1 });
 * assert.equal(invariant.name, "drain wait floor"); // judged on the sender-progress story
 * ```
 */
export function drainWaitFloor(
  accounting: ReplyAccounting,
  options: DrainWaitFloorOptions,
): Invariant {
  const name = "drain wait floor";
  return {
    name,
    check(sim) {
      const client = sim.clients.find((candidate) => candidate.name === options.sender);
      const fates = accounting.fates.get(options.sender) ?? [];
      if (!client?.link.lossless) return [];
      const floorUs = (sim.limits.drainWaitMs - options.slackMs) * 1000;
      const violations: Violation[] = [];
      for (let k = 0; k + 1 < fates.length; k++) {
        const { item, answeredAt } = fates[k];
        if (!item.command || !options.probe(item.command)) continue;
        const next = fates[k + 1];
        if (next.item.time > answeredAt) continue; // not waiting when the wait began
        const gap = next.answeredAt - answeredAt;
        if (gap >= floorUs) continue;
        violations.push({
          invariant: name,
          client: options.sender,
          time: next.answeredAt,
          message: `the answer after ${clip(JSON.stringify(item.command))} came ${
            formatTime(gap)
          }ms after it; a reader it reached could not drain, so it must wait ${
            formatTime(floorUs)
          }ms`,
        });
      }
      return violations;
    },
  };
}
