/**
 * Hostile clients over real TCP on 127.0.0.1, on each adapter, with the real clock: a reader
 * that stops reading while its room plays on, a client over the connection limit, an idle
 * client, and a client that floods commands over the rate.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { limitedServer } from "./helpers/limited_server.ts";
import { Player, playUntil, settlePlayers } from "./helpers/room_players.ts";
import { type Adapter, ADAPTERS, withServed } from "./helpers/served.ts";

/** The brief's small limits: with players this fast, the hard cap is what cuts. */
const CAPPED = {
  highWaterMarkBytes: 64 * 1024,
  maxBufferedBytes: 512 * 1024,
  drainWaitMs: 100,
  slowConsumerTimeoutMs: 2000,
  commandsPerSecond: 0,
};
/** A cap far out of reach, so the slow-consumer timeout is what cuts. */
const TIMED = { ...CAPPED, maxBufferedBytes: 256 * 1024 * 1024, slowConsumerTimeoutMs: 1000 };
/** How much longer than drainWaitMs a player's save may take to come back (a loaded CI box). */
const ROUND_MARGIN_MS = 1000;
/** Rounds each player plays after the stalled reader is gone. */
const ROUNDS_AFTER = 20;

/**
 * Three players save a few KB each, as fast as the server echoes, into a room where a fourth
 * client stopped reading. Asserts the players are not held back, the stalled one is cut for
 * `reason` (and its onDisconnect runs once), and its server-side buffer stays under the cap.
 */
async function stalledReader(adapter: Adapter, limits: typeof CAPPED, reason: string) {
  const { server, hooks, lines, rooms } = limitedServer(limits);
  await withServed(adapter, server, async ({ connect }) => {
    const clients = await connect(4);
    const players = clients.slice(0, 3).map((client, n) => new Player(client, n + 1, "arena"));
    const stalled = new Player(clients[3], 0, "arena");
    for (const player of [...players, stalled]) {
      assert.equal((await player.join())[0].success, true);
    }
    const stalledIndex = rooms.members("arena").at(-1)!;
    stalled.client.pause();
    const pausedAt = performance.now();

    let maxBuffered = 0;
    const sample = () => {
      if (server.connections.has(stalledIndex)) {
        maxBuffered = Math.max(maxBuffered, server.connections.unsentBytes(stalledIndex));
      }
    };
    const sampler = setInterval(sample, 2);
    let cutAfterMs = 0;
    const cut = hooks.disconnected(stalledIndex, 15_000).then(() => {
      cutAfterMs = performance.now() - pausedAt;
    });
    let roundsAtCut = 0;
    try {
      await playUntil(players, () => {
        sample();
        if (cutAfterMs > 0 && roundsAtCut === 0) roundsAtCut = players[0].rounds;
        return roundsAtCut > 0 &&
          players.every((player) => player.rounds >= roundsAtCut + ROUNDS_AFTER);
      });
      await cut;
    } finally {
      clearInterval(sampler);
    }
    await settlePlayers(players);

    // Every player saw every save once, all in one and the same order, and was never held up.
    const all = players.flatMap((player) => player.sent()).sort();
    for (const player of players) {
      assert.deepEqual([...player.seen].sort(), all, `player ${player.id} saw every save once`);
      assert.deepEqual(player.seen, players[0].seen, `player ${player.id} saw the same order`);
      const bound = limits.drainWaitMs + ROUND_MARGIN_MS;
      assert.ok(
        player.worstRoundMs < bound,
        `player ${player.id}: a save took ${player.worstRoundMs} ms`,
      );
    }
    // The stalled reader was cut for the expected reason, once, holding no more than the cap.
    assert.equal(hooks.disconnects.get(stalledIndex), 1);
    assert.equal(rooms.members("arena").includes(stalledIndex), false, "it left the room");
    assert.equal(server.connections.has(stalledIndex), false);
    const logged = lines.find((line) => line.includes(`disconnect index=${stalledIndex} `));
    assert.match(logged ?? "", new RegExp(`reason="${reason}"`));
    if (reason === "slow consumer") assert.ok(cutAfterMs >= limits.slowConsumerTimeoutMs);
    assert.ok(maxBuffered > limits.highWaterMarkBytes, "the stalled reader had bytes queued");
    assert.ok(maxBuffered <= limits.maxBufferedBytes, `${maxBuffered} bytes queued`);
    // Once it reads again it gets a prefix of the room's saves, in order, then the end.
    stalled.client.resume();
    await stalled.client.closed();
    stalled.takeIn();
    assert.deepEqual(stalled.seen, players[0].seen.slice(0, stalled.seen.length));
    assert.ok(stalled.seen.length < players[0].seen.length, "it did not get everything");
  });
}

