/**
 * Bugs planted in the core's session layer, for the resume scenario to catch: each is a
 * session layer that makes one mistake a real implementation could make.
 *
 * @module
 */
import type { Command, Index } from "../../mod.ts";
import type { Live } from "../../src/core/live_connections.ts";
import { type Ending, type SessionHost, SessionLayer } from "../../src/core/session_layer.ts";

/**
 * The planted bugs: see {@linkcode plantedSessionLayer}; and `stale-view`, in the application
 * (`resume_app.ts`): the view a resume gets is the one kept when the player dropped.
 */
export const RESUME_PLANTS = {
  "token-to-table": "a new connection's session message (its secret token) goes to everyone",
  "stale-close": "the close of a socket a resume took over ends the identity",
  "old-socket-kept": "a takeover leaves the old socket speaking for the identity",
  "replay-queued": "a resume hands the new connection the old one's unsent bytes",
  "stale-view": "a resume gets the view kept from when the player dropped",
} as const;
/** One of {@linkcode RESUME_PLANTS}. */
export type ResumePlant = keyof typeof RESUME_PLANTS;

/**
 * A session layer with `plant` in it:
 * - `token-to-table`: a new connection's session message (its secret token) goes to everyone
 *   connected, not to it alone;
 * - `stale-close`: the close of a socket that a resume took over is processed as the
 *   identity's end (the application is told the player is gone while they are back);
 * - `old-socket-kept`: a takeover leaves the old socket open, and it goes on speaking for the
 *   identity alongside the new one;
 * - `replay-queued`: a resume hands the new connection what the old one had not sent when it
 *   closed (its unsent bytes, the tail of a message among them), after the resume's answer.
 *
 * `stale-view` is the application's: this layer is the real one for it.
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
  if (plant === "stale-view") return SessionLayer;
  if (plant === "replay-queued") return ReplayQueued;
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

/** The last `count` bytes of `chunks`, in one array. */
function tail(chunks: readonly Uint8Array[], count: number): Uint8Array {
  const out = new Uint8Array(count);
  let end = count;
  for (let k = chunks.length - 1; k >= 0 && end > 0; k--) {
    const chunk = chunks[k];
    const take = Math.min(chunk.length, end);
    out.set(chunk.subarray(chunk.length - take), end - take);
    end -= take;
  }
  return out;
}

/** See `replay-queued` in {@linkcode plantedSessionLayer}. */
class ReplayQueued extends SessionLayer {
  /** By identity: what its last connection still had unsent when it was closed. */
  readonly #queued = new Map<Index, Uint8Array>();

  override opened(entry: Live): Promise<void> {
    const guard = entry.policy.outbound;
    const [write, close] = [guard.write.bind(guard), guard.close.bind(guard)];
    const written: Uint8Array[] = [];
    guard.write = (bytes) => {
      write(bytes);
      written.push(bytes);
    };
    guard.close = (mode) => {
      const unsent = Math.min(guard.bufferedBytes, written.reduce((n, c) => n + c.length, 0));
      if (unsent > 0) this.#queued.set(entry.index, tail(written, unsent));
      return close(mode);
    };
    return super.opened(entry);
  }

  override async handle(entry: Live, commands: readonly Command[]): Promise<void> {
    const before = entry.index;
    await super.handle(entry, commands);
    const queued = entry.index === before ? undefined : this.#queued.get(entry.index);
    if (!queued || entry.leaving) return;
    this.#queued.delete(entry.index);
    try {
      entry.policy.outbound.write(queued);
    } catch {
      // Gone already.
    }
  }
}
