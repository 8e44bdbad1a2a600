/**
 * The example server in a cluster, as real processes over real TCP on a real redis-server:
 * two processes on two ports, players on both in one room of the rooms game and at one card
 * table; then one process is killed with SIGKILL mid-game and the game goes on on the other.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { CLI_RUNTIMES } from "./helpers/cli_process.ts";
import { latest, seatAndDeal, sendAndWait } from "./helpers/cards_tcp.ts";
import { ask, withTwo } from "./helpers/cluster_cli.ts";
import { realRedisSkip } from "./helpers/redis_backends.ts";
import { TcpClient } from "./helpers/tcp_client.ts";

for (const runtime of CLI_RUNTIMES) {
  const skip = runtime.skip || realRedisSkip;

  test(
    `${runtime.name} CLI --redis: the rooms game on two processes; its owner killed, the room goes on on the other`,
    {
      skip,
    },
    async () => {
      await withTwo(runtime, [], async (a, _b, [portA, portB]) => {
        const onA = await TcpClient.connect(portA);
        const onB = await TcpClient.connect(portB);
        const goto = { code: "goto", key: "lobby" };
        assert.deepEqual(await ask(onA, goto), { ...goto, success: true }); // a owns the lobby
        assert.deepEqual(await ask(onB, goto), { ...goto, success: true });
        const save = { code: "save", key: "dress", state: { color: "red" } };
        assert.deepEqual(await ask(onB, save), { ...save, success: true });
        assert.deepEqual(
          await onA.next(),
          [{ ...save, success: true }],
          "b's save reaches a's player",
        );
        await a.stop(); // SIGKILL
        const killedAt = Date.now();
        assert.deepEqual(await onB.next(), [{ error: "the room's server is gone: reconnect" }]);
        await onB.closed();
        const toldMs = Date.now() - killedAt;
        // Its players reconnect to the survivor, which takes the room once the lease runs out.
        const again = await TcpClient.connect(portB);
        let answer = await ask(again, goto);
        while (answer.error !== undefined && Date.now() - killedAt < 10_000) {
          assert.equal(answer.error, "the room's server is gone: try again soon");
          await new Promise((resolve) => setTimeout(resolve, 50));
          answer = await ask(again, goto);
        }
        assert.deepEqual(answer, { ...goto, success: true });
        const tookMs = Date.now() - killedAt;
        assert.deepEqual(await ask(again, { code: "get", key: "dress" }), {
          code: "get",
          key: "dress",
          success: true,
          state: { color: "red" },
        });
        console.log(
          `# ${runtime.name}: told after ${toldMs} ms, room taken over after ${tookMs} ms`,
        );
        await again.close();
      });
    },
  );

  test(
    `${runtime.name} CLI --redis: a card table with players on two processes; one process killed mid-hand, the hand goes on`,
    {
      skip,
    },
    async () => {
      await withTwo(runtime, ["--game", "cards", "--turn-seconds", "1"], async (_a, b, ports) => {
        const [x, y] = [await TcpClient.connect(ports[0]), await TcpClient.connect(ports[0])];
        const z = await TcpClient.connect(ports[1]);
        await seatAndDeal([x, y, z]); // x first: a owns t1
        const own = (client: TcpClient) =>
          latest(client)!.hand!.players.find((p) => p.seat === latest(client)!.you.seat)!.cards!;
        const text = (client: TcpClient) => new TextDecoder().decode(client.received);
        const seen = (client: TcpClient, cards: readonly string[]) =>
          cards.filter((card) => text(client).includes(JSON.stringify(card)));
        for (const [viewer, other] of [[x, z], [z, x], [y, z], [z, y]]) {
          assert.equal(own(other).length, 2);
          assert.deepEqual(seen(viewer, own(other)), [], "no card of a player elsewhere");
        }
        await b.stop(); // SIGKILL of z's process, mid-hand
        // The hand goes on on a: x and y act on their turns; z's turn runs out (1 s).
        const deadline = Date.now() + 20_000;
        while (latest(x)!.hand!.phase !== "over" && Date.now() < deadline) {
          const { hand, you } = latest(x)!;
          const mover = hand!.turn === you.seat ? x : hand!.turn === latest(y)!.you.seat ? y : null;
          const before = JSON.stringify(hand);
          if (mover) await mover.send({ code: "check", key: "t1" });
          await x.until(
            () => JSON.stringify(latest(x)!.hand) !== before,
            "the hand to move",
            5_000,
          );
        }
        const over = latest(x)!.hand!;
        assert.equal(over.phase, "over");
        assert.ok(over.players.find((p) => p.seat === 2)!.folded, "z's seat folded on its timeout");
        assert.ok(over.winners.every((seat) => seat < 2));
        // z comes back on the survivor and plays the next hand.
        const back = await TcpClient.connect(ports[0]);
        await sendAndWait(back, { code: "join" }, () => true);
        await sendAndWait(back, { code: "sit" }, (view) => view.you.seat !== null);
        await sendAndWait(x, { code: "start" }, (view) => view.hand?.number === 2);
        await back.until(() => latest(back)?.hand?.number === 2, "the next hand, with z");
        assert.equal(own(back).length, 2);
        for (const client of [x, y, back]) await client.close();
      });
    },
  );
}
