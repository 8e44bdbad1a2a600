/**
 * Many seeded games of bots at the card table, with timeouts, disconnects, late arrivals and
 * stray commands: every hand ends (in bounded virtual time), and no client's raw bytes ever
 * hold a card that is not its own or on the board while a hand is played.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { botMove, newDeck, type RandomSource, seededRandom } from "../examples/cards/mod.ts";
import {
  act,
  cardsIn,
  cardTable,
  holeCards,
  KEY,
  lastView,
  onTurn,
  TURN_MS,
  wireOf,
} from "./helpers/cards.ts";

const DECK = newDeck();
const STRAY = ["check", "fold", "sit", "ready", "start", "deal", "turn-timeout"];

const pick = <T>(items: readonly T[], random: RandomSource) => items[random.int(items.length)];

test("seeded games with bots and faults: every hand ends, and no hole card leaks", async () => {
  const seen = { hands: 0, showdowns: 0, timeouts: 0, disconnects: 0, stray: 0 };
  for (let seed = 1; seed <= 25; seed++) {
    const setup = await cardTable({ players: 4, spectators: 1, seed });
    const { harness, storage, advance, clock } = setup;
    const random = seededRandom(1000 + seed);
    const live = [...setup.clients];
    const seated = () =>
      live.filter((client) => storage.tables.get(KEY)?.seatOf(client.index) !== undefined);
    for (let round = 0; round < 4; round++) {
      while (seated().length < 2 || (seated().length < 6 && random.int(3) === 0)) {
        const late = await harness.connect();
        await act(late, "join");
        await act(late, "sit");
        live.push(late);
      }
      for (const client of live) client.take();
      await act(seated()[0], "start");
      const table = storage.tables.get(KEY)!;
      const hand = table.hand!;
      const holes = holeCards(storage);
      const startedAt = clock.now();
      for (let step = 0; hand.live; step++) {
        assert.ok(step < 200, `seed ${seed}: the hand ends`);
        const choice = random.int(10);
        const onTurnClient = onTurn(storage, live);
        if (choice < 6 && onTurnClient) {
          await onTurnClient.send(botMove(lastView(onTurnClient), random, 6)!);
        } else if (choice < 8 || !onTurnClient) {
          await advance(TURN_MS);
          seen.timeouts++;
        } else if (choice === 8) {
          const leaving = pick(live, random);
          live.splice(live.indexOf(leaving), 1);
          await leaving.events.end();
          seen.disconnects++;
        } else {
          await act(pick(live, random), pick(STRAY, random), { turn: "1/1/1" });
          seen.stray++;
        }
        if (!hand.live) break;
        for (const client of live) {
          const allowed = [...holes.get(client.index) ?? [], ...hand.board];
          const stray = cardsIn(wireOf(client), DECK).filter((card) => !allowed.includes(card));
          assert.deepEqual(stray, [], `seed ${seed}: client ${client.index} got others' cards`);
        }
      }
      // Each turn ends by an action or by one full timer, and each timer folds a player.
      assert.ok(clock.now() - startedAt <= hand.players.length * TURN_MS, `seed ${seed}: time`);
      assert.equal(clock.pending, 0, "no timer outlives its hand");
      assert.equal(hand.winners.length > 0, true);
      seen.hands++;
      if (hand.showdown) seen.showdowns++;
    }
  }
  assert.equal(seen.hands, 100);
  for (const [what, count] of Object.entries(seen)) assert.ok(count > 0, `some ${what}`);
});

test("a client never receives views of a table it has left", async () => {
  const { players, spectators: [watcher], clients } = await cardTable({
    players: 2,
    spectators: 1,
  });
  await act(watcher, "leave");
  for (const client of clients) client.take();
  await act(players[0], "start");
  await act(players[1], "check");
  assert.deepEqual(watcher.take(), []);
  assert.equal(players[0].take().length, 2, "the players still do");
});
