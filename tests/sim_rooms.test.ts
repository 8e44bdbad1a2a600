/**
 * The rooms example under the simulator, and the scenario the README shows a newcomer.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Application, deliver } from "../mod.ts";
import { createRoomsApplication } from "../examples/rooms/mod.ts";
import { defaultInvariants, formatViolation, hiddenInformation, Simulation } from "../sim/mod.ts";
import { roomsInvariants } from "../sim/scenarios/swarm_app.ts";
import { assertClean } from "./helpers/sim_apps.ts";

test("rooms example: what is said in a room stays there, and a private room keeps its secret", async () => {
  for (let seed = 1; seed <= 5; seed++) {
    const application = createRoomsApplication();
    const { rooms } = application.storage;
    const secrets = new Map<string, string>();
    const sim: Simulation = new Simulation({
      seed,
      application,
      link: { fragmentRate: 0.5, coalesceRate: 0.5, jitterMs: 3, upDelayMs: 2, downDelayMs: 4 },
      invariants: roomsInvariants(rooms, (index) => secrets.get(sim.clientOf(index)?.name ?? "")),
    });
    for (let n = 0; n < 8; n++) {
      const client = sim.client({ at: n });
      const room = n < 4 ? ["red", "blue"][n % 2] : `diary-${client.name}`;
      client.send(10, { code: "goto", key: room });
      for (let k = 0; k < 4; k++) {
        const state = { room, from: client.name, k, text: "héllo 日本" };
        client.send(20 + 3 * k + n, { code: k % 2 ? "save" : "set", key: `${room}-${k}`, state });
      }
      if (n >= 4) {
        secrets.set(client.name, `diary-secret-${seed}-${n}-end`);
        client.send(40, {
          code: "set",
          key: `diary-${n}`,
          state: { secret: secrets.get(client.name)! },
        });
      }
      if (n === 1) client.abort(33);
      if (n === 2) client.end(45);
    }
    const report = await sim.run({ shutdownAtMs: 200 });
    assertClean(report, "rooms example");
    assert.ok(report.deliveries > 50);
  }
});

test("the README's scenario: a dozen lines for your own controller", async () => {
  const secretOf = (index: number) => `card-${index}-secret`;
  const application = new Application({
    storage: null,
    defaultController: {
      onConnect: ({ index }) => deliver([index], { code: "hand", card: secretOf(index) }),
      handleCommand: (command, { index }) => deliver([index], { ...command, ok: true }),
    },
  });
  const sim = new Simulation({
    seed: 1234,
    application,
    link: { fragmentRate: 0.5, jitterMs: 5 },
    invariants: [...defaultInvariants(), hiddenInformation({ secretOf })],
  });
  const alice = sim.client();
  const bob = sim.client({ at: 2, link: { readBytesPerMs: 8 } });
  alice.send(5, { code: "play" }).end(20);
  bob.send(6, { code: "play" }).abort(9);
  const report = await sim.run({ shutdownAtMs: 100 });
  assert.deepEqual(report.violations.map(formatViolation), []);
  assert.deepEqual(alice.messages.map((message) => message.commands?.[0].code), ["hand", "play"]);
});
