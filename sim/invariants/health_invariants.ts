/**
 * Invariants about the core's health: nothing escapes it, nothing grows without bound.
 *
 * @module
 */
import type { SimClient } from "../engine/client.ts";
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
 * connection, and each client's unread bytes (under its window). The tail the server reports
 * (`connections.pendingInputBytes`, read after each read) is the one message begun and not
 * finished: never more than the longest message its client sent (the longest any client
 * sent, for one whose identity a resume took, since the index is the resumer's then).
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
      const longest = new Map(sim.clients.map((client) => [client, longestMessage(client)]));
      const anyLongest = Math.max(0, ...longest.values());
      for (const client of sim.clients) {
        const { link } = client;
        const add = (message: string) =>
          violations.push({ invariant: name, client: client.name, message });
        const tail = client.index === undefined
          ? 0
          : sim.records.maxTailBytes.get(client.index) ?? 0;
        if (tail > maxTail) add(`its decoder kept ${tail} unparsed bytes (bound ${maxTail})`);
        // Over its own longest only: is it the identity another connection took over?
        if (tail <= maxTail && tail > longest.get(client)!) {
          const taken = client.receivedText().includes('"resumed elsewhere"');
          const own = taken ? anyLongest : longest.get(client)!;
          if (tail > own) {
            add(`the server reported ${tail} bytes of a message pending; it sent none over ${own}`);
          }
        }
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

/** The most bytes between two zero bytes in what `client` sent (a last, unfinished piece too). */
function longestMessage(client: SimClient): number {
  let longest = 0;
  let run = 0;
  for (const entry of client.notes) {
    if (entry.kind !== "sent" || entry.note !== undefined || !entry.bytes) continue;
    for (const byte of entry.bytes) {
      if (byte === 0) run = 0;
      else longest = Math.max(longest, ++run);
    }
  }
  return longest;
}
