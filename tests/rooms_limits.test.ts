/**
 * The rooms game never stores what its readers could not receive: a state past the size or
 * depth a default client reads is refused to its writer, and the store's quotas reach the
 * client as errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_MAX_DEPTH, MemoryStore } from "../mod.ts";
import { FileStore } from "../src/store/file_store.ts";
import { roomsHarness, whoReceived } from "./helpers/rooms.ts";
import { withTempDir } from "./helpers/temp_dir.ts";

const nested = (levels: number): unknown => levels === 0 ? 7 : [nested(levels - 1)];

test("updates that would grow a state past 60 KiB are refused; readers can still get it", async () => {
  const { clients } = await roomsHarness(3);
  const [writer, roommate, reader] = clients;
  await writer.send({ code: "goto", key: "room" });
  await roommate.send({ code: "goto", key: "room" });
  whoReceived(clients);
  const value = "u".repeat(6_000);
  let stored = 0;
  let refusal: unknown;
  for (let index = 0; index < 20 && refusal === undefined; index++) {
    await writer.send({ code: "update", key: "shared", index, value });
    const [reply] = writer.takeCommands();
    if (reply.success === true) stored++;
    else refusal = reply;
  }
  assert.equal(stored, 10, "ten elements of 6,000 characters fit in 61,440 bytes");
  assert.deepEqual(refusal, {
    error: "the state is too large (66034 bytes of JSON; at most 61440)",
    code: "update",
    key: "shared",
  });
  assert.deepEqual(whoReceived([roommate]), [writer.index + 1], "the room heard the ten updates");
  await reader.send({ code: "get", key: "shared" });
  const [reply] = reader.takeCommands();
  assert.equal((reply.state as string[]).length, 10, "the refused update stored nothing");
  assert.deepEqual(reader.malformed, [], "the reader could decode the reply");
});

test("an update nesting its list past the parser's depth is refused; one level less is read back", async () => {
  const { clients: [writer, reader] } = await roomsHarness(2);
  const deepest = DEFAULT_MAX_DEPTH - 1; // the value sits in a command: level 2 to level 32
  await writer.send({ code: "update", key: "deep", index: 0, value: nested(deepest - 1) as 7 });
  assert.equal(writer.takeCommands()[0].success, true);
  reader.take(); // the echo: both are in no room
  await reader.send({ code: "get", key: "deep" });
  assert.deepEqual(reader.takeCommands()[0].state, [nested(deepest - 1)]);
  assert.deepEqual(reader.malformed, []);

  await writer.send({ code: "update", key: "deeper", index: 0, value: nested(deepest) as 7 });
  assert.deepEqual(writer.takeCommands(), [
    { error: "the state is nested deeper than 31 levels", code: "update", key: "deeper" },
  ]);
  await reader.send({ code: "get", key: "deeper" });
  assert.equal(reader.takeCommands()[0].state, null);
});

test("a save whose state grows past 60 KiB when written out again is refused", async () => {
  const { clients: [writer] } = await roomsHarness(1);
  // 5 bytes on the wire, 22 as JSON.stringify writes 1e20: a 60 KB message, a 264 KB state.
  const text = `{"code":"save","key":"wide","state":[${Array(12_000).fill("1e20").join(",")}]}`;
  await writer.sendText(text + "\0");
  const [reply] = writer.takeCommands();
  assert.match(
    String(reply.error),
    /^the state is too large \(\d+ bytes of JSON; at most 61440\)$/,
  );
});

test("the room controller's limits can be changed", async () => {
  const { clients: [writer] } = await roomsHarness(1, { maxStateBytes: 100, maxStateDepth: 2 });
  await writer.send({ code: "save", key: "a", state: "x".repeat(99) });
  await writer.send({ code: "save", key: "a", state: [[1]] });
  await writer.send({ code: "save", key: "a", state: [[[1]]] });
  assert.deepEqual(writer.takeCommands().map((reply) => reply.error ?? reply.success), [
    "the state is too large (101 bytes of JSON; at most 100)",
    true,
    "the state is nested deeper than 2 levels",
  ]);
});

test("store quotas reach the client as errors, on both stores", async () => {
  await withTempDir(async (directory) => {
    for (
      const store of [
        new MemoryStore([], { maxKeys: 2 }),
        new FileStore(directory, { maxKeys: 2, sync: false }),
      ]
    ) {
      const { clients: [client] } = await roomsHarness(1, { store });
      for (const key of ["a", "b", "c"]) await client.send({ code: "save", key, state: 1 });
      await client.send({ code: "save", key: "é".repeat(257), state: 1 });
      await client.send({ code: "save", key: "\ud800", state: 1 });
      const replies = client.takeCommands();
      assert.deepEqual(replies.map((reply) => reply.error ?? reply.success), [
        true,
        true,
        "the store is full (at most 2 keys)",
        "key is too long (at most 512 UTF-8 bytes)",
        "key is not well-formed Unicode",
      ]);
    }
  });
});
