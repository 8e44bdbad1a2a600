/**
 * Refused commands at the card table: each gets a clear error, to its sender alone, and
 * changes nothing (not the table, not the timers).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Command } from "../mod.ts";
import type { CardsStorage } from "../examples/cards/mod.ts";
import type { TestClient } from "./helpers/harness.ts";
import { cardTable, KEY, TURN_MS } from "./helpers/cards.ts";

/** Everything a refused command must leave as it was. */
function snapshot(storage: CardsStorage, pending: number): string {
  const tables = [...storage.tables].map(([key, table]) => {
    const hand = table.hand;
    return {
      key,
      members: [...table.members],
      seats: table.seats,
      hand: hand && { ...hand, turnKey: table.turnKey },
    };
  });
  return JSON.stringify({ tables, tableOf: [...storage.tableOf], pending });
}

type Setup = Awaited<ReturnType<typeof cardTable>>;

/** Sends each command and checks its error, who heard of it, and that nothing changed. */
async function refuses(setup: Setup, cases: [TestClient, Command, string][]) {
  const { clients, storage, clock } = setup;
  for (const [sender, command, error] of cases) {
    const before = snapshot(storage, clock.pending);
    for (const client of clients) client.take();
    await sender.send(command);
    const reply: Command = { error };
    for (const field of ["code", "command", "key"]) {
      if (Object.hasOwn(command, field)) reply[field] = command[field];
    }
    assert.deepEqual(sender.take(), [[reply]], JSON.stringify(command));
    for (const other of clients.filter((client) => client !== sender)) {
      assert.deepEqual(other.take(), [], `${JSON.stringify(command)}: nobody else hears of it`);
    }
    assert.equal(
      snapshot(storage, clock.pending),
      before,
      `${JSON.stringify(command)} changed nothing`,
    );
  }
}

test("during a hand: out of turn, unknown codes, sitting twice, a full table, and more", async () => {
  const setup = await cardTable({ players: 2, spectators: 1, maxSeats: 2 });
  const { players: [first, second], spectators: [watcher] } = setup;
  await first.send({ code: "start", key: KEY }); // acting order: seats 1, 0
  await setup.advance(TURN_MS / 2);
  await refuses(setup, [
    [first, { code: "check", key: KEY }, "not your turn"],
    [first, { code: "fold", key: KEY }, "not your turn"],
    [second, { code: "shuffle", key: KEY }, "unknown code"],
    [second, { code: "turn-timeout", key: KEY, turn: "1/1/1" }, "unknown code"],
    [second, { code: "__proto__", key: KEY }, "unknown code"],
    [second, { key: KEY }, "missing code"],
    [second, { code: "check" }, "key must be a string (the table)"],
    [second, { code: "check", key: 7 }, "key must be a string (the table)"],
    [second, { code: "check", key: "t2" }, "join this table first"],
    [first, { code: "sit", key: KEY }, "already seated"],
    [watcher, { code: "sit", key: KEY }, "table is full"],
    [watcher, { code: "sit", key: KEY, seat: 2 }, "seat must be an integer in [0, 1]"],
    [watcher, { code: "sit", key: KEY, seat: "0" }, "seat must be a number"],
    [watcher, { code: "check", key: KEY }, "you are not seated"],
    [watcher, { code: "join", key: KEY }, "already at this table"],
    [first, { code: "ready", key: KEY }, "a hand is in progress"],
    [second, { code: "start", key: KEY }, "a hand is in progress"],
    [second, { command: "dance", key: KEY }, "unknown code"],
  ]);
  await second.send({ code: "fold", key: KEY });
  await refuses(setup, [
    [second, { code: "check", key: KEY }, "no hand in progress"],
    [watcher, { code: "start", key: KEY }, "you are not seated"],
  ]);
});

test("before a hand: a taken seat, a lone player, acting with no hand", async () => {
  const setup = await cardTable({ players: 1, spectators: 2 });
  const { players: [alone], spectators: [watcher, other] } = setup;
  await refuses(setup, [
    [watcher, { code: "sit", key: KEY, seat: 0 }, "seat is taken"],
    [alone, { code: "start", key: KEY }, "a hand needs two seated players"],
    [alone, { code: "check", key: KEY }, "no hand in progress"],
    [other, { code: "ready", key: KEY }, "you are not seated"],
  ]);
  await alone.send({ code: "ready", key: KEY });
  await refuses(setup, [[alone, { code: "ready", key: KEY }, "already ready"]]);
});

test("a connection at no table is refused everything but join", async () => {
  const setup = await cardTable({ players: 2 });
  const stranger = await setup.harness.connect();
  setup.clients.push(stranger);
  await refuses(setup, [
    [stranger, { code: "sit", key: KEY }, "join this table first"],
    [stranger, { code: "leave", key: KEY }, "join this table first"],
    [stranger, { code: "start", key: KEY }, "join this table first"],
  ]);
});

test("joining another table leaves the first, folding a hand in play", async () => {
  const setup = await cardTable({ players: 3 });
  const { players, storage, table } = setup;
  await players[0].send({ code: "start", key: KEY });
  await players[2].send({ code: "join", key: "t2" });
  assert.equal(table().hand!.playerAt(2)!.folded, true);
  assert.equal(table().seats[2], undefined);
  assert.deepEqual([...storage.tables.get("t2")!.members], [players[2].index]);
  assert.equal(storage.tableOf.get(players[2].index), "t2");
});
