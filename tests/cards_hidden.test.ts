/**
 * Hidden information at the card table, checked in the raw bytes each client receives:
 * nobody's hole cards reach anyone else before a showdown, spectators and folded players get
 * public cards only, and a showdown reveals exactly the hands still in.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { botMove, type Card, newDeck, seededRandom } from "../examples/cards/mod.ts";
import type { TestClient } from "./helpers/harness.ts";
import {
  act,
  cardsIn,
  cardTable,
  holeCards,
  lastView,
  onTurn,
  viewsOf,
  wireOf,
} from "./helpers/cards.ts";

const DECK = newDeck();
const sorted = (cards: Iterable<Card>) => [...cards].sort();

test("no client's raw bytes hold a card but its own and the board's, until the showdown", async () => {
  const endings = { foldedAtShowdown: 0, wonByFolds: 0 };
  for (let seed = 1; seed <= 12; seed++) {
    const setup = await cardTable({ players: 4, spectators: 2, seed });
    const { players, clients, storage, table } = setup;
    const random = seededRandom(seed * 31);
    await act(players[0], "start");
    const holes = holeCards(storage);
    for (const player of players) {
      assert.deepEqual(
        sorted(cardsIn(wireOf(player), DECK)),
        sorted(holes.get(player.index)!),
        "own cards arrive",
      );
    }
    /** The cards `client` may have been sent so far: the board, and its own cards. */
    const allowed = (client: TestClient) =>
      sorted([...holes.get(client.index) ?? [], ...table().hand!.board]);
    while (table().hand!.live) {
      for (const client of clients) {
        assert.deepEqual(
          sorted(cardsIn(wireOf(client), DECK)),
          allowed(client),
          `seed ${seed}, ${client.index}`,
        );
      }
      const client = onTurn(storage, players)!;
      await client.send(botMove(lastView(client), random, 10)!);
    }
    const { board, showdown, players: dealt } = table().hand!;
    if (showdown && dealt.some((player) => player.folded)) endings.foldedAtShowdown++;
    if (!showdown) endings.wonByFolds++;
    const shown = showdown ? dealt.filter((player) => !player.folded).flatMap((p) => p.cards) : [];
    for (const client of clients) {
      const last = new TextDecoder().decode(client.chunks.at(-1));
      const own = showdown
        ? []
        : dealt.find((p) => p.index === client.index && !p.folded)?.cards ?? [];
      assert.deepEqual(
        sorted(cardsIn(last, DECK)),
        sorted(new Set([...board, ...shown, ...own])),
        `seed ${seed}`,
      );
    }
  }
  assert.ok(endings.foldedAtShowdown > 0 && endings.wonByFolds > 0, "both endings were played");
});

test("spectators see only the board; a folded player stops seeing even their own cards", async () => {
  const { players, spectators: [watcher], table } = await cardTable({ players: 3, spectators: 1 });
  await act(players[0], "start"); // acting order: seats 1, 2, 0
  await act(players[1], "fold");
  for (let n = 0; n < 8; n++) await act(players[table().hand!.turn!], "check");
  const hand = table().hand!;
  assert.equal(hand.showdown, true);
  const views = viewsOf(watcher);
  const beforeEnd = views.slice(0, -1).map((view) => view.hand).filter((hand) => hand !== null);
  assert.ok(beforeEnd.length >= 8);
  for (const seen of beforeEnd) {
    assert.ok(seen.players.every((player) => player.cards === undefined), "no hole cards");
    assert.deepEqual(seen.board, hand.board.slice(0, seen.board.length), "the board as dealt");
  }
  const folded = viewsOf(players[1]);
  const afterFold = folded.slice(
    folded.findIndex((view) => view.events.some((e) => e.type === "fold")),
  );
  for (const view of afterFold.slice(0, -1)) {
    assert.ok(view.hand!.players.every((player) => player.cards === undefined), "nothing shown");
  }
});

test("the showdown reveals the cards of exactly the players still in, to everyone", async () => {
  const { players, spectators, clients, storage, table } = await cardTable({
    players: 4,
    spectators: 1,
    seed: 9,
  });
  await act(players[0], "start"); // acting order: seats 1, 2, 3, 0
  const holes = holeCards(storage);
  for (const seat of [1, 2, 3, 0]) await act(players[seat], "check");
  await act(players[1], "check");
  await act(players[2], "fold"); // on the flop
  await act(players[3], "check");
  await act(players[0], "check");
  await act(players[1], "check");
  await act(players[3], "check");
  await act(players[0], "fold"); // on the turn
  await act(players[1], "check");
  await act(players[3], "check");
  assert.equal(table().hand!.showdown, true);
  const stillIn = [players[1], players[3]];
  for (const client of clients) {
    const { hand } = lastView(client);
    const revealed = hand!.players.filter((player) => player.cards !== undefined);
    assert.deepEqual(revealed.map((player) => player.seat), [1, 3], `seen by ${client.index}`);
    for (const player of revealed) {
      assert.deepEqual(player.cards, holes.get(player.index), "the cards dealt");
      assert.ok(player.best, "with the best five");
    }
    const last = new TextDecoder().decode(client.chunks.at(-1));
    const folded = [players[0], players[2]].flatMap((player) => holes.get(player.index)!);
    assert.deepEqual(cardsIn(last, folded), [], "folded hands stay hidden");
    assert.deepEqual(
      cardsIn(last, stillIn.flatMap((player) => holes.get(player.index)!)).length,
      4,
    );
  }
  assert.equal(spectators.length, 1);
});

test("a hand won by folds shows the winner's cards to the winner alone", async () => {
  const { players, spectators: [watcher], storage } = await cardTable({
    players: 3,
    spectators: 1,
  });
  await act(players[0], "start");
  const winnerCards = holeCards(storage).get(players[0].index)!;
  await act(players[1], "fold");
  await act(players[2], "fold");
  assert.deepEqual(lastView(players[0]).hand!.winners, [0]);
  for (const client of [watcher, players[1], players[2]]) {
    assert.deepEqual(cardsIn(wireOf(client), winnerCards), [], `client ${client.index}`);
  }
  assert.deepEqual(
    lastView(players[0]).hand!.players.find((p) => p.seat === 0)!.cards,
    winnerCards,
  );
});
