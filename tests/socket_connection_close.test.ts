/**
 * The bounded close of the layer's connections: a timeout only while the socket has yet to
 * close, none for a socket that closes as it is ended (the Deno adapter's, with nothing left
 * to write), so that a churned connection arms and clears no timer.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../mod.ts";
import { SocketConnection } from "../src/transport/socket_connection.ts";
import { WriteBatcher } from "../src/transport/write_batcher.ts";

/** A connection on a socket that reports its close at once on `end` when `closesAtOnce`. */
function connectionOn(closesAtOnce: boolean) {
  const clock = new ManualClock();
  const log: string[] = [];
  const counted = {
    armed: 0,
    now: () => clock.now(),
    schedule(at: number, callback: () => void) {
      counted.armed++;
      return clock.schedule(at, callback);
    },
  };
  const connection: SocketConnection = new SocketConnection({
    write: () => log.push("write"),
    unsentBytes: 0,
    drained: () => Promise.resolve(),
    end() {
      log.push("end");
      if (closesAtOnce) connection.closed();
    },
    abort() {
      log.push("abort");
      connection.closed();
    },
  }, { batcher: new WriteBatcher((run) => run()), clock: counted, closeTimeoutMs: 1000 });
  return { clock, counted, log, connection };
}

test("a socket that closes as it is ended: the close settles with no timeout armed", async () => {
  const { counted, log, connection } = connectionOn(true);
  await connection.close();
  assert.equal(counted.armed, 0);
  assert.deepEqual(log, ["end"]);
});

test("a socket that has yet to close: reset once the close timeout is over", async () => {
  const { clock, log, connection } = connectionOn(false);
  const closing = connection.close();
  assert.equal(clock.pending, 1);
  clock.advance(999);
  assert.deepEqual(log, ["end"]);
  clock.advance(1);
  await closing;
  assert.deepEqual(log, ["end", "abort"]);
  assert.equal(clock.pending, 0);
});

test("a socket that closes in time: the timeout is cleared", async () => {
  const { clock, connection } = connectionOn(false);
  const closing = connection.close();
  connection.closed();
  await closing;
  assert.equal(clock.pending, 0);
});

test("a write after the close throws an Error; after a failure, the socket's own", async () => {
  const closed = connectionOn(true).connection;
  await closed.close();
  assert.throws(() => closed.write(new Uint8Array([0])), {
    name: "Error",
    message: "connection is closed",
  });
  const failed = connectionOn(true).connection;
  const reset = new Error("ECONNRESET");
  failed.failed(reset);
  failed.closed();
  assert.throws(() => failed.write(new Uint8Array([0])), (error) => error === reset);
});
