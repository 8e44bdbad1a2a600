/**
 * Bugs planted in the core's session layer, for the resume scenario to catch: each is a
 * session layer that makes one mistake a real implementation could make.
 *
 * @module
 */
import type { Live } from "../../src/core/live_connections.ts";
import { type Ending, type SessionHost, SessionLayer } from "../../src/core/session_layer.ts";

/** The planted bugs: see {@linkcode plantedSessionLayer}. */
export const RESUME_PLANTS = ["token-to-table", "stale-close", "old-socket-kept"] as const;
/** One of {@linkcode RESUME_PLANTS}. */
export type ResumePlant = typeof RESUME_PLANTS[number];

/**
 * A session layer with `plant` in it:
 * - `token-to-table`: a new connection's session message (its secret token) goes to everyone
 *   connected, not to it alone;
 * - `stale-close`: the close of a socket that a resume took over is processed as the
 *   identity's end (the application is told the player is gone while they are back);
 * - `old-socket-kept`: a takeover leaves the old socket open, and it goes on speaking for the
 *   identity alongside the new one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SessionLayer } from "../../src/core/session_layer.ts";
 * import { plantedSessionLayer } from "./resume_planted.ts";
 * assert.ok(plantedSessionLayer("stale-close").prototype instanceof SessionLayer);
 * ```
 */
export function plantedSessionLayer(plant: ResumePlant): typeof SessionLayer {
  if (plant === "token-to-table") {
    return class TokenToTable extends SessionLayer {
      override opened(entry: Live): Promise<void> {
        const { index } = entry;
        const token = this.host.book.issue(index);
        const holdMs = this.host.book.holdMs;
        const everyone = [...new Set([...this.host.registry.indexes(), index])];
        return this.host.runTurn(() => [[everyone, [{ code: "session", token, holdMs }]]]);
      }
    };
  }
  if (plant === "old-socket-kept") {
    return class OldSocketKept extends SessionLayer {
      constructor(host: SessionHost) {
        super({
          ...host,
          disconnect: (entry, reason, ending, notice) =>
            ending === "superseded"
              ? Promise.resolve()
              : host.disconnect(entry, reason, ending, notice),
        });
      }
    };
  }
  return class StaleClose extends SessionLayer {
    override ended(entry: Live, ending: Ending): Promise<void> {
      if (ending !== "superseded") return super.ended(entry, ending);
      const { index } = entry;
      return this.host.runTurn(() => this.host.application.onDisconnect(index));
    }
  };
}
