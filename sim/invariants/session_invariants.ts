/**
 * Invariants of a server with a hold (sessions): tokens stay with their owners, an identity is
 * never held by two connections, and it is gone exactly once.
 *
 * @module
 */
import type { Index } from "../../mod.ts";
import type { SimClient } from "../engine/client.ts";
import type { Invariant, Violation } from "../engine/invariant.ts";
import type { HookCall } from "../scenarios/resume_app.ts";

/** A field `"token":"..."` as the core writes it. */
const TOKEN_FIELD = /"token":"([\w-]+)"/g;

/** Every token a client was given (in what it read), oldest first. */
export function tokensOf(client: SimClient): string[] {
  return [...client.receivedText().matchAll(TOKEN_FIELD)].map((match) => match[1]);
}

/**
 * Tokens are secret: no client's raw bytes hold a token that another client was given.
 *
 * @example
 * ```ts
 * import { tokensPrivate } from "./session_invariants.ts";
 * const invariants = [tokensPrivate()];
 * ```
 */
export function tokensPrivate(): Invariant {
  const name = "tokens private";
  return {
    name,
    check(sim) {
      const owners = new Map<string, SimClient[]>();
      for (const client of sim.clients) {
        for (const token of new Set(tokensOf(client))) {
          owners.set(token, [...owners.get(token) ?? [], client]);
        }
      }
      return [...owners.values()].filter((clients) => clients.length > 1).map((clients) => ({
        invariant: name,
        client: clients[1].name,
        message: `${clients.map((client) => client.name).join(" and ")} read the same token`,
      }));
    },
  };
}

/**
 * Identities, from the application's calls (`calls`, each with its time) and whether the core
 * had the index registered when a hold began (`registeredAtHold`):
 * - one connection at a time: once a newer client has spoken for an index, an older one's
 *   commands never reach the application again; a hold never begins while a connection
 *   holds the index;
 * - gone once: every index the application met gets exactly one onDisconnect (the run ends
 *   with a shutdown), and nothing after it.
 *
 * @example
 * ```ts
 * import { identities } from "./session_invariants.ts";
 * const invariant = identities(() => [], () => []);
 * ```
 */
export function identities(
  calls: () => readonly HookCall[],
  registeredAtHold: () => readonly { index: Index; time: number }[],
): Invariant {
  const name = "identities";
  return {
    name,
    check() {
      const violations: Violation[] = [];
      const add = (message: string, time?: number) =>
        violations.push({ invariant: name, message, time });
      const speakers = new Map<Index, string[]>();
      const gone = new Set<Index>();
      const met = new Set<Index>();
      for (const call of calls()) {
        const { index, kind, time } = call;
        if (gone.has(index)) add(`index ${index}: ${kind} after its onDisconnect`, time);
        if (kind === "connect" && met.has(index)) add(`index ${index}: a second onConnect`, time);
        met.add(index);
        if (kind === "disconnect") gone.add(index);
        if (kind !== "command" || call.from === undefined) continue;
        const seen = speakers.get(index) ?? [];
        const last = seen.at(-1);
        if (last !== call.from && seen.includes(call.from)) {
          add(`index ${index}: ${call.from} spoke for it again after ${last} had taken it`, time);
        }
        if (last !== call.from) speakers.set(index, [...seen, call.from]);
      }
      for (const index of met) {
        if (!gone.has(index)) add(`index ${index}: no onDisconnect by the end`);
      }
      for (const { index, time } of registeredAtHold()) {
        add(`index ${index}: held while a connection still had it`, time);
      }
      return violations;
    },
  };
}
