/**
 * The card table survives its owner, as real processes over real TCP on a real redis-server:
 * the owner keeps the table in Redis on every change (the rest of the deck included, which
 * no client ever gets); killed with SIGKILL mid-hand, the other process takes the table over
 * from Redis, its players are told and brought back to their seats with their cards, and
 * the hand goes on to its end, then the next one.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { TableView } from "../examples/cards/mod.ts";
import { CLI_RUNTIMES } from "./helpers/cli_process.ts";
import { latest, seatAndDeal, sendAndWait } from "./helpers/cards_tcp.ts";
import { withTwo } from "./helpers/cluster_cli.ts";
import { realRedisSkip } from "./helpers/redis_backends.ts";
import { redisCommand } from "./helpers/redis_server.ts";
import { TcpClient } from "./helpers/tcp_client.ts";

const TOLD = "the room's server is gone: resuming the room on another";

/** The cards of the viewer's own seat in a view. */
const own = (view: TableView) =>
  view.hand!.players.find((player) => player.seat === view.you.seat)!.cards!;

/** How many cards of the deck the table in Redis still holds (its secret part). */
async function deckInRedis(port: number): Promise<number> {
  const script = `"return #cjson.decode(redis.call('GET', KEYS[1])).hand.deck"`;
  const reply = await redisCommand(port, `EVAL ${script} 1 zb:store:s:cards-table:t1`);
  return Number(reply.slice(1));
}

for (const runtime of CLI_RUNTIMES) {
  test(
    `${runtime.name} CLI --redis: the card table's owner killed mid-hand; its hand goes on on the other process`,
    { skip: runtime.skip || realRedisSkip, timeout: 60_000 },
    async () => {
      const args = ["--game", "cards", "--turn-seconds", "2"];
      await withTwo(runtime, args, async (a, _b, ports, redis) => {
        const x = await TcpClient.connect(ports[0]); // on a, which will own t1
        const [y, z] = [await TcpClient.connect(ports[1]), await TcpClient.connect(ports[1])];
        await seatAndDeal([x, y, z]); // x first: a owns t1
        // Everyone checks the preflop: the flop is dealt, on a.
        while (latest(x)!.hand!.phase === "preflop") {
          const turn = latest(x)!.hand!.turn;
          const mover = [x, y, z][turn!];
          const before = JSON.stringify(latest(x)!.hand);
          await mover.send({ code: "check", key: "t1" });
          await x.until(() => JSON.stringify(latest(x)!.hand) !== before, "the check");
        }
        for (const player of [y, z]) {
          await player.until(() => latest(player)!.hand!.phase === "flop", "the flop, on b");
        }
        const before = { y: latest(y)!, z: latest(z)! };
        const board = before.y.hand!.board;
        assert.equal(board.length, 3);
        // In Redis: 52 cards, less 6 dealt, a burn card and the flop.
        assert.equal(await deckInRedis(redis.port), 52 - 6 - 1 - 3);

        await a.stop(); // SIGKILL of the table's owner, mid-hand
        const killedAt = Date.now();
        for (const player of [y, z]) {
          await player.until(
            () => player.inbox.flat().some((command) => command.error === TOLD),
            "told the owner is gone",
          );
        }
        const toldMs = Date.now() - killedAt;
        // Once a's lease runs out (1 s), b takes t1 over from Redis; y and z are back.
        for (const player of [y, z]) {
          await player.until(
            () => latest(player)!.events.some((event) => event.type === "back"),
            "back at the table, on b",
            10_000,
          );
        }
        const resumedMs = Date.now() - killedAt;
        for (const [player, was] of [[y, before.y], [z, before.z]] as const) {
          const view = latest(player)!;
          assert.ok(!player.ended, "not closed");
          assert.equal(view.hand!.number, 1);
          assert.deepEqual(view.hand!.board, board);
          assert.equal(view.you.seat, was.you.seat);
          assert.deepEqual(own(view), own(was), "the same hole cards");
          assert.ok(view.seats[0] !== null, "x's seat is still there");
        }
        // Nobody on b saw the other's cards, nor the deck.
        const text = (client: TcpClient) => new TextDecoder().decode(client.received);
        for (const [viewer, other] of [[y, before.z], [z, before.y]] as const) {
          for (const card of own(other)) assert.ok(!text(viewer).includes(JSON.stringify(card)));
          assert.ok(!text(viewer).includes("deck"));
        }

        // The hand goes on: y and z check on their turns, x's runs out.
        const deadline = Date.now() + 20_000;
        while (latest(y)!.hand!.phase !== "over" && Date.now() < deadline) {
          const { hand } = latest(y)!;
          const mover = hand!.turn === 1 ? y : hand!.turn === 2 ? z : null;
          const was = JSON.stringify(hand);
          if (mover) await mover.send({ code: "check", key: "t1" });
          await y.until(() => JSON.stringify(latest(y)!.hand) !== was, "the hand to move", 5_000);
        }
        const over = latest(y)!.hand!;
        assert.equal(over.phase, "over");
        assert.equal(over.board.slice(0, 3).join(), board.join(), "the same flop");
        assert.equal(over.board.length, 5, "played to the river");
        assert.ok(over.players.find((player) => player.seat === 0)!.folded, "x timed out");
        assert.ok(over.winners.every((seat) => seat === 1 || seat === 2));
        // And the next hand, on b.
        await sendAndWait(y, { code: "start" }, (view) => view.hand?.number === 2);
        await z.until(() => latest(z)?.hand?.number === 2, "the next hand, for z");
        assert.equal(own(latest(z)!).length, 2);
        console.log(`# ${runtime.name}: told after ${toldMs} ms, resumed after ${resumedMs} ms`);
        for (const client of [y, z]) await client.close();
      });
    },
  );
}
