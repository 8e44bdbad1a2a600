/**
 * The rooms protocol of ../shared/protocol.md through the real server core: codes, spellings,
 * routing, rooms, and the defects of the original that must not come back.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Command, createLogger } from "../mod.ts";
import { fileNameForKey, FileStore } from "../src/store/file_store.ts";
import { enterRooms, everyone, roomsHarness, takeWire, whoReceived } from "./helpers/rooms.ts";
import { withTempDir } from "./helpers/temp_dir.ts";

test("every example of protocol.md, byte for byte", async () => {
  const { clients: [client] } = await roomsHarness(1);
  const exchange = async (text: string) => {
    await client.sendText(text);
    return takeWire(client);
  };
  const examples = [
    ['{"code":"goto","key":"dresser"}', '[{"code":"goto","key":"dresser","success":true}]'],
    [
      '{"code":"get","key":"dresser"}',
      '[{"code":"get","key":"dresser","success":true,"state":null}]',
    ],
    [
      '{"code":"save","key":"dresser","state":[1,2,3]}',
      '[{"code":"save","key":"dresser","state":[1,2,3],"success":true}]',
    ],
    [
      '{"code":"update","key":"dresser","index":5,"value":7}',
      '[{"code":"update","key":"dresser","index":5,"value":7,"success":true}]',
    ],
  ];
  for (const [request, reply] of examples) {
    assert.equal(await exchange(request + "\0"), reply + "\0");
  }
  await client.sendText(
    '[{"code":"get","key":"a"},{"code":"load","key":"b"}]\0' +
      '{"code":"set","key":"c","state":{"x":1}}\0',
  );
  assert.equal(client.chunks.length, 3, "three replies, one message each");
  assert.equal(
    takeWire(client),
    '[{"code":"get","key":"a","success":true,"state":null}]\0' +
      '[{"code":"load","key":"b","success":true,"state":null}]\0' +
      '[{"code":"set","key":"c","state":{"x":1},"success":true}]\0',
  );
  assert.equal(await exchange('{"code":"get",'), "", "half a message answers nothing yet");
  assert.equal(
    await exchange(' "key":"dresser"}\0'),
    '[{"code":"get","key":"dresser","success":true,"state":[1,2,3,0,0,7]}]\0',
  );
});

for (const field of ["code", "command"]) {
  test(`every code with the verb in "${field}"`, async () => {
    const { clients: [client] } = await roomsHarness(1);
    const ask = async (verb: string, rest: Command, answer: Command) => {
      const request = { [field]: verb, ...rest };
      await client.send(request);
      assert.deepEqual(client.take(), [[{ ...request, ...answer }]], `${verb} ${rest.key}`);
    };
    await ask("goto", { key: "room" }, { success: true });
    await ask("goto", { key: "room" }, { success: false });
    await ask("get", { key: "k" }, { success: true, state: null });
    await ask("save", { key: "k", state: [1] }, { success: true });
    await ask("load", { key: "k" }, { success: true, state: [1] });
    await ask("set", { key: "k", state: { a: 1 } }, { success: true });
    await ask("get", { key: "k" }, { success: true, state: { a: 1 } });
    await ask("update", { key: "list", index: 1, value: 9 }, { success: true });
    await ask("load", { key: "list" }, { success: true, state: [0, 9] });
  });
}

test("code wins over command when a command has both", async () => {
  const { clients: [client] } = await roomsHarness(1);
  await client.send({ code: "get", command: "save", key: "k", state: 1 });
  assert.deepEqual(client.takeCommands(), [
    { code: "get", command: "save", key: "k", state: null, success: true },
  ]);
});

test("routing: save and update reach the room, get the sender, no room reaches everyone", async () => {
  const { clients } = await roomsHarness(4);
  const [a1, a2, b1, loner] = clients;
  assert.deepEqual(await enterRooms(clients, "a", "a", "b"), [a1.index, a2.index, b1.index]);

  await a1.send({ code: "save", key: "s", state: 1 });
  assert.deepEqual(whoReceived(clients), [a1.index, a2.index]);
  await a2.send({ code: "update", key: "u", index: 0, value: 1 });
  assert.deepEqual(whoReceived(clients), [a1.index, a2.index]);
  await b1.send({ code: "set", key: "s", state: 2 });
  assert.deepEqual(whoReceived(clients), [b1.index]);
  await a1.send({ code: "get", key: "s" });
  assert.deepEqual(whoReceived(clients), [a1.index]);
  await b1.send({ code: "load", key: "s" });
  assert.deepEqual(whoReceived(clients), [b1.index]);

  await loner.send({ code: "save", key: "s", state: 3 });
  assert.deepEqual(whoReceived(clients), everyone(clients));
  await loner.send({ code: "update", key: "u", index: 1, value: 2 });
  assert.deepEqual(whoReceived(clients), everyone(clients));
});

test("goto elsewhere leaves the old room", async () => {
  const { clients, rooms } = await roomsHarness(3);
  const [a1, a2, b1] = clients;
  await enterRooms(clients, "a", "a", "b");
  await a2.send({ code: "goto", key: "b" });
  assert.deepEqual(a2.takeCommands(), [{ code: "goto", key: "b", success: true }]);
  assert.deepEqual(whoReceived(clients), [], "goto answers the sender only");
  assert.deepEqual(rooms.members("a"), [a1.index]);
  assert.deepEqual(rooms.members("b"), [b1.index, a2.index]);

  await a1.send({ code: "save", key: "k", state: 1 });
  assert.deepEqual(whoReceived(clients), [a1.index]);
  await b1.send({ code: "save", key: "k", state: 2 });
  assert.deepEqual(whoReceived(clients), [a2.index, b1.index]);
});

test("disconnect removes the connection from its room and from the connected list", async () => {
  const { harness, clients, rooms } = await roomsHarness(3);
  const [a1, a2, loner] = clients;
  await enterRooms(clients, "a", "a");
  assert.deepEqual(rooms.connected(), everyone(clients));
  await a2.events.end();
  await harness.settle();
  assert.deepEqual(rooms.members("a"), [a1.index]);
  assert.equal(rooms.roomOf(a2.index), undefined);
  assert.deepEqual(rooms.connected(), [a1.index, loner.index]);
  whoReceived(clients);

  await a1.send({ code: "save", key: "k", state: 1 });
  await loner.send({ code: "save", key: "k", state: 2 });
  assert.deepEqual(whoReceived(clients), [a1.index, loner.index]);
  await a1.events.end();
  await harness.settle();
  assert.deepEqual(rooms.rooms(), [], "an emptied room is forgotten");
});

test("defect 5: update goes to the sender's room, whatever the list index", async () => {
  const { clients } = await roomsHarness(3);
  const [a1, a2, b1] = clients;
  await enterRooms(clients, "a", "a", "b");
  // Each list index names another connection, whose room the original echoed to.
  await b1.send({ code: "update", key: "u", index: a1.index, value: 1 });
  assert.deepEqual(whoReceived(clients), [b1.index]);
  await a1.send({ code: "update", key: "u", index: b1.index, value: 1 });
  assert.deepEqual(whoReceived(clients), [a1.index, a2.index]);
});

test("defect 6: a method name as the verb calls nothing", async () => {
  const { clients, rooms } = await roomsHarness(2);
  const [sender, other] = clients;
  await enterRooms(clients, "r", "r");
  const verbs = ["constructor", "__proto__", "toString", "valueOf", "hasOwnProperty", "then"];
  for (const verb of [...verbs, "handleCommand", "onConnect", "onDisconnect"]) {
    await sender.send({ code: verb, key: "r" });
    assert.equal(
      takeWire(sender),
      JSON.stringify([{ error: "unknown code", code: verb, key: "r" }]) + "\0",
    );
    assert.deepEqual(whoReceived([other]), [], verb);
  }
  assert.equal(rooms.roomOf(sender.index), "r", "onDisconnect was not run");
  assert.deepEqual(rooms.connected(), [sender.index, other.index]);
  await sender.send({ command: "get", key: "r" });
  assert.equal(takeWire(sender), '[{"command":"get","key":"r","success":true,"state":null}]\0');
});

test("defect 6: keys cannot reach outside the file store's directory", async () => {
  await withTempDir(async (base) => {
    const directory = join(base, "data");
    const store = new FileStore(directory, { sync: false });
    const { clients: [client] } = await roomsHarness(1, { store });
    const keys = ["x/../../evil", "../evil", "..", "/", "\\", "", "C:\\evil", "%2e%2e%2fevil"];
    for (const key of keys) await client.send({ code: "save", key, state: key });
    for (const key of keys) await client.send({ code: "get", key });
    const replies = client.takeCommands().slice(keys.length);
    assert.deepEqual(replies.map((reply) => reply.state), keys);
    assert.deepEqual(await readdir(base), ["data"]);
    assert.deepEqual((await readdir(directory)).sort(), keys.map(fileNameForKey).sort());

    await client.send({ code: "save", key: "k".repeat(1000), state: 1 });
    const [error] = client.takeCommands();
    assert.match(String(error.error), /key is too long/, "the client learns why");
  });
});

test("defect 7: room names and keys never collide with the framework's own data", async () => {
  const { clients, rooms } = await roomsHarness(4);
  const [p1, p2, c1, loner] = clients;
  const names = ["indexes", "__proto__", "constructor", "rooms", "connected", "hasOwnProperty"];
  for (const name of names) {
    await loner.send({ code: "goto", key: name });
    assert.deepEqual(loner.takeCommands(), [{ code: "goto", key: name, success: true }]);
    await loner.send({ code: "save", key: name, state: { polluted: name } });
    await loner.send({ code: "get", key: name });
    assert.deepEqual(loner.takeCommands().at(-1)?.state, { polluted: name });
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  await enterRooms(clients, "__proto__", "__proto__", "constructor", "indexes");
  await p1.send({ code: "save", key: "indexes", state: 1 });
  assert.deepEqual(whoReceived(clients), [p1.index, p2.index]);
  await c1.send({ code: "update", key: "__proto__", index: 0, value: 1 });
  assert.deepEqual(whoReceived(clients), [c1.index]);
  assert.deepEqual(rooms.rooms().sort(), ["__proto__", "constructor", "indexes"]);
  assert.deepEqual(rooms.connected(), everyone(clients));
});

test("defect 8: save answers a real true, and update of a missing key stores the list", async () => {
  const { clients: [client] } = await roomsHarness(1);
  await client.send({ code: "save", key: "s", state: null });
  assert.equal(takeWire(client), '[{"code":"save","key":"s","state":null,"success":true}]\0');
  await client.send({ code: "update", key: "fresh", index: 2, value: 5 });
  assert.equal(
    takeWire(client),
    '[{"code":"update","key":"fresh","index":2,"value":5,"success":true}]\0',
  );
  await client.send({ code: "get", key: "fresh" });
  assert.deepEqual(client.takeCommands()[0].state, [0, 0, 5]);
});

test("defect 8: update takes only an integer index from 0 to below the maximum", async () => {
  const { clients } = await roomsHarness(2, { maxListLength: 10 });
  const [client, other] = clients;
  await client.send({ code: "save", key: "list", state: [1] });
  whoReceived(clients);
  const bad = [-1, 1.5, true, "3", null, 1e9, 10, [], {}];
  for (const index of bad) {
    await client.send({ code: "update", key: "list", index, value: 7 });
    const [reply] = client.takeCommands();
    assert.equal(typeof reply.error, "string", `index ${JSON.stringify(index)} is rejected`);
    assert.deepEqual(whoReceived([other]), [], "the room hears nothing");
  }
  await client.send({ code: "update", key: "list", value: 7 });
  assert.deepEqual(client.takeCommands(), [
    { error: "index is required", code: "update", key: "list" },
  ]);
  await client.send({ code: "update", key: "list", index: 0 });
  assert.deepEqual(client.takeCommands(), [
    { error: "value is required", code: "update", key: "list" },
  ]);
  await client.send({ code: "get", key: "list" });
  assert.deepEqual(client.takeCommands()[0].state, [1], "nothing was written");
  await client.send({ code: "update", key: "list", index: 9, value: 7 });
  await client.send({ code: "get", key: "list" });
  assert.deepEqual(client.takeCommands()[1].state, [1, 0, 0, 0, 0, 0, 0, 0, 0, 7]);
});

test("update of a state that is not a list is an error and changes nothing", async () => {
  const { clients: [client] } = await roomsHarness(1);
  await client.send({ code: "save", key: "k", state: { a: 1 } });
  await client.send({ code: "update", key: "k", index: 0, value: 1 });
  await client.send({ code: "get", key: "k" });
  const [, error, got] = client.takeCommands();
  assert.deepEqual(error, {
    error: "the state under this key is not a list",
    code: "update",
    key: "k",
  });
  assert.deepEqual(got.state, { a: 1 });
});

test("bad fields: key must be a string, save needs a state, the verb must be known", async () => {
  const { clients: [client] } = await roomsHarness(1);
  const cases: [Command, string][] = [
    [{ code: "get", key: 5 }, "key must be a string"],
    [{ code: "get", key: null }, "key must be a string"],
    [{ code: "goto" }, "key must be a string"],
    [{ code: "save", key: "k" }, "state is required"],
    [{ code: 7, key: "k" }, "code must be a string"],
    [{ key: "k" }, "missing code"],
    [{ code: "GOTO", key: "k" }, "unknown code"],
  ];
  for (const [request, message] of cases) {
    await client.send(request);
    // Each request holds only fields an error echoes: code, command, key.
    assert.deepEqual(client.takeCommands(), [{ error: message, ...request }]);
  }
});

test("defect 1: a bad command in the middle of a batch spoils nothing around it", async () => {
  const { clients: [client] } = await roomsHarness(1);
  await client.send([
    { code: "save", key: "a", state: 1 },
    { code: "update", key: "a", index: 0, value: 1 },
    { code: "toString", key: "a" },
    { code: "save", key: "b", state: 2 },
  ]);
  assert.deepEqual(client.take(), [
    [{ code: "save", key: "a", state: 1, success: true }],
    [{ error: "the state under this key is not a list", code: "update", key: "a" }],
    [{ error: "unknown code", code: "toString", key: "a" }],
    [{ code: "save", key: "b", state: 2, success: true }],
  ]);
  await client.send([{ code: "get", key: "a" }, { code: "get", key: "b" }]);
  assert.deepEqual(client.takeCommands().map((reply) => reply.state), [1, 2]);
});

test("a corrupt state file is an internal error for that command, logged, not a crash", async () => {
  await withTempDir(async (directory) => {
    const lines: string[] = [];
    const logger = createLogger({ level: "error", write: (line) => lines.push(line) });
    const store = await FileStore.open(directory, { sync: false });
    const { clients: [client] } = await roomsHarness(1, { store, logger });
    await writeFile(join(directory, fileNameForKey("broken")), '{"half":');
    await client.send([{ code: "get", key: "broken" }, { code: "get", key: "fine" }]);
    assert.deepEqual(client.takeCommands(), [
      { error: "internal error", code: "get", key: "broken" },
      { code: "get", key: "fine", success: true, state: null },
    ]);
    assert.match(lines.join("\n"), /corrupt state file/);
    await client.send({ code: "save", key: "broken", state: "mended" });
    await client.send({ code: "get", key: "broken" });
    assert.equal(client.takeCommands()[1].state, "mended");
  });
});
