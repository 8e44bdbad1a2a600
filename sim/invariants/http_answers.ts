/**
 * What a client of a port's entrance is promised before it is anyone's connection: the HTTP
 * answer to its request head (its status, and the end after it), a head too slow answered
 * with 408 at the handshake timeout and not before, a silent socket served as raw once the
 * sniff timeout has passed, a few bytes of `GET` and silence ended then.
 *
 * @module
 */
import type { SimClient } from "../engine/client.ts";
import type { Invariant, Violation } from "../engine/invariant.ts";
import { formatTime } from "../engine/trace.ts";

/** What one client of the entrance must see: times in virtual ms. */
export interface EntrancePromise {
  /** All it reads starts with this (a status line, a first message); "" for nothing at all. */
  readonly starts: string;
  /** It reads nothing before this time (a timeout's answer comes at its moment). */
  readonly notBeforeMs?: number;
  /** Its first read (with `starts` "", the end of its connection) comes by this time. */
  readonly byMs: number;
  /** The server ends its connection right after the answer (by `byMs`); default false. */
  readonly closed?: boolean;
}

const decoder = new TextDecoder();
const CLOSED = "server closed the connection";

/** What is wrong with what `client` saw, against `promise`. */
function problem(client: SimClient, promise: EntrancePromise): string | undefined {
  const reads = client.log.filter((entry) => entry.kind === "read");
  const text = decoder.decode(client.inbox.bytes);
  const shown = JSON.stringify(text.slice(0, 60));
  const closedAt = client.log.find((entry) => entry.note === CLOSED)?.time;
  const first = promise.starts === "" ? closedAt : reads[0]?.time;
  const { notBeforeMs = 0, byMs } = promise;
  if (promise.starts === "" && text !== "") return `it read ${shown}, owed nothing`;
  if (!text.startsWith(promise.starts)) {
    return `it read ${shown}, owed ${JSON.stringify(promise.starts)} first`;
  }
  if (first === undefined) return `it was owed ${promise.starts ? "an answer" : "its end"}`;
  if (first < notBeforeMs * 1000 || first > byMs * 1000) {
    return `${promise.starts ? "its answer" : "its end"} came at ${formatTime(first)}ms, ` +
      `owed in ${notBeforeMs}..${byMs}ms`;
  }
  if (promise.closed && (closedAt === undefined || closedAt > byMs * 1000)) {
    return `the server did not end it by ${byMs}ms after its answer`;
  }
  return undefined;
}

/**
 * Entrance answers: each client `promises` names sees what it was promised (see
 * {@linkcode EntrancePromise}) on a link that lost nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { entranceAnswers } from "./http_answers.ts";
 * const invariant = entranceAnswers({ plain: { starts: "HTTP/1.1 426 ", byMs: 20, closed: true } });
 * assert.equal(invariant.name, "entrance answers");
 * ```
 */
export function entranceAnswers(promises: Readonly<Record<string, EntrancePromise>>): Invariant {
  const name = "entrance answers";
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      for (const client of sim.clients) {
        const promise = promises[client.name];
        if (!promise || !client.link.lossless) continue;
        const message = problem(client, promise);
        if (message) violations.push({ invariant: name, client: client.name, message });
      }
      return violations;
    },
  };
}
