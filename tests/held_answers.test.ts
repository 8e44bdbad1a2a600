/**
 * Answers held until what a command waits for (a durable save) settles: a failure is
 * answered to its sender with the command's error, in turn order, even when the command
 * answered nothing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Application, type Controller, deliver } from "../mod.ts";
import { Harness } from "./helpers/harness.ts";

/**
 * A save that waits for a disk the test fails or lets through; `loud` waits too and tells
 * 1 and 2; `ping` answers at once.
 */
function disk() {
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const controller: Controller<null> = {
    handleCommand(command, { index, hold }) {
      if (command.code === "ping") return deliver([index], { code: "pong" });
      if (command.code === "shout") return deliver([1, 2], { code: "shout", by: index });
      hold?.(new Promise<void>((resolve, reject) => pending.push({ resolve, reject })));
      if (command.code === "loud") return deliver([1, 2], { code: "loud", by: index });
      return command.code === "save" ? deliver([index], { code: "saved" }) : [];
    },
  };
  const harness = new Harness(new Application({ storage: null, defaultController: controller }));
  return { harness, pending };
}

/** Lets held answers settle and be written (they are written outside the turns). */
async function heldSettled(harness: Harness<null>): Promise<void> {
  for (let round = 0; round < 3; round++) {
    await harness.settle();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test("a held command that answered nothing still gets its error when the wait fails", async () => {
  const { harness, pending } = disk();
  const player = await harness.connect();
  void player.send({ code: "store", key: "k" });
  await heldSettled(harness);
  assert.deepEqual(player.take(), []);
  pending[0].reject(new Error("disk full"));
  await heldSettled(harness);
  assert.deepEqual(player.take(), [[{ error: "internal error", code: "store", key: "k" }]]);
});

test("that error comes before what later turns send the sender, in turn order", async () => {
  const { harness, pending } = disk();
  const player = await harness.connect();
  const other = await harness.connect();
  void player.send({ code: "store", key: "k" });
  void player.send({ code: "ping" });
  void other.send({ code: "shout" });
  await heldSettled(harness);
  assert.deepEqual(other.take(), [[{ code: "shout", by: 2 }]]);
  assert.deepEqual(player.take(), [], "later turns wait for the held answer before them");
  pending[0].reject(new Error("disk full"));
  await heldSettled(harness);
  assert.deepEqual(player.take(), [
    [{ error: "internal error", code: "store", key: "k" }],
    [{ code: "shout", by: 2 }],
    [{ code: "pong" }],
  ]);
});

test("a held answer that succeeds is sent, and a silent one sends nothing", async () => {
  const { harness, pending } = disk();
  const player = await harness.connect();
  void player.send([{ code: "save" }, { code: "store" }]);
  await heldSettled(harness);
  assert.deepEqual(player.take(), []);
  for (const { resolve } of pending) resolve();
  await heldSettled(harness);
  assert.deepEqual(player.take(), [[{ code: "saved" }]]);
});

test("a broadcast that reaches a held connection does not hold its sender's next turns", async () => {
  const { harness, pending } = disk();
  const player = await harness.connect();
  const other = await harness.connect();
  void player.send({ code: "store", key: "k" });
  await heldSettled(harness);
  void other.send({ code: "shout" });
  void other.send({ code: "ping" });
  await heldSettled(harness);
  // The shout waits for the player's save on the player's side only.
  assert.deepEqual(other.take(), [[{ code: "shout", by: 2 }], [{ code: "pong" }]]);
  pending[0].resolve();
  await heldSettled(harness);
  assert.deepEqual(player.take(), [[{ code: "shout", by: 2 }]]);
});

test("a silent held command that fails is answered in its place in its message", async () => {
  const { harness, pending } = disk();
  const player = await harness.connect();
  void player.send([{ code: "store", key: "k" }, { code: "ping" }]);
  await heldSettled(harness);
  assert.deepEqual(player.take(), [], "the pong waits for the held answer before it");
  pending[0].reject(new Error("disk full"));
  await heldSettled(harness);
  assert.deepEqual(player.take(), [
    [{ error: "internal error", code: "store", key: "k" }],
    [{ code: "pong" }],
  ]);
});

test("a connection that ends with replies held behind a held broadcast still gets them", async () => {
  const { harness, pending } = disk();
  const player = await harness.connect();
  const other = await harness.connect();
  void other.send({ code: "loud" });
  await heldSettled(harness);
  void player.send({ code: "ping" });
  void player.events.end();
  await heldSettled(harness);
  assert.equal(player.closed, false, "the end waits for the replies held before it");
  pending[0].resolve();
  await heldSettled(harness);
  assert.deepEqual(player.take(), [[{ code: "loud", by: 2 }], [{ code: "pong" }]]);
  assert.equal(player.closed, true);
});

test("a connection that ends still gets a broadcast held behind another's save", async () => {
  const { harness, pending } = disk();
  const player = await harness.connect();
  const slow = await harness.connect();
  const shouter = await harness.connect();
  void player.send({ code: "save" });
  void slow.send({ code: "save" });
  await heldSettled(harness);
  void shouter.send({ code: "shout" }); // to 1 and 2: both wait for their saves
  await heldSettled(harness);
  pending[0].resolve();
  await heldSettled(harness);
  void player.events.end(); // it half-closes: it still reads what it is owed
  await heldSettled(harness);
  pending[1].resolve();
  await heldSettled(harness);
  assert.deepEqual(player.take(), [[{ code: "saved" }], [{ code: "shout", by: 3 }]]);
  assert.equal(player.closed, true);
});
