import { test } from "node:test";
import assert from "node:assert/strict";
import { CANNOT, SessionHarness } from "./helpers/sessions.ts";

// Races between a resume and what the old or new connection does meanwhile.

test("double resume: two connections race with one token; the first wins, once", async () => {
  const h = new SessionHarness(1000);
  const a = await h.join();
  await a.client.events.end();
  const first = await h.connect();
  const second = await h.connect();
  const resume = { code: "resume", token: a.token };
  await Promise.all([first.client.send(resume), second.client.send(resume)]);
  await h.settle();
  assert.equal(first.client.takeCommands()[0].success, true);
  assert.deepEqual(second.client.takeCommands(), [CANNOT, { code: "welcome", index: 3 }]);
  assert.deepEqual(h.calls.filter((call) => call.startsWith("resume")), ["resume 1"]);
  h.assertTokensPrivate();
});

test("takeover: the old socket, still open, is told why and closed; what it does after is lost", async () => {
  const h = new SessionHarness(1000);
  const a = await h.join();
  const b = await h.join();
  const [c, got] = await h.resume(a.token);
  assert.equal(got[0].success, true);
  assert.deepEqual(a.client.takeCommands(), [{ code: "session", error: "resumed elsewhere" }]);
  assert.equal(a.client.closed, true);
  assert.deepEqual(b.client.takeCommands(), [{ code: "back", index: 1 }]);
  // The old socket speaks and then closes: neither reaches the application.
  await a.client.send({ code: "say", text: "stale" });
  await a.client.events.end();
  await a.client.events.error(new Error("reset"));
  h.clock.advance(5000);
  await h.settle();
  assert.deepEqual(b.client.takeCommands(), []);
  assert.deepEqual(h.calls.slice(4), ["resume 1"]);
  assert.ok(h.server.connections.has(1));
  await c.send({ code: "say", text: "live" });
  assert.deepEqual(b.client.takeCommands(), [{ code: "say", from: 1, text: "live" }]);
  h.assertTokensPrivate();
});

test("takeover: what the old socket sent before the resume is answered to it, not replayed", async () => {
  const h = new SessionHarness(1000);
  const a = await h.join();
  const c = await h.connect();
  await Promise.all([
    a.client.send({ code: "say", text: "before" }),
    c.client.send({ code: "resume", token: a.token }),
  ]);
  await h.settle();
  assert.deepEqual(a.client.takeCommands(), [
    { code: "say", from: 1, text: "before" },
    { code: "session", error: "resumed elsewhere" },
  ]);
  const got = c.client.takeCommands();
  assert.deepEqual(got.map((command) => command.code), ["resume", "view"]);
  assert.deepEqual(h.calls, ["connect 1", "command 1 hello", "command 1 say", "resume 1"]);
});

test("a connection that fails while its resume waits for its turn takes over nothing", async () => {
  const h = new SessionHarness(1000);
  const a = await h.join();
  await a.client.events.end();
  const c = await h.connect();
  const resuming = c.client.send({ code: "resume", token: a.token });
  await c.client.events.error(new Error("reset"));
  await resuming;
  await h.settle();
  assert.equal(h.server.connections.has(1), false);
  assert.equal((await h.resume(a.token))[1][0].success, true); // the token is still good
});

test("a drop that comes while a takeover waits for its turn: the resume wins, nothing is held", async () => {
  const h = new SessionHarness(1000);
  const a = await h.join();
  const b = await h.join();
  const c = await h.connect();
  let open!: () => void;
  const closed = new Promise<[]>((resolve) => open = () => resolve([]));
  const gate = h.server.runTurn(() => closed); // holds every turn behind it
  const resuming = c.client.send({ code: "resume", token: a.token });
  for (let tick = 0; tick < 50; tick++) await Promise.resolve(); // the resume is queued
  const dropped = a.client.events.error(new Error("reset")); // behind it
  open();
  await Promise.all([gate, resuming, dropped]);
  await h.settle();
  assert.equal(c.client.takeCommands()[0].success, true);
  assert.deepEqual(b.client.takeCommands(), [{ code: "back", index: 1 }]);
  h.clock.advance(5000);
  await h.settle();
  assert.deepEqual(h.calls.slice(4), ["resume 1"]);
  assert.ok(h.server.connections.has(1));
});
