/**
 * The coloring page of the rooms game in a real browser (headless Chromium through
 * playwright-core), served by the example server on its sniffing TCP port: two browsers color
 * the same grid and see each other's cells, a save and a get round trip, a TCP client's
 * markup shown as text, and a reload that resumes the session when the server holds one.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  BROWSER_TEST,
  type BrowserPage,
  until,
  watchedPage,
  withServer,
} from "./helpers/browser.ts";
import { TcpClient } from "./helpers/tcp_client.ts";

const ROOM = "picture"; // the page's default room, and the key of its grid

/** Picks color `color` and clicks cell `index`. */
async function paint(page: BrowserPage, color: number, index: number): Promise<void> {
  await page.click(`#palette [data-color="${color}"]`);
  await page.click(`#grid [data-index="${index}"]`);
}

/** Waits until cell `index` of `page` shows `value`. */
function cellShows(page: BrowserPage, index: number, value: unknown): Promise<void> {
  const expected = JSON.stringify(JSON.stringify(value));
  return until(
    page,
    `document.querySelector('[data-index="${index}"]').dataset.value === ${expected}`,
  );
}

/** The values of the first `count` cells, as the page shows them. */
function cells(page: BrowserPage, count: number): Promise<unknown[]> {
  return page.evaluate(
    `[...document.querySelectorAll("#grid [data-index]")].slice(0, ${count})
      .map((cell) => JSON.parse(cell.dataset.value))`,
  );
}

test(
  "two browsers color one grid; save and get round trip; server data stays text",
  BROWSER_TEST,
  async () => {
    await withServer([], async ({ port, browser }) => {
      const [a, b] = [await watchedPage(browser), await watchedPage(browser)];
      for (const { page } of [a, b]) {
        await page.goto(`http://127.0.0.1:${port}/`); // the sniffing TCP port
        await until(page, `document.getElementById("where").textContent === "in room ${ROOM}"`);
      }
      await paint(a.page, 3, 5);
      await paint(b.page, 6, 17);
      for (const { page } of [a, b]) {
        await cellShows(page, 5, 3);
        await cellShows(page, 17, 6);
      }

      await a.page.click("#save");
      const tcp = await TcpClient.connect(port);
      await tcp.send([{ code: "goto", key: "elsewhere" }, { code: "get", key: ROOM }]);
      const [, [got]] = await tcp.take(2);
      const saved = Array(144).fill(0);
      saved[5] = 3;
      saved[17] = 6;
      assert.deepEqual(got.state, saved);

      // Changed behind the room's back (the TCP client is in another room): only a get shows it.
      await tcp.send({ code: "update", key: ROOM, index: 0, value: 1 });
      await tcp.next();
      await a.page.click("#clear");
      await cellShows(a.page, 5, 0);
      await a.page.click("#get");
      await cellShows(a.page, 0, 1);
      assert.deepEqual(await cells(a.page, 18), [1, ...saved.slice(1, 18)]);
      assert.equal((await cells(b.page, 1))[0], 0, "b did not get");

      // Whatever the server relays is shown as text, never as markup.
      const markup = "<img src=x onerror=window.pwned=1>";
      await tcp.send([{ code: "goto", key: ROOM }, {
        code: "update",
        key: ROOM,
        index: 2,
        value: markup,
      }]);
      for (const { page } of [a, b]) {
        await cellShows(page, 2, markup);
        assert.ok((await page.textContent("#log"))!.includes(markup));
        assert.equal(await page.evaluate(`document.querySelectorAll("img").length`), 0);
        assert.equal(await page.evaluate(`window.pwned`), undefined);
      }
      await tcp.close();
      assert.deepEqual([...a.errors, ...b.errors], []);
    });
  },
);

test(
  "with --hold-seconds, a reload resumes the session and keeps the room",
  BROWSER_TEST,
  async () => {
    await withServer(["--hold-seconds", "30"], async ({ port, browser }) => {
      const { page, frames, errors } = await watchedPage(browser);
      await page.goto(`http://127.0.0.1:${port}/`);
      await until(page, `document.getElementById("where").textContent === "in room ${ROOM}"`);
      await paint(page, 4, 9);
      await cellShows(page, 9, 4);
      const token = await page.evaluate<string>(`sessionStorage.getItem("rooms.token")`);
      assert.match(token, /^[\w-]{22,}$/);

      frames.length = 0;
      await page.reload();
      await until(page, `document.getElementById("status").textContent === "connected, resumed"`);
      await cellShows(page, 9, 4); // the get after the resume
      const replies = frames.flatMap((frame) => JSON.parse(frame));
      const resume = replies.find((command) => command.code === "resume");
      assert.equal(resume.success, true);
      // The fresh token is kept; the old one was used up.
      const kept = await page.evaluate<string>(`sessionStorage.getItem("rooms.token")`);
      assert.equal(kept, resume.token);
      assert.notEqual(kept, token);
      // Still in the room: the goto after the resume finds it there already.
      assert.equal(replies.find((command) => command.code === "goto").success, false);
      assert.deepEqual(errors, []);
    });
  },
);
