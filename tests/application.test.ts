import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Application,
  type Command,
  CommandError,
  type Controller,
  createLogger,
  deliver,
  type Result,
} from "../mod.ts";

/** A controller that answers the sender with its own name, and records its hooks. */
function named(name: string, hooks: string[] = []): Controller<unknown> {
  return {
    handleCommand: (command, { index }) => deliver([index], { ...command, by: name }),
    onConnect: ({ index }) => {
      hooks.push(`${name} connect ${index}`);
      return deliver([index], { hello: name });
    },
    onDisconnect: ({ index }) => {
      hooks.push(`${name} disconnect ${index}`);
      return [];
    },
  };
}

test("commands are routed by key, else to the default controller", async () => {
  const app = new Application({
    storage: null,
    controllers: { chess: named("chess"), cards: named("cards") },
    defaultController: named("default"),
  });
  const result = await app.handleCommands(7, [
    { code: "move", key: "chess" },
    { code: "deal", key: "cards" },
    { code: "get", key: "other" },
    { code: "get" },
  ]);
  assert.deepEqual(result, [
    [[7], [{ code: "move", key: "chess", by: "chess" }]],
    [[7], [{ code: "deal", key: "cards", by: "cards" }]],
    [[7], [{ code: "get", key: "other", by: "default" }]],
    [[7], [{ code: "get", by: "default" }]],
  ]);
});

test("keys that name Object.prototype members reach no hidden method", async () => {
  const app = new Application({ storage: null, controllers: { chess: named("chess") } });
  for (const key of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
    const result = await app.handleCommands(1, [{ code: "get", key }]);
    assert.deepEqual(result, [[[1], [{ error: "no controller for this key", code: "get", key }]]]);
  }
});

test("a controller that throws answers only the sender; the batch goes on", async () => {
  const lines: string[] = [];
  const failing: Controller<unknown> = {
    handleCommand(command) {
      if (command.code === "bad") throw new CommandError("bad move");
      if (command.command === "bug") throw new TypeError("secret internals");
      return deliver([1, 2, 3], command);
    },
  };
  const app = new Application({
    storage: null,
    defaultController: failing,
    logger: createLogger({ level: "error", write: (line) => lines.push(line) }),
  });
  const result = await app.handleCommands(2, [
    { code: "ok", key: "a" },
    { code: "bad", key: "a" },
    { command: "bug", key: "b" },
    { code: "ok", key: "c" },
  ]);
  assert.deepEqual(result, [
    [[1, 2, 3], [{ code: "ok", key: "a" }]],
    [[2], [{ error: "bad move", code: "bad", key: "a" }]],
    [[2], [{ error: "internal error", command: "bug", key: "b" }]],
    [[1, 2, 3], [{ code: "ok", key: "c" }]],
  ]);
  assert.equal(lines.length, 1, "only the unexpected error is logged");
  assert.match(lines[0], /controller failed index=2 reason="secret internals"/);
});

test("an async controller is awaited in order", async () => {
  const order: string[] = [];
  const slow: Controller<unknown> = {
    async handleCommand(command: Command): Promise<Result> {
      await new Promise((resolve) => queueMicrotask(() => resolve(null)));
      order.push(String(command.code));
      return [];
    },
  };
  const app = new Application({ storage: null, defaultController: slow });
  await app.handleCommands(1, [{ code: "a" }, { code: "b" }, { code: "c" }]);
  assert.deepEqual(order, ["a", "b", "c"]);
});

test("hooks run once on every distinct controller; one that throws does not stop the rest", async () => {
  const hooks: string[] = [];
  const shared = named("shared", hooks);
  const broken: Controller<unknown> = {
    handleCommand: () => [],
    onDisconnect: () => {
      throw new Error("boom");
    },
  };
  const app = new Application({
    storage: null,
    controllers: [["a", shared], ["b", shared], ["c", broken]],
    defaultController: named("default", hooks),
  });
  assert.deepEqual(await app.onConnect(4), [
    [[4], [{ hello: "default" }]],
    [[4], [{ hello: "shared" }]],
  ]);
  assert.deepEqual(await app.onDisconnect(4), []);
  assert.deepEqual(hooks, [
    "default connect 4",
    "shared connect 4",
    "default disconnect 4",
    "shared disconnect 4",
  ]);
});

test("controllers share the application's storage", async () => {
  const storage = { count: 0 };
  const counter: Controller<typeof storage> = {
    handleCommand: (_command, context) => {
      context.storage.count++;
      return deliver([context.index], { count: context.storage.count });
    },
  };
  const app = new Application({ storage, controllers: { x: counter, y: counter } });
  await app.handleCommands(1, [{ key: "x" }, { key: "y" }]);
  assert.equal(storage.count, 2);
  assert.equal(app.storage, storage);
});
