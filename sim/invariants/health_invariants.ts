/**
 * Invariants about the core's health: nothing escapes it, nothing grows without bound.
 *
 * @module
 */
import type { Invariant, Violation } from "../engine/invariant.ts";

/**
 * No error escapes the core: no ConnectionEvents promise rejects or throws, no send path
 * rejects, no promise rejection goes unhandled, and the core logs no error (a failed turn,
 * a failing controller). Also fails a run that did not settle or did not end.
 *
 * @example
 * ```ts
 * import { noEscapedErrors } from "../mod.ts";
 * const invariants = [noEscapedErrors()];
 * ```
 */
export function noEscapedErrors(): Invariant {
  const name = "no escaped errors";
  return {
    name,
    check: (sim) => [
      ...sim.records.escaped.map((incident) => ({
        invariant: name,
        time: incident.time,
        message: incident.message,
      })),
      ...sim.records.loggedErrors.map((incident) => ({
        invariant: name,
        time: incident.time,
        message: `the core logged: ${incident.message}`,
      })),
    ],
  };
}

/** Options of {@linkcode bufferBounds}. */
export interface BufferBoundsOptions {
  /** The largest unparsed tail a decoder may keep. Default: the parser's `maxMessageBytes`, else 64 KiB. */
  maxTailBytes?: number;
  /** The most bytes the server may queue for one connection. Default: no bound. */
  maxQueuedBytes?: number;
}

/**
 * Buffers stay under their bounds: each connection's unparsed tail, the server's queue per
 * connection, and each client's unread bytes (under its window).
 *
 * @example
 * ```ts
 * import { bufferBounds } from "../mod.ts";
 * const invariant = bufferBounds({ maxQueuedBytes: 1 << 20 });
 * ```
 */
export function bufferBounds(options: BufferBoundsOptions = {}): Invariant {
  const name = "buffer bounds";
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      const parserLimit = (sim.server.parser as { maxMessageBytes?: unknown }).maxMessageBytes;
      const maxTail = options.maxTailBytes ??
        (typeof parserLimit === "number" ? parserLimit : 64 * 1024);
      const maxQueued = options.maxQueuedBytes ?? Infinity;
      for (const client of sim.clients) {
        const { link } = client;
        const add = (message: string) =>
          violations.push({ invariant: name, client: client.name, message });
        const tail = client.index === undefined
          ? 0
          : sim.records.maxTailBytes.get(client.index) ?? 0;
        if (tail > maxTail) add(`its decoder kept ${tail} unparsed bytes (bound ${maxTail})`);
        if (link.maxQueuedBytes > maxQueued) {
          add(`the server queued ${link.maxQueuedBytes} bytes for it (bound ${maxQueued})`);
        }
        if (link.reader.maxUnreadBytes > link.faults.windowBytes) {
          add(
            `it held ${link.reader.maxUnreadBytes} unread bytes (window ${link.faults.windowBytes})`,
          );
        }
      }
      return violations;
    },
  };
}
