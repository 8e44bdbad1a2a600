import { test } from "node:test";
import assert from "node:assert/strict";
import type { TestClient } from "./helpers/harness.ts";
import { act, cardTable, holeCards, lastView, onTurn, TURN_MS, viewsOf } from "./helpers/cards.ts";
import { isTableView, type TableView, viewFor } from "../examples/cards/mod.ts";

const HOLD_MS = 60_000;

/** Every event type a client's views carried. */
function eventTypes(client: TestClient): string[] {
  return viewsOf(client).flatMap((view) => view.events.map((event) => event.type));
}

/** A new connection resumes `token`; returns it and what it received. */
async function resume(table: Awaited<ReturnType<typeof cardTable>>, token: string) {
  const client = await table.harness.connect();
  client.take(); // its own session message
  await client.send({ code: "resume", token });
  await table.harness.settle();
  return client;
}

test("a player who drops mid-hand keeps the seat; on resume they see the whole view, own cards", async () => {
  const table = await cardTable({ players: 3, spectators: 1, holdMs: HOLD_MS });
  const [dropper, ...others] = table.players;
  await act(dropper, "start");
  const cards = holeCards(table.storage).get(dropper.index)!;
  for (const client of table.clients) client.take();
  await dropper.events.end();
  await table.harness.settle();
  for (const client of [...others, ...table.spectators]) {
    const view = lastView(client);
    assert.deepEqual(view.events, [{ type: "disconnected", index: dropper.index }]);
    assert.deepEqual(view.seats[0], { index: dropper.index, ready: false, away: true });
  }
  await table.advance(TURN_MS / 2); // within the turn: the hand is still as it was
  const back = await resume(table, table.tokenOf(dropper));
  const [answer, view] = back.takeCommands();
  assert.equal(answer.code, "resume");
  assert.equal(answer.success, true);
  assert.ok(isTableView(view));
  const mine = view as TableView;
  assert.deepEqual(mine.events, [{ type: "back", index: dropper.index }]);
  assert.deepEqual(mine.you, { index: dropper.index, seat: 0 });
  assert.deepEqual(mine.seats[0], { index: dropper.index, ready: false });
  const me = mine.hand!.players.find((player) => player.index === dropper.index)!;
  assert.deepEqual(me.cards, cards);
  // Nobody else's cards, and the view is what a fresh look at the seat gives.
  assert.equal(mine.hand!.players.filter((player) => player.cards).length, 1);
  assert.deepEqual({ ...mine, events: [] }, viewFor(table.table(), dropper.index, []));
  for (const client of [...others, ...table.spectators]) {
    assert.deepEqual(lastView(client).events, [{ type: "back", index: dropper.index }]);
    const types = eventTypes(client);
    assert.deepEqual(types, ["disconnected", "back"], "never a leave and a join");
  }
  assert.equal(table.table().seatOf(dropper.index), 0);
});

test("the turn timer runs during the hold: a held player is folded but keeps the seat", async () => {
  const table = await cardTable({ players: 2, holdMs: HOLD_MS });
  await act(table.players[0], "start");
  const away = onTurn(table.storage, table.players)!;
  const other = table.players.find((client) => client !== away)!;
  await away.events.end();
  await table.advance(TURN_MS);
  const hand = table.table().hand!;
  assert.equal(hand.live, false); // two players: the fold ends the hand
  assert.ok(
    viewsOf(other).some((view) =>
      view.events.some((event) => event.type === "fold" && event.reason === "timeout")
    ),
  );
  assert.notEqual(table.table().seatOf(away.index), undefined);
  const back = await resume(table, table.tokenOf(away));
  const view = back.takeCommands()[1] as TableView;
  assert.notEqual(view.you.seat, null);
  assert.ok(view.hand!.players.every((player) => player.cards === undefined)); // folded: hidden
  assert.ok(!eventTypes(other).includes("leave"));
  assert.ok(!eventTypes(other).includes("disconnect"));
});

test("when the hold runs out the player is gone: disconnect, and the seat is freed", async () => {
  const table = await cardTable({ players: 2, holdMs: HOLD_MS });
  const [gone, other] = table.players;
  await gone.events.end();
  await table.advance(HOLD_MS);
  assert.deepEqual(eventTypes(other), ["disconnected", "disconnect"]);
  assert.equal(table.table().seatOf(gone.index), undefined);
  const late = await resume(table, table.tokenOf(gone));
  assert.deepEqual(late.takeCommands(), [{ code: "resume", error: "cannot resume" }]);
});

test("takeover at the table: the open socket is closed; others see back, not a leave", async () => {
  const table = await cardTable({ players: 2, holdMs: HOLD_MS });
  const [player, other] = table.players;
  await act(player, "start");
  player.take();
  const back = await resume(table, table.tokenOf(player));
  assert.equal(back.takeCommands()[0].success, true);
  assert.deepEqual(player.takeCommands(), [{ code: "session", error: "resumed elsewhere" }]);
  assert.equal(player.closed, true);
  assert.deepEqual(eventTypes(other).slice(-1), ["back"]);
  // The old socket's late fold is not the player's.
  await act(player, "fold");
  await player.events.end();
  await table.harness.settle();
  assert.ok(!table.table().hand!.players.some((p) => p.folded));
  assert.equal(table.table().seatOf(player.index), 0);
});

test("no token at the table: nobody's bytes carry another's token", async () => {
  const table = await cardTable({ players: 3, holdMs: HOLD_MS });
  const [dropper, ...others] = table.players;
  const raw = new Map<TestClient, string>();
  const decoder = new TextDecoder();
  for (const client of table.clients) {
    const write = client.connection.write;
    raw.set(client, "");
    client.connection.write = (bytes) => {
      write(bytes);
      raw.set(client, raw.get(client) + decoder.decode(bytes));
    };
  }
  await act(dropper, "start");
  await dropper.events.end();
  const back = await resume(table, table.tokenOf(dropper));
  const fresh = String(back.messages.flat().find((command) => command.code === "resume")?.token);
  await act(back, "check", {});
  await table.advance(TURN_MS * 4);
  for (const client of others) {
    const text = raw.get(client)!;
    assert.ok(!text.includes(table.tokenOf(dropper)));
    assert.ok(!text.includes(fresh));
    assert.ok(!text.includes('"token"'));
  }
});
