/**
 * The rooms game's model hands out shared, frozen lists of who is where: after any sequence
 * of connects, disconnects, joins and leaves, every list it gives is the truth of that moment.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { RoomModel } from "../examples/rooms/mod.ts";
import { Fuzz } from "./helpers/fuzz_random.ts";

/** The same facts kept the plain way: who is connected, in order, and where each one is. */
class PlainRooms {
  readonly connected: number[] = [];
  readonly roomOf = new Map<number, string>();
  members(room: string): number[] {
    // In the order they joined: the order of the Map's entries, as joins re-insert.
    return [...this.roomOf].filter(([, at]) => at === room).map(([index]) => index);
  }
}

test("room model: every list it hands out is who is there now, in join order", () => {
  const fuzz = new Fuzz(2026);
  const model = new RoomModel();
  const plain = new PlainRooms();
  const rooms = ["a", "b", "__proto__", ""];
  let next = 1;
  for (let step = 0; step < 3000; step++) {
    const someone = plain.connected.length > 0 ? fuzz.pick(plain.connected) : undefined;
    const roll = fuzz.int(0, 9);
    if (roll < 2 || someone === undefined) {
      model.connect(next);
      plain.connected.push(next++);
    } else if (roll < 3) {
      model.disconnect(someone);
      plain.connected.splice(plain.connected.indexOf(someone), 1);
      plain.roomOf.delete(someone);
    } else if (roll < 7) {
      const room = fuzz.pick(rooms);
      model.join(someone, room);
      if (plain.roomOf.get(someone) !== room) {
        plain.roomOf.delete(someone);
        plain.roomOf.set(someone, room);
      }
    } else {
      model.leave(someone);
      plain.roomOf.delete(someone);
    }
    assert.deepEqual(model.connected(), plain.connected, `step ${step}: connected`);
    for (const room of rooms) {
      assert.deepEqual(model.members(room), plain.members(room), `step ${step}: room ${room}`);
    }
    for (const index of plain.connected) {
      const room = plain.roomOf.get(index);
      const expected = room === undefined ? plain.connected : plain.members(room);
      assert.deepEqual(model.audienceOf(index), expected, `step ${step}: audience of ${index}`);
    }
  }
});

test("room model: a list is shared until its room changes, and nobody can change it", () => {
  const model = new RoomModel();
  for (const index of [1, 2, 3]) model.connect(index);
  model.join(1, "a");
  model.join(2, "a");
  const before = model.members("a");
  assert.equal(model.members("a"), before, "the same list while nothing changed");
  assert.equal(model.audienceOf(1), before);
  assert.ok(Object.isFrozen(before));
  assert.throws(() => (before as number[]).push(3));
  model.join(3, "b"); // another room: this one's list stands
  assert.equal(model.members("a"), before);
  const everyone = model.connected();
  model.connect(4);
  assert.deepEqual(everyone, [1, 2, 3], "a list handed out before a change stays as it was");
  assert.deepEqual(model.connected(), [1, 2, 3, 4]);
  model.leave(2);
  assert.deepEqual(before, [1, 2]);
  assert.deepEqual(model.members("a"), [1]);
  assert.deepEqual(model.members("nowhere"), []);
});
