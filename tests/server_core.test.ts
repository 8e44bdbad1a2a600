import { test } from "node:test";
import assert from "node:assert/strict";
import { Application, type Controller, deliver, FLASH_POLICY, type Result } from "../mod.ts";
import { Harness } from "./helpers/harness.ts";
import { lobbyHarness } from "./helpers/lobby.ts";

test("indexes count up from 1 and are never reused", async () => {
  const { harness } = lobbyHarness();
  const first = await harness.connect();
  const second = await harness.connect();
  await first.events.end();
  const third = await harness.connect();
  assert.deepEqual([first.index, second.index, third.index], [1, 2, 3]);
  assert.deepEqual(third.take(), [[{ welcome: 3 }]]);
});

test("a broadcast reaches every addressed index once; unknown indexes are skipped", async () => {
  const { harness } = lobbyHarness();
  const [a, b, c] = [await harness.connect(), await harness.connect(), await harness.connect()];
  [a, b, c].forEach((client) => client.take());
  await a.send({ code: "say", text: "hi" });
  for (const client of [a, b, c]) {
    assert.deepEqual(client.take(), [[{ code: "say", text: "hi", from: 1 }]]);
  }
  await b.send({ code: "whisper", to: 99 });
  assert.deepEqual([a.take(), b.take(), c.take()], [[], [], []]);
});

test("every write of a broadcast happens before any drain is awaited", async () => {
  const { harness } = lobbyHarness();
  const clients = [await harness.connect(), await harness.connect(), await harness.connect()];
  const log: string[] = [];
  for (const client of clients) {
    client.connection.write = ((write) => (bytes: Uint8Array) => {
      log.push(`write ${client.index}`);
      write(bytes);
    })(client.connection.write);
    client.connection.bufferedBytes = 1; // something unsent, so the server asks for a drain
    client.drain = () => {
      log.push(`drain ${client.index}`);
      return Promise.resolve();
    };
  }
  await clients[0].send({ code: "say" });
  assert.deepEqual(log, ["write 1", "write 2", "write 3", "drain 1", "drain 2", "drain 3"]);
});

test("a stalled reader does not hold back the others' writes or other turns", async () => {
  const { harness } = lobbyHarness();
  const [a, b, c] = [await harness.connect(), await harness.connect(), await harness.connect()];
  [a, b, c].forEach((client) => client.take());
  let release = () => {};
  b.connection.bufferedBytes = 1;
  b.drain = () => new Promise((resolve) => (release = resolve));
  const saying = a.send({ code: "say", n: 1 });
  await c.send({ code: "echo", n: 2 });
  assert.deepEqual(c.take(), [[{ code: "say", n: 1, from: 1 }], [{ code: "echo", n: 2 }]]);
  assert.deepEqual(b.take(), [[{ code: "say", n: 1, from: 1 }]], "written, though not drained");
  release();
  await saying;
});

test("a failed write disturbs nobody else; the failed one leaves exactly once", async () => {
  const { harness, storage } = lobbyHarness();
  const [a, b, c] = [await harness.connect(), await harness.connect(), await harness.connect()];
  [a, b, c].forEach((client) => client.take());
  b.writeError = new Error("connection reset");
  await a.send([{ code: "say", n: 1 }, { code: "say", n: 2 }]);
  await harness.settle();
  for (const client of [a, c]) {
    assert.deepEqual(client.take(), [
      [{ code: "say", n: 1, from: 1 }],
      [{ code: "say", n: 2, from: 1 }],
      [{ left: 2 }],
    ]);
  }
  assert.equal(b.closeCount, 1);
  assert.equal(harness.server.registry.has(2), false);
  assert.deepEqual(storage.hooks.filter((hook) => hook.endsWith(" 2")), [
    "connect 2",
    "disconnect 2",
  ]);
  await b.events.end();
  await b.events.error(new Error("late"));
  assert.equal(storage.hooks.filter((hook) => hook === "disconnect 2").length, 1);
});

test("a failed drain disconnects that recipient only, after the others got the data", async () => {
  const { harness, storage } = lobbyHarness();
  const [a, b, c] = [await harness.connect(), await harness.connect(), await harness.connect()];
  [a, b, c].forEach((client) => client.take());
  c.connection.bufferedBytes = 1;
  c.drain = () => Promise.reject(new Error("broken pipe"));
  await a.send({ code: "say" });
  await harness.settle();
  assert.deepEqual(a.take(), [[{ code: "say", from: 1 }], [{ left: 3 }]]);
  assert.deepEqual(b.take(), [[{ code: "say", from: 1 }], [{ left: 3 }]]);
  assert.deepEqual([...storage.connected], [1, 2]);
  assert.equal(c.closeCount, 1);
  assert.equal(harness.server.registry.size, 2);
});

test("data and end reported together lose nothing", async () => {
  const { harness, storage } = lobbyHarness();
  const [a, b] = [await harness.connect(), await harness.connect()];
  [a, b].forEach((client) => client.take());
  const data = a.sendText('{"code":"say","last":true}\0');
  const end = a.events.end();
  await Promise.all([data, end]);
  await harness.settle();
  assert.deepEqual(b.take(), [[{ code: "say", last: true, from: 1 }], [{ left: 1 }]]);
  assert.deepEqual(storage.hooks, ["connect 1", "connect 2", "disconnect 1"]);
});

