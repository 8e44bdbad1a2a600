import { test } from "node:test";
import assert from "node:assert/strict";
import { Application, cryptoFill, ManualClock, SessionBook } from "../mod.ts";
import { CANNOT, countingRandom, SessionHarness } from "./helpers/sessions.ts";
import { Harness } from "./helpers/harness.ts";
import { lobbyHarness } from "./helpers/lobby.ts";

test("each connection first gets its own secret token; onConnect waits for its first command", async () => {
  const h = new SessionHarness(1000, {}, cryptoFill); // the default random source
  const a = await h.connect();
  const b = await h.connect();
  assert.match(a.token, /^[\w-]{22,}$/); // at least 128 bits, base64url
  assert.notEqual(a.token, b.token);
  assert.deepEqual(h.calls, []);
  await a.client.send({ code: "say", text: "hi" });
  assert.deepEqual(h.calls, ["connect 1", "command 1 say"]);
  assert.deepEqual(a.client.take(), [[{ code: "welcome", index: 1 }], [{
    code: "say",
    from: 1,
    text: "hi",
  }]]);
  h.assertTokensPrivate();
});

test("resume inside the hold: same index, a fresh token, the view; others see disconnected, back", async () => {
  const h = new SessionHarness(1000);
  const a = await h.join();
  const b = await h.join();
  await a.client.events.end();
  await h.settle();
  assert.deepEqual(b.client.takeCommands(), [{ code: "disconnected", index: 1 }]);
  h.clock.advance(999);
  const [c, got] = await h.resume(a.token);
  assert.equal(got.length, 2);
  assert.equal(got[0].code, "resume");
  assert.equal(got[0].success, true);
  assert.match(String(got[0].token), /^[\w-]{22,}$/);
  assert.notEqual(got[0].token, a.token);
  assert.deepEqual(got[1], { code: "view", index: 1, members: [1, 2] });
  assert.deepEqual(b.client.takeCommands(), [{ code: "back", index: 1 }]);
  await c.send({ code: "say", text: "again" });
  assert.deepEqual(b.client.takeCommands(), [{ code: "say", from: 1, text: "again" }]);
  assert.deepEqual(h.server.connections.indexes().sort(), [1, 2]);
  h.clock.advance(10_000); // the hold that was ended must not fire
  await h.settle();
  assert.deepEqual(h.calls, [
    "connect 1",
    "command 1 hello",
    "connect 2",
    "command 2 hello",
    "hold 1",
    "resume 1",
    "command 1 say",
  ]);
  h.assertTokensPrivate();
});

test("resume outside the hold: the identity is gone once, the resume fails, a new one starts", async () => {
  const h = new SessionHarness(1000);
  const a = await h.join();
  const b = await h.join();
  await a.client.events.end();
  h.clock.advance(1000);
  await h.settle();
  assert.deepEqual(b.client.takeCommands(), [
    { code: "disconnected", index: 1 },
    { code: "gone", index: 1 },
  ]);
  const [c, got] = await h.resume(a.token, [{ code: "say", text: "new" }]);
  assert.deepEqual(got, [CANNOT, { code: "welcome", index: 3 }, {
    code: "say",
    from: 3,
    text: "new",
  }]);
  assert.equal(c.index, 3);
  assert.deepEqual(h.calls.filter((call) => call.endsWith(" 1")), [
    "connect 1",
    "hold 1",
    "disconnect 1",
  ]);
  h.assertTokensPrivate();
});

test("a token works once: a second resume with it fails, the fresh token works", async () => {
  const h = new SessionHarness(1000);
  const a = await h.join();
  await a.client.events.end();
  const [c, got] = await h.resume(a.token);
  const fresh = String(got[0].token);
  await c.events.end();
  assert.deepEqual((await h.resume(a.token))[1][0], CANNOT);
  const [, again] = await h.resume(fresh);
  assert.equal(again[0].success, true);
  assert.deepEqual(h.calls, [
    "connect 1",
    "command 1 hello",
    "hold 1",
    "resume 1",
    "hold 1",
    "connect 3",
    "resume 1",
  ]);
  h.assertTokensPrivate();
});

