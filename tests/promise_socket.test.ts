/**
 * The socket record of promise runtimes (the Deno adapter's): one write in progress at a time,
 * and what is handed over meanwhile leaves as one write when it ends, in order, so that a
 * busy connection costs the runtime one write operation per completed write, not one per
 * event-loop iteration it was handed bytes in.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Iterations } from "../src/adapter/iterations.ts";
import {
  IN_FLIGHT_GRACE_MS,
  KERNEL_TAKES_BYTES,
  type PromiseConn,
  PromiseSocket,
} from "../src/adapter/promise_socket.ts";

/** A connection whose writes finish when the test says, taking at most `takes` bytes each. */
function heldConn(takes = Infinity) {
  const writes: number[][] = [];
  const finish: (() => void)[] = [];
  const conn: PromiseConn = {
    write(bytes) {
      const taken = Math.min(bytes.length, takes);
      writes.push([...bytes.subarray(0, taken)]);
      return new Promise((resolve) => finish.push(() => resolve(taken)));
    },
    read: () => new Promise(() => {}),
    close() {},
  };
  /** Finishes the oldest write in progress and lets the socket go on. */
  const finishOne = async () => {
    finish.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { conn, writes, finishOne };
}

const bytes = (...values: number[]) => new Uint8Array(values);
/** A clock that stands still: no write outlives IN_FLIGHT_GRACE_MS unless a test moves it. */
const stoppedClock = { now: () => 0 };

test("what is handed over during a write leaves as one write, in order", async () => {
  const { conn, writes, finishOne } = heldConn();
  const socket = new PromiseSocket(conn, new Iterations(setImmediate, stoppedClock));
  socket.write(bytes(1));
  socket.write(bytes(2, 3));
  await new Promise((resolve) => setImmediate(resolve)); // a later iteration
  socket.write(bytes(4));
  socket.write(bytes(5));
  assert.deepEqual(writes, [[1]]); // the first at once, the rest waits for it
  await finishOne();
  assert.deepEqual(writes, [[1], [2, 3, 4, 5]]);
  const drained = socket.drained();
  await finishOne();
  await drained;
  assert.equal(socket.unsentBytes, 0);
});

test("a joined write the kernel takes in parts is sent to its end before anything newer", async () => {
  const { conn, writes, finishOne } = heldConn(2);
  const socket = new PromiseSocket(conn, new Iterations(setImmediate, stoppedClock));
  socket.write(bytes(1));
  socket.write(bytes(2, 3));
  socket.write(bytes(4));
  await finishOne(); // [1]
  socket.write(bytes(5));
  await finishOne(); // [2, 3]
  await finishOne(); // [4]
  await finishOne(); // [5]
  assert.deepEqual(writes, [[1], [2, 3], [4], [5]]);
});

test("owed: what an earlier iteration queued behind a write still in progress", async () => {
  const { conn, finishOne } = heldConn();
  const socket = new PromiseSocket(conn, new Iterations(setImmediate, stoppedClock));
  const nextIteration = () => new Promise((resolve) => setImmediate(resolve));
  socket.write(bytes(1, 2, 3));
  assert.equal(socket.unsentBytes, 0); // in progress: a Node socket would have handed it over
  await nextIteration();
  socket.write(bytes(4));
  assert.equal(socket.unsentBytes, 0); // in progress, and this iteration's
  await nextIteration();
  socket.write(bytes(5, 6));
  assert.equal(socket.unsentBytes, 1); // [4] waited a whole iteration behind the write
  await finishOne();
  assert.equal(socket.unsentBytes, 0); // [4, 5, 6] in progress
  await finishOne();
  assert.equal(socket.unsentBytes, 0);
});

test("no more than KERNEL_TAKES_BYTES is ever taken as handed over", async () => {
  const { conn } = heldConn();
  const socket = new PromiseSocket(conn, new Iterations(setImmediate, stoppedClock));
  socket.write(new Uint8Array(KERNEL_TAKES_BYTES));
  socket.write(new Uint8Array(1000));
  assert.equal(socket.unsentBytes, 1000);
  await new Promise((resolve) => setImmediate(resolve));
  socket.write(new Uint8Array(10));
  assert.equal(socket.unsentBytes, 1010);
});

test("a write still in progress after IN_FLIGHT_GRACE_MS is owed, as a Node socket's would be", async () => {
  const { conn, finishOne } = heldConn();
  const clock = { time: 0, now: () => clock.time };
  const socket = new PromiseSocket(conn, new Iterations(setImmediate, clock));
  const nextIteration = () => new Promise((resolve) => setImmediate(resolve));
  socket.write(bytes(1, 2, 3)); // the reader's kernel buffer is full: it never finishes
  clock.time += IN_FLIGHT_GRACE_MS - 1;
  await nextIteration();
  assert.equal(socket.unsentBytes, 0);
  clock.time += 1;
  await nextIteration();
  assert.equal(socket.unsentBytes, 3);
  socket.write(bytes(4)); // this iteration's: still taken as handed over
  assert.equal(socket.unsentBytes, 3);
  await finishOne();
  assert.equal(socket.unsentBytes, 0); // [4] in progress, young
});
