/**
 * Reconnection over real TCP, on each adapter this runtime can run, with the real clock: a
 * player at the card table drops, resumes on a new connection and has their cards again; a
 * resume while the old socket is still open takes it over.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Server } from "../mod.ts";
import { createCardTableApplication, seededRandom } from "../examples/cards/mod.ts";
import { holeCards, KEY } from "./helpers/cards.ts";
import { latest, seatTwo, sendAndWait } from "./helpers/cards_tcp.ts";
import { ADAPTERS, withServed } from "./helpers/served.ts";
import { systemClock } from "../src/adapter/system_clock.ts";
import type { TcpClient } from "./helpers/tcp_client.ts";

const HOLD_MS = 60_000;

function heldCardServer() {
  const application = createCardTableApplication({
    random: seededRandom(5),
    turnTimeoutMs: 30_000,
  });
  const server = new Server({ application, clock: systemClock, holdMs: HOLD_MS });
  return { server, storage: application.storage };
}

/** Takes a new connection's first message, its session, and returns its token. */
async function sessionOf(client: TcpClient): Promise<string> {
  const [session] = await client.next();
  assert.equal(session.code, "session");
  assert.equal(session.holdMs, HOLD_MS);
  assert.match(String(session.token), /^[\w-]{22,}$/);
  return String(session.token);
}

/** The event types of every table view a client received. */
function eventTypes(client: TcpClient): string[] {
  return client.inbox.flat().flatMap((command) =>
    Array.isArray(command.events)
      ? command.events.map((event) => (event as { type: string }).type)
      : []
  );
}

for (const adapter of ADAPTERS) {
  test(`${adapter.name} adapter: drop, resume, your cards again`, {
    skip: adapter.skip,
  }, async () => {
    const { server, storage } = heldCardServer();
    await withServed(adapter, server, async ({ connect }) => {
      const players = await connect(2);
      const tokens = await Promise.all(players.map(sessionOf));
      await seatTwo(players);
      await sendAndWait(players[0], { code: "start" }, (view) => view.hand !== null);
      await players[1].until(() => latest(players[1])?.hand != null, "the hand at seat 1");
      const index = latest(players[0])!.you.index;
      const cards = holeCards(storage).get(index)!;
      players[1].inbox.length = 0;

      await players[0].close(); // the drop
      await players[1].until(() => eventTypes(players[1]).includes("disconnected"), "disconnected");
      assert.equal(latest(players[1])!.seats[0]?.away, true);

      const [back] = await connect(1);
      assert.notEqual(await sessionOf(back), tokens[0]);
      await back.send({ code: "resume", token: tokens[0] });
      const [answer] = await back.next();
      assert.equal(answer.success, true);
      await back.until(() => latest(back) !== undefined, "the view after the resume");
      const view = latest(back)!;
      assert.deepEqual(view.you, { index, seat: 0 });
      assert.deepEqual(view.hand!.players.find((player) => player.index === index)!.cards, cards);
      await players[1].until(() => eventTypes(players[1]).includes("back"), "back");
      assert.deepEqual(eventTypes(players[1]), ["disconnected", "back"]);

      // The resumed player plays on, as the same index.
      const turnSeat = latest(back)!.hand!.turn;
      const mover = turnSeat === 0 ? back : players[1];
      await sendAndWait(mover, { code: "check" }, (next) => next.hand!.turn !== turnSeat);
      // No token ever reached the other player's bytes.
      const seen = new TextDecoder().decode(players[1].received);
      assert.ok(!seen.includes(tokens[0]) && !seen.includes(String(answer.token)));
    });
  });

  test(`${adapter.name} adapter: a resume while the old socket is open takes it over`, {
    skip: adapter.skip,
  }, async () => {
    const { server } = heldCardServer();
    await withServed(adapter, server, async ({ connect }) => {
      const [old] = await connect(1);
      const token = await sessionOf(old);
      await sendAndWait(old, { code: "join", key: KEY }, () => true);
      const [fresh] = await connect(1);
      await sessionOf(fresh);
      await fresh.send({ code: "resume", token });
      assert.equal((await fresh.next())[0].success, true);
      const [view] = await fresh.next(); // the table, as the player who joined it
      assert.deepEqual(view.events, [{ type: "back", index: 1 }]);
      await old.until(
        () => old.inbox.flat().some((command) => command.error === "resumed elsewhere"),
        "the takeover notice",
      );
      await old.closed();
      await fresh.send({ code: "leave" });
      assert.deepEqual(await fresh.next(), [{ code: "leave", success: true }]);
      await fresh.closed();
    });
  });
}
