/**
 * The turn timer of the card table, in virtual time: a player who does not act is folded,
 * acting re-arms the timer for the next player, and a player who disconnects mid-hand is
 * folded by the timer while the hand goes on without them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { act, cardTable, KEY, lastView, TURN_MS } from "./helpers/cards.ts";

test("a player who does not act is folded when the turn timer runs out", async () => {
  const { players, advance, clock, table } = await cardTable({ players: 3 });
  await act(players[0], "start"); // acting order: seats 1, 2, 0
  assert.equal(clock.pending, 1, "the turn timer is armed");
  await advance(TURN_MS - 1);
  assert.equal(table().hand!.turn, 1, "not yet");
  await advance(1);
  assert.deepEqual(lastView(players[0]).events, [{ type: "fold", seat: 1, reason: "timeout" }]);
  assert.equal(table().hand!.turn, 2);
  await advance(TURN_MS - 1);
  await act(players[2], "check"); // just in time: seat 0 gets a whole turn of its own
  await advance(TURN_MS - 1);
  assert.equal(table().hand!.turn, 0);
  assert.equal(table().hand!.playerAt(0)!.folded, false);
  await advance(1);
  assert.deepEqual(lastView(players[2]).events, [
    { type: "fold", seat: 0, reason: "timeout" },
    { type: "win", seats: [2], showdown: false },
  ]);
  assert.equal(clock.pending, 0, "the timer is cancelled when the hand ends");
  await advance(10 * TURN_MS);
  assert.deepEqual(lastView(players[2]).events.at(-1)?.type, "win", "nothing more happens");
});

test("each street starts a new turn with a whole timer, even for the same seat", async () => {
  const { players, advance, table } = await cardTable({ players: 2 });
  await act(players[0], "start"); // acting order: seats 1, 0
  await advance(TURN_MS / 2);
  await act(players[1], "check");
  await advance(TURN_MS / 2);
  await act(players[0], "check");
  assert.equal(table().hand!.phase, "flop");
  assert.equal(table().hand!.turn, 1);
  await advance(TURN_MS - 1);
  assert.equal(table().hand!.playerAt(1)!.folded, false);
  await advance(1);
  assert.equal(table().hand!.playerAt(1)!.folded, true);
});

test("a player who disconnects mid-hand is folded by the timer; the hand goes on", async () => {
  const { players, spectators: [watcher], advance, table } = await cardTable({
    players: 3,
    spectators: 1,
  });
  await act(players[0], "start"); // acting order: seats 1, 2, 0
  const gone = players[2];
  await gone.events.end();
  assert.deepEqual(lastView(watcher).events, [{ type: "disconnect", index: gone.index }]);
  assert.deepEqual(lastView(watcher).seats[2], { index: gone.index, ready: false, gone: true });
  assert.equal(table().hand!.playerAt(2)!.folded, false, "still in until the timer says so");
  await act(players[1], "check");
  assert.equal(table().hand!.turn, 2);
  await advance(TURN_MS);
  assert.deepEqual(lastView(watcher).events, [{ type: "fold", seat: 2, reason: "timeout" }]);
  assert.equal(lastView(watcher).seats[2], null, "the seat is freed");
  await act(players[0], "check");
  assert.equal(table().hand!.phase, "flop", "the hand goes on for the others");
  for (let n = 0; n < 6; n++) await act(players[table().hand!.turn!], "check");
  assert.equal(table().hand!.showdown, true);
  assert.ok(lastView(watcher).hand!.winners.every((seat) => seat === 0 || seat === 1));
});

test("a player who disconnects on their turn is folded when it runs out", async () => {
  const { players, advance, clock, table } = await cardTable({ players: 2, spectators: 1 });
  await act(players[0], "start"); // acting order: seats 1, 0
  await advance(TURN_MS / 2);
  await players[1].events.end();
  assert.equal(table().hand!.live, true);
  await advance(TURN_MS / 2);
  assert.deepEqual(lastView(players[0]).events, [
    { type: "fold", seat: 1, reason: "timeout" },
    { type: "win", seats: [0], showdown: false },
  ]);
  assert.deepEqual(lastView(players[0]).seats.slice(0, 2), [{
    index: players[0].index,
    ready: false,
  }, null]);
  assert.equal(clock.pending, 0);
});

test("when every player disconnects, the timers still finish the hand and the table goes", async () => {
  const { players, spectators, advance, storage, clock } = await cardTable({ players: 3 });
  assert.equal(spectators.length, 0);
  await act(players[0], "start");
  const hand = storage.tables.get(KEY)!.hand!;
  for (const player of players) await player.events.end();
  // Each timeout's handling arms the next timer, so time moves one turn at a time.
  for (let turn = 0; turn < 3; turn++) await advance(TURN_MS);
  assert.equal(hand.live, false);
  assert.deepEqual(hand.winners, [0], "the last one not folded");
  assert.equal(storage.tables.size, 0, "an empty table is forgotten");
  assert.equal(storage.tableOf.size, 0);
  assert.equal(clock.pending, 0);
});

test("a player who leaves mid-hand folds at once and frees the seat", async () => {
  const { players, spectators: [watcher], clock, table } = await cardTable({
    players: 3,
    spectators: 1,
  });
  await act(players[0], "start"); // acting order: seats 1, 2, 0
  await act(players[2], "leave"); // out of turn
  assert.deepEqual(lastView(watcher).events, [
    { type: "leave", index: players[2].index },
    { type: "fold", seat: 2, reason: "leave" },
  ]);
  assert.equal(lastView(watcher).seats[2], null);
  assert.equal(lastView(players[2]).you.seat, null, "the leaver gets a last view");
  assert.equal(table().hand!.turn, 1, "still seat 1's turn, on the same timer");
  assert.equal(clock.pending, 1);
  await act(players[1], "leave"); // on turn: seat 0 is left and wins
  assert.deepEqual(lastView(watcher).hand!.winners, [0]);
  assert.equal(clock.pending, 0);
});