const scenarios: Record<string, (adapter: Adapter) => Promise<void>> = {
  "a reader that stops reading is cut at the buffer cap; its room plays on undisturbed": (
    adapter,
  ) => stalledReader(adapter, CAPPED, "buffer over hard cap"),

  "a reader that stops reading is cut after slowConsumerTimeoutMs; its room plays on": (
    adapter,
  ) => stalledReader(adapter, TIMED, "slow consumer"),

  async "a client over maxConnections is told the server is full, then closed"(adapter) {
    const { server, hooks } = limitedServer({ maxConnections: 2 });
    await withServed(adapter, server, async ({ connect }) => {
      const [a, b] = await connect(2);
      for (const client of [a, b]) {
        assert.equal((await new Player(client, 1, "lobby").join())[0].success, true);
      }
      const [refused] = await connect(1);
      assert.deepEqual(await refused.next(), [{ error: "server is full" }]);
      await refused.closed();
      assert.equal(hooks.connects.size, 2, "the refused client never reached the application");
      await a.close();
      await hooks.disconnected(1);
      const [late] = await connect(1);
      assert.equal(
        (await new Player(late, 3, "lobby").join())[0].success,
        true,
        "a freed place is taken",
      );
    });
  },

  async "an idle client is told so and cut after idleTimeoutMs; a talking one stays"(adapter) {
    const idleTimeoutMs = 300;
    const { server, hooks } = limitedServer({ idleTimeoutMs });
    await withServed(adapter, server, async ({ connect }) => {
      const started = performance.now();
      const [quiet, talking] = await connect(2);
      const talk = setInterval(
        () => void talking.send({ code: "get", key: "k" }).catch(() => {}),
        50,
      );
      try {
        assert.deepEqual(await quiet.next(2000), [{ error: "idle timeout" }]);
        await quiet.closed(2000);
        assert.ok(performance.now() - started >= idleTimeoutMs - 5, "not cut before the timeout");
        await hooks.disconnected(1);
        await new Promise((resolve) => setTimeout(resolve, 2 * idleTimeoutMs));
      } finally {
        clearInterval(talk);
      }
      assert.equal(talking.ended, false);
      assert.equal(hooks.disconnects.has(2), false);
      assert.ok(talking.inbox.length > 5 && talking.inbox.every(([reply]) => reply.success));
    });
  },

  async "a flood over the command rate gets its refusals counted, not one reply each"(adapter) {
    const { server } = limitedServer({ commandsPerSecond: 20, commandBurst: 10 });
    await withServed(adapter, server, async ({ connect }) => {
      const [flooder, bystander] = await connect(2);
      const count = 200;
      const flood = Array.from({ length: count }, (_, n) => ({ code: "get", key: `k${n}` }));
      await flooder.write(flood.map((command) => JSON.stringify(command) + "\0").join(""));
      let answered = 0;
      const replies: Record<string, unknown>[] = [];
      while (answered < count) {
        const [reply] = await flooder.next();
        replies.push(reply);
        answered += reply.error === "rate limit exceeded" ? reply.refused as number : 1;
      }
      assert.equal(answered, count, "every command is served or counted as refused");
      const served = replies.filter((reply) => reply.success === true);
      const refusals = replies.filter((reply) => reply.error === "rate limit exceeded");
      assert.ok(served.length >= 10 && served.length < count / 2, `${served.length} served`);
      assert.ok(refusals.length <= 1 + served.length, `${refusals.length} refusal replies`);
      assert.deepEqual(Object.keys(refusals[0]).sort(), ["code", "error", "key", "refused"]);
      // The flooder's bucket is its own: the bystander is served at once.
      await bystander.send({ code: "get", key: "b" });
      assert.deepEqual(await bystander.next(), [{
        code: "get",
        key: "b",
        success: true,
        state: null,
      }]);
      // And the flooder is served again once tokens have come back.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await flooder.send({ code: "get", key: "again" });
      assert.equal((await flooder.next())[0].success, true);
    });
  },

  async "one message of 20,000 commands costs one refusal reply, not 19,600"(adapter) {
    const { server } = limitedServer({});
    await withServed(adapter, server, async ({ connect }) => {
      const [flooder, bystander] = await connect(2);
      // 60 KB of `{}`: each of the burst's 400 gets its own answer (an error: no code).
      await flooder.write(JSON.stringify(Array(20_000).fill({})) + "\0");
      let answered = 0;
      let messages = 0;
      while (answered < 20_000) {
        const [reply] = await flooder.next();
        messages++;
        answered += reply.error === "rate limit exceeded" ? reply.refused as number : 1;
      }
      assert.equal(messages, 400 + 1, "the burst's answers and one refusal");
      await bystander.send({ code: "get", key: "b" });
      assert.equal((await bystander.next())[0].success, true);
    });
  },
};

for (const adapter of ADAPTERS) {
  for (const [name, check] of Object.entries(scenarios)) {
    test(`${adapter.name} adapter: ${name}`, { skip: adapter.skip }, () => check(adapter));
  }
}