test("a bad message answers its sender only, and the rest of the read is handled", async () => {
  const { harness } = lobbyHarness();
  const [a, b] = [await harness.connect(), await harness.connect()];
  [a, b].forEach((client) => client.take());
  await a.sendText('{"code":"echo","n":1}\0{oops}\0{"code":"echo","n":2}\0');
  assert.deepEqual(a.take(), [
    [{ code: "echo", n: 1 }],
    [{ error: "message is not valid JSON" }],
    [{ code: "echo", n: 2 }],
  ]);
  assert.deepEqual(b.take(), []);
});

test("an oversized message is answered with an error, then the connection is closed", async () => {
  const { harness, storage } = lobbyHarness();
  const [a, b] = [await harness.connect(), await harness.connect()];
  [a, b].forEach((client) => client.take());
  await a.sendText(`{"code":"echo","pad":"${"x".repeat(70_000)}"}\0{"code":"echo"}\0`);
  await harness.settle();
  assert.deepEqual(a.take(), [[{ error: "message is larger than 65536 bytes" }]]);
  assert.equal(a.closed, true);
  assert.deepEqual(b.take(), [[{ left: 1 }]]);
  assert.equal(storage.hooks.filter((hook) => hook === "disconnect 1").length, 1);
});

test("a Flash policy request is answered byte for byte, then closed", async () => {
  const { harness } = lobbyHarness();
  const a = await harness.connect();
  a.take();
  a.chunks.length = 0;
  await a.sendText("<policy-file-request/>\0");
  assert.equal(new TextDecoder().decode(a.chunks[0]), FLASH_POLICY + "\0");
  assert.equal(a.closed, true);
});

test("with the Flash policy switched off, the request is a bad message", async () => {
  const { harness } = lobbyHarness({ flashPolicy: null });
  const a = await harness.connect();
  a.take();
  await a.sendText("<policy-file-request/>\0");
  assert.deepEqual(a.take(), [[{ error: "message is not valid JSON" }]]);
  assert.equal(a.closed, false);
});

test("an error event disconnects at once; later data is ignored", async () => {
  const { harness, storage } = lobbyHarness();
  const a = await harness.connect();
  await a.events.error(new Error("ECONNRESET"));
  await a.send({ code: "say" });
  assert.equal(harness.server.registry.size, 0);
  assert.deepEqual(storage.hooks, ["connect 1", "disconnect 1"]);
});

test("turns do not interleave: a slow handler finishes before the next turn starts", async () => {
  const order: string[] = [];
  const slow: Controller<null> = {
    async handleCommand(command, { index }): Promise<Result> {
      order.push(`start ${command.n}`);
      for (let i = 0; i < 5; i++) await Promise.resolve();
      order.push(`end ${command.n}`);
      return deliver([index], command);
    },
  };
  const harness = new Harness(new Application({ storage: null, defaultController: slow }));
  const [a, b] = [await harness.connect(), await harness.connect()];
  await Promise.all([a.send({ n: 1 }), b.send({ n: 2 })]);
  assert.deepEqual(order, ["start 1", "end 1", "start 2", "end 2"]);
});

test("shutdown runs every onDisconnect, closes every connection, refuses new ones", async () => {
  const { harness, storage } = lobbyHarness();
  const clients = [await harness.connect(), await harness.connect(), await harness.connect()];
  await harness.server.shutdown();
  assert.deepEqual(storage.hooks.filter((hook) => hook.startsWith("disconnect")).sort(), [
    "disconnect 1",
    "disconnect 2",
    "disconnect 3",
  ]);
  assert.ok(clients.every((client) => client.closeCount === 1));
  assert.equal(harness.server.registry.size, 0);
  const late = await harness.connect();
  assert.equal(late.index, 0, "refused: no index");
  assert.deepEqual(late.take(), [[{ error: "server is shutting down" }]]);
  assert.equal(late.closed, true);
  await late.send({ code: "say" });
  assert.equal(harness.server.registry.size, 0);
});

test("server.send runs a result from outside any command, in a turn of its own", async () => {
  const { harness } = lobbyHarness();
  const a = await harness.connect();
  a.take();
  await harness.server.send(() => deliver([a.index], { tick: 1 }));
  assert.deepEqual(a.take(), [[{ tick: 1 }]]);
});

test("shutdown answers the commands already taken in, and takes no more", async () => {
  let release = () => {};
  let waiting = false;
  const handled: number[] = [];
  const slow: Controller<null> = {
    async handleCommand(command, { index }): Promise<Result> {
      if (command.wait) {
        waiting = true;
        await new Promise<void>((resolve) => (release = resolve));
      }
      handled.push(Number(command.n));
      return deliver([index], { done: command.n });
    },
  };
  const harness = new Harness(new Application({ storage: null, defaultController: slow }));
  const a = await harness.connect();
  const first = a.send({ n: 1, wait: true });
  for (let turn = 0; !waiting && turn < 100; turn++) await Promise.resolve();
  assert.ok(waiting, "the handler is under way");
  const stopping = harness.server.shutdown();
  const late = a.send({ n: 2 }); // queued behind the first message, read after shutdown began
  release();
  await Promise.all([first, late, stopping]);
  assert.deepEqual(handled, [1]);
  assert.deepEqual(a.take(), [[{ done: 1 }]], "answered before the connection closed");
  assert.equal(a.closed, true);
});
