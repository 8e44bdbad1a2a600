/**
 * End to end over real TCP on 127.0.0.1: the rooms example served by each adapter, talked to
 * by node:net clients. Every scenario runs once per adapter.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type Command, FLASH_POLICY, type Limits, Server } from "../mod.ts";
import { systemClock } from "../src/adapter/system_clock.ts";
import { FileStore } from "../src/store/file_store.ts";
import { createRoomsApplication, type RoomsApplicationOptions } from "../examples/rooms/mod.ts";
import { frame, type TcpClient } from "./helpers/tcp_client.ts";
import { type Adapter, ADAPTERS, withServed } from "./helpers/served.ts";
import { withTempDir } from "./helpers/temp_dir.ts";
import { PATIENT_LIMITS } from "./helpers/patient_limits.ts";

const encoder = new TextEncoder();

function roomsServer(options: RoomsApplicationOptions = {}, limits?: Partial<Limits>) {
  return new Server({ application: createRoomsApplication(options), clock: systemClock, limits });
}

/** The one reply to `command` from the sender's point of view. */
async function ask(client: TcpClient, command: Command): Promise<Command[]> {
  await client.send(command);
  return client.next();
}

/**
 * Proves `client` was sent nothing since its last take: the server answers in turn order, so
 * the reply to a later request comes after anything an earlier turn sent it.
 */
async function assertNothingPending(client: TcpClient): Promise<void> {
  const reply = await ask(client, { code: "get", key: "sync" });
  assert.deepEqual(reply, [{ code: "get", key: "sync", success: true, state: null }]);
}

async function enterRoom(clients: TcpClient[], room: string): Promise<void> {
  for (const client of clients) {
    assert.deepEqual(await ask(client, { code: "goto", key: room }), [
      { code: "goto", key: room, success: true },
    ]);
  }
}

/** Waits until `client` has received nothing new for `quietMs`; fails after `timeoutMs`. */
async function untilQuiet(client: TcpClient, quietMs: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let seen = -1; seen !== client.receivedBytes;) {
    assert.ok(Date.now() < deadline, `still receiving after ${timeoutMs} ms`);
    seen = client.receivedBytes;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
}

/** How many big states the backpressure scenario saves: far more than the socket buffers. */
const FLOOD_COUNT = 200;
const FLOOD_FILLER = "x".repeat(60_000);

