/**
 * The limits a server puts on each connection, with their defaults. Message size and nesting
 * are the parser's (see `JsonParserOptions`).
 *
 * @module
 */

/**
 * Per-server and per-connection limits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Limits, limitsWith } from "../../mod.ts";
 * const unthrottled: Partial<Limits> = { commandsPerSecond: 0, commandBurst: 0 };
 * assert.equal(limitsWith(unthrottled).commandBurst, 0);
 * ```
 */
export interface Limits {
  /**
   * Connections over this are answered `{"error":"server is full"}` and closed
   * (`Server.accept`).
   */
  maxConnections: number;
  /**
   * Unsent bytes over this make a connection lagging: nobody waits for its drain
   * (`OutboundGuard.write`).
   */
  highWaterMarkBytes: number;
  /**
   * How long sending waits for one connection to drain before it goes on without it; the
   * connection is then lagging too, until it drains (`OutboundGuard.drain`).
   */
  drainWaitMs: number;
  /**
   * A connection that has not drained for this long is reset as a slow consumer
   * (`OutboundGuard`'s wait timer).
   */
  slowConsumerTimeoutMs: number;
  /**
   * Unsent bytes over this reset a connection at once (`OutboundGuard.write`, before the
   * write). The connection layer holds what an event-loop iteration sends a connection
   * (64 KiB at most) until the iteration ends, and counts it only once the peer lags: a
   * peer that keeps up may briefly be owed that much more.
   */
  maxBufferedBytes: number;
  /**
   * A connection that sends nothing for this long is told so and closed; 0 switches it off
   * (`ConnectionPolicy`'s idle timer).
   */
  idleTimeoutMs: number;
  /**
   * A message begun must be complete within this long, however slowly its bytes come; else
   * the client is told so and closed; 0 switches it off (`ConnectionPolicy`'s partial timer).
   */
  partialMessageTimeoutMs: number;
  /**
   * Messages (commands, and bad messages, one each) a connection may send per second, on
   * average; 0 switches the limit off (`ConnectionPolicy.admit`). What is over the rate is
   * answered with one error per read, with the count refused.
   */
  commandsPerSecond: number;
  /** Commands a connection may send at once after a quiet spell. */
  commandBurst: number;
  /**
   * Bad messages (not JSON, refused values) a connection may send in a row, without a good
   * one between; the next one resets it with `{"error":"too many bad messages"}`; 0
   * switches it off (`ConnectionPolicy.badMessage`).
   */
  maxBadMessages: number;
  /**
   * Resume attempts (`{"code":"resume"}`, with a hold: see `ServerOptions.holdMs`) the whole
   * server answers per second, on average; those over it get the same `cannot resume` as a
   * bad token, without the token being looked at. 0 switches the limit off.
   */
  resumesPerSecond: number;
  /** Resume attempts the server answers at once after a quiet spell. */
  resumeBurst: number;
}

/**
 * The defaults: generous for a game client, tight enough that no client can hurt the rest.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_LIMITS, limitsWith } from "../../mod.ts";
 * assert.equal(DEFAULT_LIMITS.maxConnections, 10_000);
 * assert.deepEqual(limitsWith(), DEFAULT_LIMITS);
 * assert.ok(Object.isFrozen(DEFAULT_LIMITS));
 * ```
 */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxConnections: 10_000,
  highWaterMarkBytes: 256 * 1024,
  drainWaitMs: 100,
  slowConsumerTimeoutMs: 10_000,
  maxBufferedBytes: 2 * 1024 * 1024,
  idleTimeoutMs: 10 * 60_000,
  partialMessageTimeoutMs: 30_000,
  commandsPerSecond: 200,
  commandBurst: 400,
  maxBadMessages: 100,
  resumesPerSecond: 20,
  resumeBurst: 50,
});

/**
 * The defaults with some limits replaced; throws a RangeError for a limit that is not a
 * non-negative number or that contradicts another.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { limitsWith } from "../../mod.ts";
 * const limits = limitsWith({ maxConnections: 100, idleTimeoutMs: 0 });
 * assert.equal(limits.maxConnections, 100);
 * assert.equal(limits.commandsPerSecond, 200);
 * assert.throws(() => limitsWith({ drainWaitMs: -1 }), RangeError);
 * assert.throws(() => limitsWith({ maxBufferedBytes: 1, highWaterMarkBytes: 2 }), RangeError);
 * ```
 */
export function limitsWith(overrides: Partial<Limits> = {}): Limits {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value !== "number" || !(value >= 0)) {
      throw new RangeError(`limit ${name} must be a number >= 0`);
    }
  }
  if (limits.slowConsumerTimeoutMs < limits.drainWaitMs) {
    throw new RangeError("slowConsumerTimeoutMs must be at least drainWaitMs");
  }
  if (limits.maxBufferedBytes < limits.highWaterMarkBytes) {
    throw new RangeError("maxBufferedBytes must be at least highWaterMarkBytes");
  }
  if (limits.commandsPerSecond > 0 && limits.commandBurst < 1) {
    throw new RangeError("commandBurst must be at least 1 when commands are rate limited");
  }
  if (limits.resumesPerSecond > 0 && limits.resumeBurst < 1) {
    throw new RangeError("resumeBurst must be at least 1 when resumes are rate limited");
  }
  return limits;
}
