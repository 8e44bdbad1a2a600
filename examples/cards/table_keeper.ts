/**
 * A card table kept in a store, so that a server taking the table over (its owner died)
 * resumes it: seats, readiness, the hand in progress with its hole cards and the rest of
 * its deck. The snapshot is the server's secret (it holds every card): it is written to the
 * store and read back, and never sent to a client.
 *
 * @module
 */
import type { Index, JsonValue, StateStore } from "../../mod.ts";
import { Hand, type HandSnapshot } from "./hand.ts";
import { CardTable, type TableRules } from "./table.ts";

/** Where the card game keeps its tables, and who its players are beyond this server. */
export interface TableKeeper {
  /** A connection's identity that outlives this server (in a cluster: its own process's). */
  identityOf(index: Index): string | undefined;
  /** The store table `key` is written to (in a cluster: guarded by the lease of room `key`). */
  storeFor(key: string): StateStore;
}

/** A table as JSON: every index is a position in `people`, each an identity. */
export interface TableSnapshot {
  people: string[];
  members: number[];
  seats: ({ index: number; ready: boolean; gone: boolean } | null)[];
  hand: HandSnapshot | null;
}

/** The store key of table `key`'s snapshot. */
export function snapshotKey(key: string): string {
  return `cards-table:${key}`;
}

/**
 * The table as JSON, its players named by identity (`identityOf`; a restored player not back
 * yet, by the identity it had).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seededRandom } from "./random.ts";
 * import { CardTable } from "./table.ts";
 * import { restoreTable, snapshotTable } from "./table_keeper.ts";
 * const rules = { random: seededRandom(1), maxSeats: 2, turnTimeoutMs: 1000 };
 * const table = new CardTable("t1", 1, rules);
 * for (const index of [4, 5]) table.join(index), table.sit(index);
 * table.start(4);
 * const saved = JSON.parse(JSON.stringify(snapshotTable(table, (index) => `p/${index}`)));
 * const again = restoreTable(saved, "t1", 2, rules); // on another server
 * assert.deepEqual(again.rebind("p/5", 1), [{ type: "back", index: 1 }]);
 * assert.deepEqual(again.hand!.playerOf(1)!.cards, table.hand!.playerOf(5)!.cards);
 * assert.equal(again.hand!.turn, table.hand!.turn);
 * assert.deepEqual(again.sweep(), [{ type: "disconnect", index: -1 }]); // p/4 never came back
 * ```
 */
export function snapshotTable(
  table: CardTable,
  identityOf: (index: Index) => string | undefined,
): TableSnapshot {
  const people: string[] = [];
  const at = new Map<Index, number>();
  const standIns = new Map([...table.absent].map(([identity, index]) => [index, identity]));
  const ref = (index: Index): number => {
    let n = at.get(index);
    if (n === undefined) {
      n = people.push(standIns.get(index) ?? identityOf(index) ?? `#${index}`) - 1;
      at.set(index, n);
    }
    return n;
  };
  const hand = table.hand?.snapshot();
  return {
    members: [...table.members].map(ref),
    seats: table.seats.map((seat) =>
      seat ? { index: ref(seat.index), ready: seat.ready, gone: seat.gone } : null
    ),
    hand: hand
      ? { ...hand, players: hand.players.map((p) => ({ ...p, index: ref(p.index) })) }
      : null,
    people,
  };
}

/**
 * The table a snapshot was taken of, on this server: its players are stand-ins (negative
 * indexes) until they come back ({@linkcode CardTable.rebind}) or are swept away.
 */
export function restoreTable(
  snapshot: TableSnapshot,
  key: string,
  serial: number,
  rules: TableRules,
): CardTable {
  const table = new CardTable(key, serial, rules);
  const standIn = (n: number): Index => -(n + 1);
  snapshot.people.forEach((identity, n) => table.absent.set(identity, standIn(n)));
  for (const n of snapshot.members) table.members.add(standIn(n));
  snapshot.seats.forEach((seat, n) => {
    if (seat && n < table.seats.length) {
      table.seats[n] = {
        index: standIn(seat.index),
        ready: seat.ready,
        gone: seat.gone,
        away: true,
      };
    }
  });
  const hand = snapshot.hand;
  if (hand) {
    const players = hand.players.map((player) => ({ ...player, index: standIn(player.index) }));
    table.hand = Hand.restore({ ...hand, players });
  }
  return table;
}

/** Whether a stored value is a snapshot this code wrote (a store may hold anything). */
export function isTableSnapshot(value: JsonValue | undefined): value is JsonValue & TableSnapshot {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const { people, members, seats, hand } = value as Record<string, JsonValue>;
  return Array.isArray(people) && Array.isArray(members) && Array.isArray(seats) &&
    (hand === null || typeof hand === "object");
}
