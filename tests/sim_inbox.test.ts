import assert from "node:assert/strict";
import { test } from "node:test";
import { Inbox } from "../sim/engine/inbox.ts";

test("an inbox gives back every read as it came: pieces of one buffer, other buffers, empty reads", () => {
  const slab = new TextEncoder().encode("[1]\0[2]\0[3]\0");
  const other = new TextEncoder().encode("[4]\0");
  const pieces = [
    slab.subarray(0, 2), // a cut segment
    slab.subarray(2, 8), // continues it, across a message boundary
    new Uint8Array(0),
    other, // another buffer
    slab.subarray(8, 12), // back in the first, where it left off
    slab.subarray(0, 4), // the first buffer again, not where it left off
  ];
  const inbox = new Inbox();
  const sequences = [0, 1, 2, 10, 11, 12];
  pieces.forEach((bytes, k) => inbox.append(1000 * k, sequences[k], bytes));
  const reads = inbox.reads();
  assert.deepEqual(reads.map((read) => [...read.bytes]), pieces.map((bytes) => [...bytes]));
  assert.deepEqual(reads.map((read) => read.time), [0, 1000, 2000, 3000, 4000, 5000]);
  assert.deepEqual(reads.map((read) => read.sequence), sequences);
  assert.equal(new TextDecoder().decode(inbox.bytes), "[1]\0[2]\0[4]\0[3]\0[1]\0");
  assert.equal(inbox.length, 20);
});

test("an inbox keeps thousands of reads, past the growth of its arrays", () => {
  const inbox = new Inbox();
  const buffers = [
    new Uint8Array(300).map((_, k) => k),
    new Uint8Array(300).map((_, k) => 255 - k),
  ];
  const expected: number[][] = [];
  for (let k = 0; k < 5000; k++) {
    const buffer = buffers[Math.floor(k / 7) % 2];
    const bytes = buffer.subarray(k % 100, k % 100 + (k % 5));
    expected.push([...bytes]);
    inbox.append(k, k, bytes);
  }
  const reads = inbox.reads();
  assert.equal(reads.length, 5000);
  assert.deepEqual(reads.map((read) => [...read.bytes]), expected);
  assert.deepEqual(reads.map((read) => read.time), expected.map((_, k) => k));
});