test("a token from another server cannot resume here", async () => {
  const here = new SessionHarness(1000, {}, cryptoFill);
  const there = new SessionHarness(1000, {}, cryptoFill);
  const a = await there.join();
  await here.join();
  await a.client.events.end();
  assert.deepEqual((await here.resume(a.token))[1][0], CANNOT);
  assert.equal((await there.resume(a.token))[1][0].success, true);
});

test("a non-string, empty or guessed token gets the same answer as an expired one", async () => {
  const h = new SessionHarness(1000);
  await h.join();
  for (const token of [undefined, 42, "", "x".repeat(22), null]) {
    const { client } = await h.connect();
    await client.send(token === undefined ? { code: "resume" } : { code: "resume", token });
    assert.deepEqual(client.takeCommands()[0], CANNOT);
  }
});

test("a resumed connection's own drop is held again and resumes with the newest token", async () => {
  const h = new SessionHarness(1000);
  const a = await h.join();
  await a.client.events.end();
  const [c, got] = await h.resume(a.token);
  await c.events.end();
  h.clock.advance(999);
  const [, again] = await h.resume(String(got[0].token));
  assert.equal(again[0].success, true);
  h.clock.advance(5000);
  await h.settle();
  assert.deepEqual(h.calls.filter((call) => call.startsWith("disconnect")), []);
});

test("leave: an open connection's leave ends its identity at once, with no hold", async () => {
  const h = new SessionHarness(1000);
  const a = await h.join();
  const b = await h.join();
  await a.client.send({ code: "leave" });
  await h.settle();
  assert.deepEqual(a.client.takeCommands(), [{ code: "leave", success: true }]);
  assert.equal(a.client.closed, true);
  assert.deepEqual(b.client.takeCommands(), [{ code: "gone", index: 1 }]);
  assert.deepEqual((await h.resume(a.token))[1][0], CANNOT);
  assert.deepEqual(h.calls.filter((call) => call.endsWith(" 1")), ["connect 1", "disconnect 1"]);
});

test("leave during the hold: resumed and left at once, or ended by the server; gone once", async () => {
  const h = new SessionHarness(1000);
  const a = await h.join();
  const b = await h.join();
  await a.client.events.end();
  const [c, got] = await h.resume(a.token, [{ code: "leave" }]);
  assert.equal(got[0].success, true);
  assert.deepEqual(got.at(-1), { code: "leave", success: true });
  assert.equal(c.closed, true);
  await b.client.events.end(); // held
  await h.server.disconnect(2); // the server ends the hold
  h.clock.advance(5000);
  await h.settle();
  assert.deepEqual(h.calls.filter((call) => call.startsWith("disconnect")), [
    "disconnect 1",
    "disconnect 2",
  ]);
  assert.deepEqual((await h.resume(b.token))[1][0], CANNOT);
});

test("shutdown during the hold: every held identity is gone once, and no hold fires after", async () => {
  const h = new SessionHarness(1000);
  const a = await h.join();
  const b = await h.join();
  await a.client.events.end();
  await h.server.shutdown();
  assert.equal(b.client.closed, true);
  h.clock.advance(5000);
  await h.settle();
  assert.deepEqual(h.calls.filter((call) => call.startsWith("disconnect")).sort(), [
    "disconnect 1",
    "disconnect 2",
  ]);
  assert.deepEqual(h.calls.filter((call) => call.startsWith("hold")), ["hold 1"]);
});

test("a connection that never sent a command is no identity: no hooks at all", async () => {
  const h = new SessionHarness(1000);
  const a = await h.connect();
  await a.client.events.end();
  h.clock.advance(5000);
  await h.settle();
  assert.deepEqual(h.calls, []);
  assert.deepEqual((await h.resume(a.token))[1][0], CANNOT);
});

test("only a first command resumes; a later resume is refused and never reaches the game", async () => {
  const h = new SessionHarness(1000);
  const a = await h.join();
  await a.client.events.end();
  const b = await h.join();
  await b.client.send({ code: "resume", token: a.token });
  assert.deepEqual(b.client.takeCommands(), [CANNOT]);
  assert.ok(!h.calls.includes("command 2 resume"));
  assert.equal((await h.resume(a.token))[1][0].success, true); // the token was not used up
});

