/**
 * Hidden information that changes over time: a secret may become public (a showdown), and a
 * token may mean a secret at one moment and nothing at the next (a card in the next deal).
 *
 * @module
 */
import type { Index } from "../../mod.ts";
import type { SimClient } from "../engine/client.ts";
import type { Invariant, Violation } from "../engine/invariant.ts";
import type { Addressed } from "../engine/records.ts";
import { formatTime } from "../engine/trace.ts";

/** Options of {@linkcode hiddenAsAddressed}. */
export interface HiddenAsAddressedOptions {
  /**
   * Read at the moment the core addresses a delivery to `index`, from the application's own
   * state (the ground truth): each token those bytes must not hold, and whose secret it is.
   * Return the same map again for the same state: the invariant keeps it by reference.
   */
  forbiddenNow(index: Index): ReadonlyMap<string, string>;
  /**
   * The tokens found in one message's raw bytes (its zero byte excluded), when scanning is
   * cheaper than searching for each forbidden token. Default: search for each one.
   */
  tokensIn?(bytes: Uint8Array): Iterable<string>;
}

/**
 * Hidden information, judged at each moment: the raw bytes of every message a client read
 * (split at the zero bytes of the stream it read, however the reads were cut) hold no token
 * that was forbidden to it when the core addressed that message. Messages are matched to
 * deliveries in order (as per-index delivery checks them); a message beyond what was
 * addressed is held to the last state seen for that client.
 *
 * @example
 * ```ts
 * import { hiddenAsAddressed } from "./secret_invariants.ts";
 * declare const holeCards: Map<number, string[]>; // index -> its cards, while a hand runs
 * const invariant = hiddenAsAddressed({
 *   forbiddenNow: (viewer) =>
 *     new Map([...holeCards].filter(([index]) => index !== viewer).flatMap(([index, cards]) =>
 *       cards.map((card) => [JSON.stringify(card), `a hole card of index ${index}`] as const)
 *     )),
 * });
 * ```
 */
export function hiddenAsAddressed(options: HiddenAsAddressedOptions): Invariant {
  const name = "hidden information";
  const recorded = new Map<Index, Map<Addressed, ReadonlyMap<string, string>>>();
  const latest = new Map<Index, ReadonlyMap<string, string>>();
  return {
    name,
    attach(sim) {
      sim.observe({
        addressed(index, entry) {
          const forbidden = options.forbiddenNow(index);
          let list = recorded.get(index);
          if (!list) recorded.set(index, list = new Map());
          list.set(entry, forbidden);
          latest.set(index, forbidden);
        },
      });
    },
    check(sim) {
      const violations: Violation[] = [];
      for (const client of sim.clients) {
        if (client.index === undefined) continue;
        const leak = firstLeak(client, recorded.get(client.index), latest.get(client.index));
        if (leak) violations.push({ invariant: name, client: client.name, ...leak });
      }
      return violations;
    },
  };

  function firstLeak(
    client: SimClient,
    forbiddenOf: Map<Addressed, ReadonlyMap<string, string>> | undefined,
    last: ReadonlyMap<string, string> | undefined,
  ): Omit<Violation, "invariant"> | undefined {
    if (!forbiddenOf) return undefined;
    const stream = client.inbox.bytes;
    const expected = client.expected;
    let start = 0;
    for (let k = 0; start < stream.length; k++) {
      const zero = stream.indexOf(0, start);
      const end = zero < 0 ? stream.length : zero;
      const bytes = stream.subarray(start, end);
      start = end + 1;
      const entry = expected[k];
      const forbidden = entry ? forbiddenOf.get(entry) : last;
      if (!forbidden || forbidden.size === 0) continue;
      const tokens = options.tokensIn?.(bytes) ?? forbidden.keys();
      for (const token of tokens) {
        const whose = forbidden.get(token);
        if (whose === undefined || !contains(bytes, encoder.encode(token))) continue;
        return {
          time: entry?.time,
          message: `the raw bytes of message ${k + 1}${
            entry ? ` (addressed at ${formatTime(entry.time)}ms)` : ""
          } hold ${token}, ${whose}`,
        };
      }
    }
    return undefined;
  }
}

const encoder = new TextEncoder();

/** Whether `needle` occurs in `haystack`, byte for byte. */
export function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  if (needle.length === 0) return true;
  const first = needle[0];
  const last = haystack.length - needle.length;
  for (
    let at = haystack.indexOf(first);
    at >= 0 && at <= last;
    at = haystack.indexOf(first, at + 1)
  ) {
    let k = 1;
    while (k < needle.length && haystack[at + k] === needle[k]) k++;
    if (k === needle.length) return true;
  }
  return false;
}
