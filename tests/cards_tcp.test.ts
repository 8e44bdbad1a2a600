/**
 * The card table over real TCP, on each adapter this runtime can run, with the real clock;
 * and the bundled line client (examples/client.ts) run as a process of this runtime.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Server } from "../mod.ts";
import { createCardTableApplication, seededRandom } from "../examples/cards/mod.ts";
import { cardsIn, holeCards, KEY } from "./helpers/cards.ts";
import { latest, seatTwo, sendAndWait } from "./helpers/cards_tcp.ts";
import { ADAPTERS, withServed } from "./helpers/served.ts";
import { systemClock } from "../src/adapter/system_clock.ts";
import type { TcpClient } from "./helpers/tcp_client.ts";
import { within } from "./helpers/timeout.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function cardServer(turnTimeoutMs: number) {
  const application = createCardTableApplication({ random: seededRandom(3), turnTimeoutMs });
  return { server: new Server({ application, clock: systemClock }), storage: application.storage };
}

/** The text of every message a client received but the last. */
function allButLast(client: TcpClient): string {
  const messages = new TextDecoder().decode(client.received).split("\0");
  return messages.slice(0, -2).join("\0");
}

for (const adapter of ADAPTERS) {
  test(`${adapter.name} adapter: a hand to showdown over TCP; hole cards stay private`, {
    skip: adapter.skip,
  }, async () => {
    const { server, storage } = cardServer(10_000);
    await withServed(adapter, server, async ({ connect }) => {
      const players = await connect(2);
      await seatTwo(players);
      await sendAndWait(players[0], { code: "start" }, (view) => view.hand !== null);
      for (let turn = 0; turn < 8; turn++) {
        const { hand } = latest(players[0])!;
        const mover = players[hand!.turn!];
        // Seat 0's views are the clock of this loop: they follow every move in order.
        const moved = () => {
          const now = latest(players[0])!.hand!;
          return now.turn !== hand!.turn || now.phase !== hand!.phase;
        };
        await mover.send({ code: "check", key: KEY });
        await players[0].until(moved, "the move seen by seat 0");
      }
      for (const player of players) {
        await player.until(() => latest(player)?.hand?.phase === "over", "the showdown");
      }
      const dealt = holeCards(storage);
      const [a, b] = players.map((player) => latest(player)!.you.index);
      assert.deepEqual(cardsIn(allButLast(players[0]), dealt.get(b)!), []);
      assert.deepEqual(cardsIn(allButLast(players[1]), dealt.get(a)!), []);
      assert.equal(cardsIn(allButLast(players[0]), dealt.get(a)!).length, 2, "own cards arrive");
      const revealed = latest(players[1])!.hand!.players.flatMap((player) => player.cards ?? []);
      assert.deepEqual(revealed.sort(), [...dealt.get(a)!, ...dealt.get(b)!].sort());
    });
  });

  test(`${adapter.name} adapter: the turn timer runs on the real clock`, {
    skip: adapter.skip,
  }, async () => {
    const { server } = cardServer(30);
    await withServed(adapter, server, async ({ connect }) => {
      const players = await connect(2);
      await seatTwo(players);
      await sendAndWait(players[0], { code: "start" }, (view) => view.hand !== null);
      await players[0].until(() => latest(players[0])?.hand?.phase === "over", "the timeout");
      assert.deepEqual(latest(players[0])!.events, [
        { type: "fold", seat: 1, reason: "timeout" },
        { type: "win", seats: [0], showdown: false },
      ]);
    });
  });
}

test("the bundled line client sends lines and prints each message as a line of JSON", async () => {
  const { server } = cardServer(10_000);
  await withServed(ADAPTERS[0], server, async ({ listener }) => {
    const script = ["examples/client.ts", "--port", String(listener.port)];
    const command = typeof Deno === "undefined"
      ? [process.execPath, "--import", "tsx", ...script]
      : [Deno.execPath(), "run", "--allow-net", ...script];
    const child = spawn(command[0], command.slice(1), { cwd: ROOT });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => (output += text));
    const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
    child.stdin.end(
      `{"code":"join","key":"${KEY}"}\n{"code":"sit","key":"${KEY}"}\n{"code":"x"}\n`,
    );
    assert.equal(await within(exited, 20_000, "the client to exit"), 0);
    const lines = output.trim().split("\n").map((line) => JSON.parse(line));
    assert.equal(lines.length, 3);
    assert.deepEqual(lines[0][0].events, [{ type: "join", index: 1 }]);
    assert.deepEqual(lines[1][0].you, { index: 1, seat: 0 });
    assert.deepEqual(lines[2], [{ error: "key must be a string (the table)", code: "x" }]);
  });
});