test("resume attempts are rate limited server-wide, alike for good and bad tokens", async () => {
  const h = new SessionHarness(60_000, { resumesPerSecond: 1, resumeBurst: 2 });
  const a = await h.join();
  await a.client.events.end();
  assert.deepEqual((await h.resume("guess-1"))[1][0], CANNOT);
  assert.deepEqual((await h.resume("guess-2"))[1][0], CANNOT);
  assert.deepEqual((await h.resume(a.token))[1][0], CANNOT); // over the rate
  h.clock.advance(1000);
  assert.equal((await h.resume(a.token))[1][0].success, true);
});

test("without holdMs the wire carries no session, and resume or leave are the game's", async () => {
  const { harness } = lobbyHarness();
  const a = await harness.connect();
  assert.deepEqual(a.take(), [[{ welcome: 1 }]]);
  const seen: string[] = [];
  const plain = new Harness(loggingEcho(seen));
  const b = await plain.connect();
  await b.send([{ code: "resume", token: "x" }, { code: "leave" }]);
  assert.deepEqual(seen, ["resume", "leave"]);
  assert.equal(b.closed, false);
});

test("the session book refuses a hold that is not a positive number", () => {
  for (const holdMs of [0, -1, NaN, Infinity]) {
    assert.throws(
      () =>
        new SessionBook({
          holdMs,
          clock: new ManualClock(),
          random: countingRandom(1),
          resumesPerSecond: 0,
          resumeBurst: 0,
        }),
      RangeError,
    );
  }
});

function loggingEcho(seen: string[]) {
  return new Application({
    storage: null,
    defaultController: {
      handleCommand: (command) => (seen.push(String(command.code)), []),
    },
  });
}

test("with sessions, a command without a string code goes to the application with the rest of its read", async () => {
  const h = new SessionHarness();
  const a = await h.connect();
  await a.client.sendText(
    '[{"key":"x"},{"code":"say","text":"b"}]\0{"code":5}\0{"code":"say","text":"c"}\0',
  );
  await h.settle();
  // The session layer screens for resume and leave; what has no verb is the game's to refuse.
  assert.deepEqual(h.calls, [
    "connect 1",
    "command 1 undefined",
    "command 1 say",
    "command 1 5",
    "command 1 say",
  ]);
  assert.deepEqual(a.client.take(), [
    [{ code: "welcome", index: 1 }],
    [{ code: "ok" }],
    [{ code: "say", from: 1, text: "b" }],
    [{ code: "ok" }],
    [{ code: "say", from: 1, text: "c" }],
  ]);
});

test("a room's broadcast after a resume reaches the resumed connection, and the old one never", async () => {
  const h = new SessionHarness(1000);
  // Enough members for the server to look the audience up once and keep it (AudienceCache).
  const members = [];
  for (let k = 0; k < 10; k++) members.push(await h.join());
  const [a, b] = members;
  await b.client.send({ code: "say", text: "one" });
  await a.client.events.end();
  await h.settle();
  await b.client.send({ code: "say", text: "two" });
  const [c] = await h.resume(a.token);
  a.client.take();
  await b.client.send({ code: "say", text: "three" });
  assert.deepEqual(c.takeCommands(), [{ code: "say", from: 2, text: "three" }]);
  assert.deepEqual(a.client.take(), [], "the old connection is sent nothing");
  for (const member of members.slice(2)) {
    assert.deepEqual(member.client.takeCommands().filter((command) => command.code === "say"), [
      { code: "say", from: 2, text: "one" },
      { code: "say", from: 2, text: "two" },
      { code: "say", from: 2, text: "three" },
    ]);
  }
});

test("a broadcast between a new connection's arrival and its resume does not hide the resumed index", async () => {
  const h = new SessionHarness(1000);
  // Enough members for the server to look the audience up once and keep it (AudienceCache).
  const members = [];
  for (let k = 0; k < 10; k++) members.push(await h.join());
  const [a, b] = members;
  await a.client.events.end();
  await h.settle();
  const { client: c } = await h.connect();
  // Looked up after the new connection registered and before it takes the old index over:
  // the resume replaces the entry under that index, which must drop what was looked up.
  await b.client.send({ code: "say", text: "one" });
  await c.send({ code: "resume", token: a.token });
  await h.settle();
  c.take();
  await b.client.send({ code: "say", text: "two" });
  assert.deepEqual(c.takeCommands(), [{ code: "say", from: 2, text: "two" }]);
});
