/**
 * Serialization happens once per delivery, never once per recipient: a broadcast to a room
 * of N is encoded once and the very same bytes are written to all N.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type Command, type Decoder, deliverResult, JsonParser, type Parser } from "../mod.ts";
import { createRoomsApplication } from "../examples/rooms/mod.ts";
import { Harness, TestClient } from "./helpers/harness.ts";

/** A JsonParser that counts its serializations. */
class CountingParser implements Parser {
  serialized = 0;
  readonly #json = new JsonParser();

  createDecoder(): Decoder {
    return this.#json.createDecoder();
  }

  serialize(commands: readonly Command[]): Uint8Array {
    this.serialized++;
    return this.#json.serialize(commands);
  }
}

/** A rooms server over a counting parser, with `count` clients all in room "hall". */
async function hall(count: number) {
  const parser = new CountingParser();
  const harness = new Harness(createRoomsApplication(), { parser });
  const clients: TestClient[] = [];
  for (let n = 0; n < count; n++) clients.push(await harness.connect());
  for (const client of clients) await client.send({ code: "goto", key: "hall" });
  await harness.settle();
  for (const client of clients) client.chunks.splice(0);
  parser.serialized = 0;
  return { parser, harness, clients };
}

for (const count of [1, 10, 200]) {
  test(`an update to a room of ${count} is serialized once; all get the same bytes`, async () => {
    const { parser, harness, clients } = await hall(count);
    await clients[0].send({ code: "update", key: "hall", index: 3, value: 7 });
    await harness.settle();
    assert.equal(parser.serialized, 1);
    const first = clients[0].chunks[0];
    for (const client of clients) {
      assert.equal(client.chunks.length, 1);
      assert.equal(client.chunks[0], first, "every recipient gets the one encoded buffer");
    }
    assert.deepEqual(JSON.parse(new TextDecoder().decode(first).replace(/\0$/, "")), [
      { code: "update", key: "hall", index: 3, value: 7, success: true },
    ]);
  });
}

test("a stream of updates costs one serialization each, whatever the room size", async () => {
  const { parser, harness, clients } = await hall(50);
  for (let n = 0; n < 20; n++) {
    await clients[n % clients.length].send({ code: "update", key: "hall", index: n, value: n });
  }
  await harness.settle();
  assert.equal(parser.serialized, 20);
  for (const client of clients) assert.equal(client.chunks.length, 20);
});

test("deliverResult serializes per delivery, not per recipient (1 and 100)", async () => {
  const clients = Array.from({ length: 100 }, () => new TestClient());
  const everyone = clients.map((_, i) => i + 1);
  let serialized = 0;
  const json = new JsonParser();
  await deliverResult([[[1], [{ code: "hello" }]], [everyone, [{ code: "news" }]]], {
    connectionOf: (index) => clients[index - 1]?.connection,
    serialize: (commands) => (serialized++, json.serialize(commands)),
    fail: (index, error) => assert.fail(`recipient ${index} failed: ${error}`),
  });
  assert.equal(serialized, 2);
  const news = clients[99].chunks[0];
  for (const client of clients) assert.equal(client.chunks.at(-1), news);
  assert.equal(clients[0].chunks.length, 2);
  assert.deepEqual(clients[0].take(), [[{ code: "hello" }], [{ code: "news" }]]);
});
