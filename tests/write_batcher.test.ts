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

test("whatever the order of writes, flushes and drops, each connection is sent exactly its own bytes", async () => {
  // A seeded generator: the same interleavings on every run.
  let seed = 12345;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let round = 0; round < 40; round++) {
    const batcher = new WriteBatcher(setImmediate);
    const connections = Array.from({ length: 2 + random(6) }, () => recorded(batcher));
    const given: number[][] = connections.map(() => []);
    const pool = Array.from({ length: 4 }, (_, i) => bytes(i + 1, i + 1, 0));
    for (let step = 0; step < 200; step++) {
      const choice = random(20);
      if (choice < 16) {
        // A broadcast to a random audience, in random order, of a shared or a new chunk.
        const chunk = random(3) === 0 ? bytes(100 + step, 0) : pool[random(pool.length)];
        const audience = connections.map((_, i) => i).filter(() => random(3) !== 0);
        if (random(2) === 0) audience.reverse();
        for (const i of audience) {
          connections[i].held.add(chunk);
          given[i].push(...chunk);
        }
      } else if (choice < 18) {
        connections[random(connections.length)].held.flush();
      } else if (choice < 19) {
        const i = random(connections.length);
        connections[i].held.drop();
        // What was held is gone: what was sent before stays, the rest is forgotten.
        given[i] = [...connections[i].sent.flatMap((chunk) => [...chunk])];
      } else {
        await turnOver();
      }
    }
    await turnOver();
    connections.forEach(({ sent }, i) => {
      assert.deepEqual(sent.flatMap((chunk) => [...chunk]), given[i], `round ${round}, ${i}`);
    });
  }
});

test("a write made while the held writes are flushed is sent whole the turn after", async () => {
  const batcher = new WriteBatcher(setImmediate);
  const late = recorded(batcher);
  const chunk = bytes(5, 0);
  const sent: Uint8Array[] = [];
  // Sending to the first connection makes the layer write to another (a notice, an answer).
  const first = new HeldWrites(batcher, (bytes) => {
    sent.push(bytes);
    late.held.add(chunk);
    late.held.add(bytes);
  });
  first.add(bytes(1, 0));
  first.add(bytes(2, 0));
  await turnOver();
  assert.deepEqual(sent, [bytes(1, 0, 2, 0)]);
  assert.equal(late.sent.length, 0, "held for the next turn");
  first.add(bytes(3, 0)); // the next turn's run
  await turnOver();
  assert.deepEqual(late.sent, [bytes(5, 0, 1, 0, 2, 0)]);
});

test("a connection sent the first messages of another's turn gets those alone", async () => {
  const batcher = new WriteBatcher(setImmediate);
  const [first, second] = [recorded(batcher), recorded(batcher)];
  const [table, turn, hand] = [bytes(1, 0), bytes(2, 0), bytes(3, 0)];
  for (const chunk of [table, turn]) {
    first.held.add(chunk);
    second.held.add(chunk);
  }
  first.held.add(hand); // the first's alone
  await turnOver();
  assert.deepEqual(first.sent, [bytes(1, 0, 2, 0, 3, 0)]);
  assert.deepEqual(second.sent, [bytes(1, 0, 2, 0)], "never the other's hand");
});
