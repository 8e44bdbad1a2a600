/**
 * The game under the simulator: many clients on faulty links (delays, split and merged
 * reads, slow readers), one seed deciding everything, and invariants checked over every byte
 * that was delivered. A failing seed prints its violations; rerun that seed to debug it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Application, type Command, deliver } from "zerobyte";
import {
  defaultInvariants,
  formatViolation,
  Random,
  roomIsolation,
  Simulation,
  type SimulationReport,
} from "zerobyte/sim";
import { createGame, type Rooms, roomsController } from "./game.ts";

const ROOMS = ["red", "blue", "green"];

/** One seeded run: a few players join random rooms and talk, some leave early. */
async function play(seed: number, application: Application<Rooms>): Promise<SimulationReport> {
  const random = new Random(seed);
  const sim = new Simulation({
    seed,
    application,
    link: { jitterMs: 3, fragmentRate: 0.3, coalesceRate: 0.3 },
    invariants: [
      ...defaultInvariants(),
      // What is said in a room reaches only the players in that room at the time.
      roomIsolation({
        roomOf: (index) => application.storage.roomOf.get(index),
        tagOf: (command: Command) => typeof command.room === "string" ? command.room : undefined,
      }),
    ],
  });
  for (let n = 0; n < 6; n++) {
    const client = sim.client({ at: random.int(0, 5) });
    let at = 10;
    for (let turn = 0; turn < 5; turn++) {
      if (random.chance(0.4)) client.send(at, { code: "join", room: ROOMS[random.int(0, 2)] });
      client.send(at + 1, { code: "say", text: `hello ${n}.${turn}` });
      at += random.int(2, 15);
    }
    if (random.chance(0.3)) client.abort(at);
    else client.end(at + 5);
  }
  return await sim.run({ shutdownAtMs: 200 });
}

test("twenty seeds keep every invariant", async () => {
  for (let seed = 1; seed <= 20; seed++) {
    const report = await play(seed, createGame());
    assert.ok(report.ok, `seed ${seed}:\n${report.violations.map(formatViolation).join("\n")}`);
  }
});

test("the invariants catch a game that says everything to everyone", async () => {
  const leaky = new Application<Rooms>({
    storage: { roomOf: new Map() },
    defaultController: {
      ...roomsController,
      // The bug: a say goes to every player in any room, not to the sender's room alone.
      handleCommand(command, context) {
        const room = context.storage.roomOf.get(context.index);
        if (command.code !== "say" || room === undefined) {
          return roomsController.handleCommand(command, context);
        }
        const everyone = [...context.storage.roomOf.keys()];
        return deliver(everyone, { code: "said", room, from: context.index, text: command.text });
      },
    },
  });
  let caught = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const report = await play(seed, leaky);
    if (report.violations.some((violation) => violation.invariant === "room isolation")) caught++;
  }
  assert.ok(caught > 0, "no seed caught the leak");
});
