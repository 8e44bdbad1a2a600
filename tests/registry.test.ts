/**
 * The connection registry's generation: what the server's audience cache checks before it
 * trusts a connection it looked up earlier, so every change of an index's entry must move it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Registry } from "../src/core/registry.ts";

test("the generation moves on when an index is added, replaced or deleted, and only then", () => {
  const registry = new Registry<{ readonly index: number; name: string }>();
  const seen = [registry.generation];
  const step = () => {
    const now = registry.generation;
    assert.notEqual(now, seen.at(-1));
    seen.push(now);
  };
  registry.add((index) => ({ index, name: "a" }));
  step();
  registry.add((index) => ({ index, name: "b" }));
  step();
  registry.put({ index: 1, name: "a, resumed" }); // a resume takes an index over
  step();
  assert.equal(registry.get(1)?.name, "a, resumed");
  registry.delete(2);
  step();
  const before = registry.generation;
  registry.get(1);
  registry.has(2);
  assert.equal(registry.generation, before, "reading changes nothing");
});
