/**
 * The card table's page in a real browser (headless Chromium through playwright-core), served
 * by the example server on its browsers' port: two browser players and a TCP client play
 * whole hands. Each browser shows its own cards and never receives another player's before
 * the showdown, neither in its page nor in any WebSocket frame; the showdown shows what the
 * server dealt; a reload mid-hand resumes the seat with the same cards.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { TableView } from "../examples/cards/mod.ts";
import {
  BROWSER_TEST,
  type BrowserPage,
  freePort,
  until,
  type WatchedPage,
  watchedPage,
  withServer,
} from "./helpers/browser.ts";
import { latest, sendAndWait } from "./helpers/cards_tcp.ts";
import { TcpClient } from "./helpers/tcp_client.ts";

/** The cards a page shows in `selector`, as the server wrote them. */
function cardsIn(page: BrowserPage, selector: string): Promise<string[]> {
  return page.evaluate(
    `[...document.querySelectorAll(${JSON.stringify(selector)} + " [data-card]")]
      .map((card) => card.dataset.card)`,
  );
}

/** The types of the events a page has listed. */
function eventsOf(page: BrowserPage): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll("#events li")].map((li) => li.dataset.type)`);
}

/** A browser player: loads the page, joins table t1 and sits; waits for its seat. */
async function seatBrowser(player: WatchedPage, wsPort: number, seat: number): Promise<void> {
  const { page } = player;
  await page.goto(`http://127.0.0.1:${wsPort}/`);
  await until(page, `document.getElementById("status").textContent === "connected"`);
  await page.click("#join");
  await until(page, `document.getElementById("you").textContent.includes("not seated")`);
  await page.click("#sit");
  await until(page, `document.getElementById("you").textContent.endsWith("in seat ${seat}")`);
}

/**
 * Two browsers in seats 0 and 1, the TCP client in seat 2, and a hand started; returns the
 * cards each browser shows as its own.
 */
async function startHand(players: WatchedPage[], tcp: TcpClient, wsPort: number) {
  for (const [seat, player] of players.entries()) await seatBrowser(player, wsPort, seat);
  await sendAndWait(tcp, { code: "join" }, () => true);
  await sendAndWait(tcp, { code: "sit" }, (view) => view.you.seat === 2);
  await sendAndWait(tcp, { code: "start" }, (view) => view.hand !== null);
  for (const { page } of players) {
    await until(page, `document.querySelectorAll("#my-cards [data-card]").length === 2`);
    // The turn timer counts down from the server's turnMs (30 s by default).
    const [, left] = (await page.textContent("#timer"))!.match(/^(\d+) s left$/)!;
    assert.ok(Number(left) > 0 && Number(left) <= 30, left);
  }
  return Promise.all(players.map(({ page }) => cardsIn(page, "#my-cards")));
}

/**
 * Plays the hand to its end, everyone checking in turn (the TCP client's views tell whose
 * turn it is). Before every action, checks what each page shows: its own cards and the
 * board, nothing else.
 */
async function checkDown(players: WatchedPage[], tcp: TcpClient, own: string[][]) {
  for (let step = 0; step < 20; step++) {
    const hand = latest(tcp)!.hand!;
    if (hand.phase === "over") return hand;
    for (const [seat, { page }] of players.entries()) {
      // The page first, the board after: a board card that arrives between the two reads
      // is then in the board, not taken for a card shown elsewhere.
      const all = await cardsIn(page, "body");
      const board = await cardsIn(page, "#board");
      const shown = all.filter((card) => !board.includes(card));
      assert.deepEqual([...new Set(shown)].sort(), [...own[seat]].sort(), `seat ${seat} shows`);
    }
    const turn = hand.turn!;
    const phase = hand.phase;
    if (turn === 2) await tcp.send({ code: "check", key: "t1" });
    else await players[turn].page.click("#check");
    await tcp.until(() => {
      const next = latest(tcp)!.hand!;
      return next.turn !== turn || next.phase !== phase;
    }, `the check of seat ${turn}`);
  }
  throw new Error("the hand did not end in 20 checks");
}

/** Asserts no frame a page received before the showdown names another player's card. */
function assertNoLeak(player: WatchedPage, others: string[]): void {
  for (const frame of player.frames) {
    const commands = JSON.parse(frame) as { hand?: { showdown?: boolean } }[];
    if (commands.some((command) => command.hand?.showdown)) return;
    for (const card of others) assert.ok(!frame.includes(`"${card}"`), `${card} leaked: ${frame}`);
  }
  assert.fail("no showdown frame");
}

