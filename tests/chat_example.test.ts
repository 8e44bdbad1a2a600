import { test } from "node:test";
import assert from "node:assert/strict";
import { Application } from "../mod.ts";
import { chat } from "../examples/chat/chat.ts";
import { Harness } from "./helpers/harness.ts";

test("the README's chat: everyone hears a say; joins and leaves are announced", async () => {
  const harness = new Harness(
    new Application({ storage: { members: new Set<number>() }, defaultController: chat }),
  );
  const ann = await harness.connect();
  const bob = await harness.connect();
  assert.deepEqual(ann.take(), [[{ code: "joined", index: 1 }], [{ code: "joined", index: 2 }]]);
  await bob.send({ code: "say", text: "hi" });
  await ann.send({ code: "shout" });
  assert.deepEqual(ann.take(), [
    [{ code: "said", from: 2, text: "hi" }],
    [{ error: "unknown code", code: "shout" }],
  ]);
  await bob.events.end();
  assert.deepEqual(ann.take(), [[{ code: "left", index: 2 }]]);
});
