/**
 * Hands at the card table, through the real server core: starting, the streets, turns,
 * showdowns (and splits), hands won by folds, new hands, and seeded deals.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { bestHand, type TableEvent } from "../examples/cards/mod.ts";
import { act, cardTable, holeCards, lastView, stackedDeck, viewsOf } from "./helpers/cards.ts";

/** Every event a client was told of, in order. */
const eventsOf = (client: Parameters<typeof viewsOf>[0]): TableEvent[] =>
  viewsOf(client).flatMap((view) => view.events);

test("a full hand: the deal, three streets in turn, and a showdown the best hand wins", async () => {
  const { players, spectators: [watcher], storage, table } = await cardTable({
    players: 3,
    spectators: 1,
  });
  await act(players[0], "start");
  const hand = table().hand!;
  assert.deepEqual(lastView(watcher).events, [{ type: "start", hand: 1, button: 0 }]);
  assert.deepEqual(hand.players.map((player) => player.seat), [1, 2, 0], "the button acts last");
  const boards: number[] = [];
  for (const street of ["preflop", "flop", "turn", "river"]) {
    assert.equal(lastView(watcher).hand!.phase, street);
    boards.push(lastView(watcher).hand!.board.length);
    for (const seat of [1, 2, 0]) {
      assert.equal(lastView(watcher).hand!.turn, seat, `${street}: seat ${seat} to act`);
      await act(players[seat], "check");
    }
  }
  assert.deepEqual(boards, [0, 3, 4, 5]);
  const deals = eventsOf(watcher).filter((event) => event.type === "deal");
  assert.deepEqual(deals.map((event) => "street" in event && event.street), [
    "flop",
    "turn",
    "river",
  ]);
  const over = lastView(watcher).hand!;
  assert.equal(over.phase, "over");
  assert.equal(over.showdown, true);
  assert.equal(over.turn, null);
  // The winners, worked out here from what the server dealt.
  const holes = holeCards(storage);
  const scores = players.map((client) =>
    bestHand([...holes.get(client.index)!, ...over.board]).score
  );
  const expected = [0, 1, 2].filter((seat) => scores[seat] === Math.max(...scores));
  assert.deepEqual(over.winners, expected);
  assert.deepEqual(lastView(watcher).events.at(-1), {
    type: "win",
    seats: expected,
    showdown: true,
  });
  for (const client of players) {
    assert.deepEqual(lastView(client).hand, over, "everyone sees the same end");
  }
});

test("the showdown names the best hand, and equal hands split", async () => {
  const stacked = await cardTable({
    players: 3,
    // Acting order: seats 1, 2, 0. Seat 2 makes a flush; seat 1 a straight; seat 0 a pair.
    random: stackedDeck(["9c Tc", "Ah 2h", "Kd Ks"], "Jh Qd 8h 3h 4c"),
  });
  await act(stacked.players[0], "start");
  for (let n = 0; n < 12; n++) await act(stacked.players[[1, 2, 0][n % 3]], "check");
  const won = lastView(stacked.players[0]).hand!;
  assert.deepEqual(won.winners, [2]);
  const bests = Object.fromEntries(won.players.map((player) => [player.seat, player.best]));
  assert.deepEqual(bests[2], { category: "flush", cards: ["Ah", "Jh", "8h", "3h", "2h"] });
  assert.equal(bests[1]?.category, "straight");
  assert.equal(bests[0]?.category, "pair");

  const split = await cardTable({
    players: 3,
    random: stackedDeck(["2c 3d", "4c 5d", "7c 7d"], "Th Jd Qc Ks Ah"),
  });
  await act(split.players[0], "start");
  for (let n = 0; n < 12; n++) await act(split.players[[1, 2, 0][n % 3]], "check");
  assert.deepEqual(lastView(split.players[1]).hand!.winners, [0, 1, 2], "the board plays");
  assert.deepEqual(lastView(split.players[1]).events.at(-1), {
    type: "win",
    seats: [0, 1, 2],
    showdown: true,
  });
});

test("a hand won by folds ends at once, with no showdown", async () => {
  const { players } = await cardTable({ players: 3 });
  await act(players[0], "start");
  await act(players[1], "fold");
  await act(players[2], "check");
  await act(players[0], "fold");
  const view = lastView(players[1]);
  assert.equal(view.hand!.phase, "over");
  assert.equal(view.hand!.showdown, false);
  assert.deepEqual(view.hand!.winners, [2]);
  assert.deepEqual(view.hand!.board, [], "no more cards are dealt");
  assert.deepEqual(view.events, [
    { type: "fold", seat: 0, reason: "fold" },
    { type: "win", seats: [2], showdown: false },
  ]);
});

test("two ready players start a hand with the ready ones; then a new hand can start", async () => {
  const { players, table } = await cardTable({ players: 3 });
  await act(players[0], "ready");
  assert.equal(table().hand, undefined, "one ready player is not enough");
  assert.deepEqual(lastView(players[1]).seats[0], { index: players[0].index, ready: true });
  await act(players[2], "ready");
  const first = table().hand!;
  assert.deepEqual(first.players.map((player) => player.seat), [2, 0]);
  assert.equal(lastView(players[1]).hand!.players.some((p) => p.index === players[1].index), false);
  assert.equal(
    lastView(players[1]).seats.every((seat) => !seat?.ready),
    true,
    "readiness is used up",
  );
  await act(players[2], "fold");
  assert.equal(first.live, false);
  await act(players[1], "start");
  const second = table().hand!;
  assert.equal(second.number, 2);
  assert.equal(second.button, 1, "the button moves to the next seat dealt in");
  assert.deepEqual(second.players.map((player) => player.seat), [2, 0, 1]);
});

test("the same seed deals the same cards; another seed, others", async () => {
  const deal = async (seed: number) => {
    const { players, storage, table } = await cardTable({ players: 4, seed });
    await act(players[0], "start");
    for (let n = 0; n < 16; n++) await act(players[table().hand!.turn!], "check");
    return { holes: [...holeCards(storage).values()], board: table().hand!.board };
  };
  const first = await deal(5);
  assert.deepEqual(await deal(5), first);
  assert.equal(first.board.length, 5);
  assert.notDeepEqual((await deal(6)).holes, first.holes);
});

test("a seat can be taken mid-hand; its player waits for the next hand", async () => {
  const { players, spectators: [late], table } = await cardTable({ players: 2, spectators: 1 });
  await act(players[0], "start");
  await act(late, "sit", { seat: 4 });
  assert.equal(lastView(late).you.seat, 4);
  assert.equal(table().hand!.playerOf(late.index), undefined);
  late.take();
  await act(late, "check");
  assert.deepEqual(late.take(), [[{
    error: "you are not in this hand",
    code: "check",
    key: "t1",
  }]]);
  await act(players[1], "fold");
  await act(late, "start");
  assert.deepEqual(table().hand!.players.map((player) => player.seat).sort(), [0, 1, 4]);
});