/** Asserts a page shows the showdown the TCP client was sent. */
async function assertShowdown(page: BrowserPage, final: TableView): Promise<void> {
  const hand = final.hand!;
  await until(page, `document.getElementById("hand").textContent === "Hand 1: over"`);
  assert.deepEqual(await cardsIn(page, "#board"), hand.board);
  for (const player of hand.players) {
    assert.deepEqual(await cardsIn(page, `#players [data-seat="${player.seat}"]`), player.cards);
  }
  const result = (await page.textContent("#result"))!;
  assert.ok(result.includes(`seat${hand.winners.length > 1 ? "s" : ""} ${hand.winners[0]}`));
  assert.ok(result.endsWith("at the showdown"), result);
}

/** Runs `body` with a card server, two watched pages and a TCP client, and cleans up. */
async function atTheTable(
  body: (players: WatchedPage[], tcp: TcpClient, wsPort: number) => Promise<void>,
) {
  const wsPort = await freePort();
  await withServer(["--game", "cards", "--ws-port", String(wsPort)], async ({ port, browser }) => {
    const tcp = await TcpClient.connect(port);
    try {
      const players = [await watchedPage(browser), await watchedPage(browser)];
      await body(players, tcp, wsPort);
      assert.deepEqual(players.flatMap((player) => player.errors), []);
    } finally {
      await tcp.close();
    }
  });
}

test(
  "two browsers and a TCP client play a hand; nobody's cards reach another",
  BROWSER_TEST,
  async () => {
    await atTheTable(async (players, tcp, wsPort) => {
      const own = await startHand(players, tcp, wsPort);
      const tcpOwn = latest(tcp)!.hand!.players.find((player) => player.seat === 2)!.cards!;
      const hand = await checkDown(players, tcp, own);
      assert.equal(hand.showdown, true);
      // What the server dealt, as the TCP client sees it at the showdown: each browser's cards.
      const dealt = (seat: number) => hand.players.find((player) => player.seat === seat)!.cards!;
      assert.deepEqual([dealt(0), dealt(1), dealt(2)], [own[0], own[1], tcpOwn]);
      for (const [seat, player] of players.entries()) {
        await assertShowdown(player.page, latest(tcp)!);
        assertNoLeak(player, [...dealt(1 - seat), ...tcpOwn]);
      }
    });
  },
);

test(
  "a reload mid-hand resumes the seat with the same cards; the others see it",
  BROWSER_TEST,
  async () => {
    await atTheTable(async (players, tcp, wsPort) => {
      const own = await startHand(players, tcp, wsPort);
      const before = (await players[0].page.textContent("#you"))!;
      const seenBefore = (await eventsOf(players[1].page)).length;
      tcp.inbox.length = 0;

      await players[0].page.reload();
      const page = players[0].page;
      await until(page, `document.getElementById("status").textContent === "connected, resumed"`);
      await until(page, `document.querySelectorAll("#my-cards [data-card]").length === 2`);
      assert.deepEqual(await cardsIn(page, "#my-cards"), own[0]);
      assert.equal(await page.textContent("#you"), before); // the same player, in the same seat

      // The others saw the player drop and come back, never leave and join.
      await until(
        players[1].page,
        `[...document.querySelectorAll("#events li")]
      .some((li) => li.dataset.type === "back")`,
      );
      assert.deepEqual((await eventsOf(players[1].page)).slice(seenBefore), [
        "disconnected",
        "back",
      ]);
      const tcpEvents = tcp.inbox.flat().flatMap((command) =>
        ((command.events ?? []) as { type: string }[]).map((event) => event.type)
      );
      assert.deepEqual(tcpEvents, ["disconnected", "back"]);

      // The resumed player plays on; the showdown shows the cards dealt before the reload.
      const hand = await checkDown(players, tcp, own);
      assert.deepEqual(hand.players.find((player) => player.seat === 0)!.cards, own[0]);
      const tcpOwn = hand.players.find((player) => player.seat === 2)!.cards!;
      for (const player of players) await assertShowdown(player.page, latest(tcp)!);
      assertNoLeak(players[0], [...own[1], ...tcpOwn]);
      assertNoLeak(players[1], [...own[0], ...tcpOwn]);
    });
  },
);