const scenarios: Record<string, (adapter: Adapter) => Promise<void>> = {
  async "rooms: save/update reach the room, get the sender, disconnect leaves the room"(adapter) {
    const application = createRoomsApplication();
    const server = new Server({ application, clock: systemClock });
    await withServed(adapter, server, async ({ connect }) => {
      const [a, b, c] = await connect(3);
      await enterRoom([a, b], "red");
      await enterRoom([c], "blue");
      const save = { code: "save", key: "red", state: [1, 2, 3] };
      await a.send(save);
      for (const client of [a, b]) {
        assert.deepEqual(await client.next(), [{ ...save, success: true }]);
      }
      const update = { code: "update", key: "red", index: 5, value: 7 };
      await b.send(update);
      for (const client of [a, b]) {
        assert.deepEqual(await client.next(), [{ ...update, success: true }]);
      }
      await assertNothingPending(c);
      assert.deepEqual(await ask(b, { code: "get", key: "red" }), [
        { code: "get", key: "red", success: true, state: [1, 2, 3, 0, 0, 7] },
      ]);
      await assertNothingPending(a);

      const rooms = application.storage.rooms;
      const [, bIndex] = rooms.members("red");
      b.end();
      await b.closed();
      // a's request is handled after b's onDisconnect, which was queued when b ended.
      const later = { code: "save", key: "red", state: "after" };
      assert.deepEqual(await ask(a, later), [{ ...later, success: true }]);
      assert.equal(rooms.members("red").length, 1);
      assert.ok(!rooms.members("red").includes(bIndex));
      assert.ok(!rooms.connected().includes(bIndex));
      await assertNothingPending(c);
    });
  },

  async "a message split inside a multi-byte character, with a pause between the writes"(adapter) {
    await withServed(adapter, roomsServer(), async ({ connect }) => {
      const [client] = await connect(1);
      const save = { code: "save", key: "é", state: "dés 😀 ✓" };
      const bytes = frame(save);
      const emoji = bytes.indexOf(0xf0); // the first byte of the four of 😀
      await client.write(bytes.subarray(0, emoji + 2));
      await new Promise((resolve) => setTimeout(resolve, 30)); // so the halves are two reads
      assert.equal(client.inbox.length, 0);
      await client.write(bytes.subarray(emoji + 2));
      assert.deepEqual(await client.next(), [{ ...save, success: true }]);
    });
  },

  async "a batched array and several messages in one write"(adapter) {
    await withServed(adapter, roomsServer(), async ({ connect }) => {
      const [client] = await connect(1);
      const batch = [{ code: "get", key: "a" }, { command: "load", key: "b" }];
      const set = { code: "set", key: "c", state: { x: 1 } };
      await client.write(
        JSON.stringify(batch) + "\0" + JSON.stringify(set) + "\0" + '{"code":"get","key":"c"}\0',
      );
      assert.deepEqual(await client.take(4), [
        [{ code: "get", key: "a", success: true, state: null }],
        [{ command: "load", key: "b", success: true, state: null }],
        [{ ...set, success: true }],
        [{ code: "get", key: "c", success: true, state: { x: 1 } }],
      ]);
    });
  },

  async "data and end in one write: the data is handled and answered"(adapter) {
    const application = createRoomsApplication();
    const server = new Server({ application, clock: systemClock });
    await withServed(adapter, server, async ({ connect }) => {
      const [writer, reader] = await connect(2);
      await enterRoom([writer, reader], "room");
      const save = { code: "save", key: "room", state: "last words" };
      writer.end(frame(save));
      assert.deepEqual(await writer.next(), [{ ...save, success: true }]);
      assert.deepEqual(await reader.next(), [{ ...save, success: true }]);
      await writer.closed();
      assert.deepEqual(await ask(reader, { code: "get", key: "room" }), [
        { code: "get", key: "room", success: true, state: "last words" },
      ]);
      assert.deepEqual(application.storage.rooms.members("room").length, 1);
    });
  },

  async "a bad message gets an error and the next good one works"(adapter) {
    await withServed(adapter, roomsServer(), async ({ connect }) => {
      const [client] = await connect(1);
      await client.write('{"code":"get",\0{"code":"get","key":"k"}\0');
      assert.deepEqual(await client.take(2), [
        [{ error: "message is not valid JSON" }],
        [{ code: "get", key: "k", success: true, state: null }],
      ]);
      await client.send({ code: "fly", key: "k" });
      assert.deepEqual(await client.next(), [{ error: "unknown code", code: "fly", key: "k" }]);
      await assertNothingPending(client);
    });
  },

  async "a Flash policy request is answered byte for byte, then closed"(adapter) {
    await withServed(adapter, roomsServer(), async ({ connect }) => {
      const [client] = await connect(1);
      await client.write("<policy-file-request/>\0");
      await client.closed();
      assert.deepEqual(client.received, encoder.encode(FLASH_POLICY + "\0"));
    });
  },

  async "the file store keeps states across a restart of the server"(adapter) {
    await withTempDir(async (directory) => {
      const state = { colors: ["red", "blue"], n: 3 };
      const key = "picture/../1";
      const served = async (body: (client: TcpClient) => Promise<void>) => {
        const server = roomsServer({ store: await FileStore.open(directory) });
        await withServed(adapter, server, async ({ connect }) => body((await connect(1))[0]));
      };
      await served(async (client) => {
        const save = { code: "save", key, state };
        assert.deepEqual(await ask(client, save), [{ ...save, success: true }]);
      });
      await served(async (client) => {
        assert.deepEqual(await ask(client, { code: "load", key }), [
          { code: "load", key, success: true, state },
        ]);
      });
    });
  },

  async "a client that does not read holds back no one else, and then gets all in order"(adapter) {
    // A patient server: the sleeper is waited for, never cut off (the limits have tests of their own).
    await withServed(adapter, roomsServer({}, PATIENT_LIMITS), async ({ connect }) => {
      const [saver, sleeper, other] = await connect(3);
      await enterRoom([saver, sleeper], "flood");
      await enterRoom([other], "calm");
      sleeper.pause();
      const saves = Array.from(
        { length: FLOOD_COUNT },
        (_, n) => saver.send({ code: "save", key: "flood", state: [n, FLOOD_FILLER] }),
      );
      await saver.until(() => saver.inbox.length > 0, "the first echo");
      await untilQuiet(saver, 100);
      // The server waits for the sleeper to drain before it reads the saver on: nothing piles up.
      const stalledAt = saver.inbox.length;
      assert.ok(stalledAt < FLOOD_COUNT, `all ${FLOOD_COUNT} echoes arrived: no backpressure`);
      assert.deepEqual(await ask(other, { code: "get", key: "calm" }), [
        { code: "get", key: "calm", success: true, state: null },
      ]);
      sleeper.resume();
      const numbers = (messages: Command[][]) =>
        messages.map(([echo]) => (echo.state as number[])[0]);
      const expected = Array.from({ length: FLOOD_COUNT }, (_, n) => n);
      assert.deepEqual(numbers(await sleeper.take(FLOOD_COUNT)), expected);
      assert.deepEqual(numbers(await saver.take(FLOOD_COUNT)), expected);
      await Promise.all(saves);
      await assertNothingPending(sleeper);
    });
  },
};

for (const adapter of ADAPTERS) {
  for (const [name, scenario] of Object.entries(scenarios)) {
    test(`${adapter.name} adapter: ${name}`, { skip: adapter.skip }, () => scenario(adapter));
  }
}
