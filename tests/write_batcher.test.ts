/**
 * The adapters' write batching: what a connection is sent in one turn of the event loop
 * leaves as one chunk, in order, when the turn ends (or sooner, past FLUSH_BYTES), and the
 * members of a room sent the same messages share one copy of them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FLUSH_BYTES, HeldWrites, WriteBatcher } from "../src/transport/write_batcher.ts";

const turnOver = () => new Promise<void>((resolve) => setImmediate(resolve));
const bytes = (...values: number[]) => new Uint8Array(values);

/** A HeldWrites that records what it sends. */
function recorded(batcher: WriteBatcher) {
  const sent: Uint8Array[] = [];
  return { held: new HeldWrites(batcher, (chunk) => void sent.push(chunk)), sent };
}

test("writes of one turn are sent once, as one chunk in order, when the turn ends", async () => {
  const { held, sent } = recorded(new WriteBatcher(setImmediate));
  held.add(bytes(1, 0));
  held.add(bytes(2, 2, 0));
  held.add(bytes(3, 0));
  assert.equal(sent.length, 0, "nothing is sent before the turn ends");
  assert.equal(held.bytes, 7);
  await turnOver();
  assert.deepEqual(sent, [bytes(1, 0, 2, 2, 0, 3, 0)]);
  assert.equal(held.bytes, 0);
  await turnOver();
  assert.equal(sent.length, 1, "an empty turn sends nothing");
});

test("a single write is sent as it is, not copied", async () => {
  const { held, sent } = recorded(new WriteBatcher(setImmediate));
  const only = bytes(7, 0);
  held.add(only);
  await turnOver();
  assert.equal(sent[0], only);
});

test("past FLUSH_BYTES the held bytes go at once; the rest waits for the turn's end", async () => {
  const { held, sent } = recorded(new WriteBatcher(setImmediate));
  const half = new Uint8Array(FLUSH_BYTES / 2).fill(1);
  held.add(half);
  held.add(half);
  assert.equal(sent.length, 1, "the threshold flushed mid-turn");
  assert.equal(sent[0].length, FLUSH_BYTES);
  held.add(bytes(9, 0));
  assert.equal(sent.length, 1);
  await turnOver();
  assert.deepEqual(sent[1], bytes(9, 0));
});

test("flush() sends what is held now, and nothing twice", async () => {
  const { held, sent } = recorded(new WriteBatcher(setImmediate));
  held.add(bytes(1, 0));
  held.flush();
  assert.deepEqual(sent, [bytes(1, 0)]);
  held.flush();
  await turnOver();
  assert.equal(sent.length, 1);
});

test("connections sent the same messages in a turn share one joined copy", async () => {
  const batcher = new WriteBatcher(setImmediate);
  const room = [recorded(batcher), recorded(batcher), recorded(batcher)];
  const other = recorded(batcher);
  const first = bytes(1, 0);
  const second = bytes(2, 0);
  for (const { held } of room) {
    held.add(first);
    held.add(second);
  }
  other.held.add(first);
  other.held.add(bytes(2, 0)); // equal bytes, another array: not taken for the same
  await turnOver();
  const [shared] = room[0].sent;
  assert.deepEqual(shared, bytes(1, 0, 2, 0));
  assert.ok(room.every(({ sent }) => sent.length === 1 && sent[0] === shared));
  assert.deepEqual(other.sent, [bytes(1, 0, 2, 0)]);
  assert.notEqual(other.sent[0], shared);
});

test("a WriteBatcher serves many connections with one flush per turn, each in its own order", async () => {
  const batcher = new WriteBatcher(setImmediate);
  const connections = Array.from({ length: 50 }, () => recorded(batcher));
  connections.forEach(({ held }, i) => {
    held.add(bytes(i, 0));
    held.add(bytes(i + 100, 0));
  });
  await turnOver();
  connections.forEach(({ sent }, i) => assert.deepEqual(sent, [bytes(i, 0, i + 100, 0)]));
});
