/**
 * The invariants library: a clean run passes every invariant, and each invariant flags the
 * fault it is for, planted in a small application or send path of the test's own.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Application,
  type Command,
  type Controller,
  deliver,
  type DeliverPath,
  deliverResult,
  type Index,
  MemoryStore,
} from "../mod.ts";
import { createRoomsController, RoomModel, type RoomsStorage } from "../examples/rooms/mod.ts";
import {
  bufferBounds,
  defaultInvariants,
  hiddenInformation,
  hookPairs,
  noEscapedErrors,
  perIndexDelivery,
  replyAccounting,
  roomIsolation,
  Simulation,
} from "../sim/mod.ts";
import { sequentialDrainSend } from "../sim/scenarios/planted.ts";
import { roomTag } from "../sim/scenarios/swarm_app.ts";
import { assertClean, brokenInvariants, type Lobby, lobbyApplication } from "./helpers/sim_apps.ts";

const secretOf = (index: Index) => `secret-${index * 7919}-of-${index}-end`;

/** The lobby, with a secret per index, told to it on connect; `leak` also tells everyone. */
function secretLobby(leak: boolean) {
  const application = lobbyApplication(undefined, {
    onConnect({ index, storage }) {
      storage.connected.add(index);
      return deliver([index], { code: "secret", secret: secretOf(index) });
    },
    handleCommand(command: Command, { index, storage }) {
      const hint = leak ? secretOf(index) : secretOf(index).length;
      return deliver([...storage.connected], { ...command, from: index, hint });
    },
  });
  return { application, invariants: [...defaultInvariants(), hiddenInformation({ secretOf })] };
}

test("a clean run under every kind of link fault breaks no invariant", async () => {
  const { application, invariants } = secretLobby(false);
  const sim = new Simulation({
    seed: 31,
    application,
    invariants,
    link: {
      fragmentRate: 0.5,
      coalesceRate: 0.5,
      jitterMs: 5,
      windowBytes: 200,
      readBytesPerMs: 20,
    },
  });
  for (let n = 0; n < 5; n++) sim.client({ at: n }).send(10 + n, { code: "say", text: "héllo", n });
  assertClean(await sim.run({ shutdownAtMs: 500 }));
});

test("per-index delivery flags a delivery written twice", async () => {
  const twice: DeliverPath = (result, target) =>
    deliverResult([...result, ...result.slice(-1)], target);
  const sim = new Simulation({ seed: 32, application: lobbyApplication(), deliver: twice });
  sim.client().send(5, { code: "ping" });
  const report = await sim.run({ shutdownAtMs: 50 });
  assert.deepEqual(brokenInvariants(report), ["per-index delivery"]);
  assert.match(report.violations[0].message, /addressed nothing more|repeat/);
});

test("concurrent drain flags a send path that drains one recipient after another", async () => {
  const sim = new Simulation({
    seed: 33,
    application: lobbyApplication(),
    deliver: sequentialDrainSend,
  });
  const stalled = sim.client({ link: { windowBytes: 32, highWaterMark: 0 } });
  stalled.pauseReading(0).resumeReading(300);
  const fast = sim.client();
  for (let n = 0; n < 4; n++) fast.send(10 + n, { code: "say", n, pad: "p".repeat(30) });
  const report = await sim.run({ shutdownAtMs: 500 });
  assert.deepEqual(brokenInvariants(report), ["concurrent drain"]);
  assert.equal(report.violations[0].client, fast.name);
  // The real send path, same seed, same story: clean.
  const real = new Simulation({ seed: 33, application: lobbyApplication() });
  const again = real.client({ link: { windowBytes: 32, highWaterMark: 0 } });
  again.pauseReading(0).resumeReading(300);
  const fastAgain = real.client();
  for (let n = 0; n < 4; n++) fastAgain.send(10 + n, { code: "say", n, pad: "p".repeat(30) });
  assertClean(await real.run({ shutdownAtMs: 500 }));
});

test("room isolation flags an update echoed to the room of the list index (defect 5)", async () => {
  const real = createRoomsController();
  const buggy: Controller<RoomsStorage> = {
    ...real,
    async handleCommand(command, context) {
      const result = await real.handleCommand(command, context);
      if (command.code !== "update") return result;
      // The original's bug: the list index taken for the connection index.
      const audience = context.storage.rooms.audienceOf(command.index as number);
      return result.map(([, commands]) => [audience, commands] as const);
    },
  };
  for (const controller of [real, buggy]) {
    const storage: RoomsStorage = { rooms: new RoomModel(), store: new MemoryStore() };
    const sim = new Simulation({
      seed: 34,
      application: new Application({ storage, defaultController: controller }),
      invariants: [
        roomIsolation({ roomOf: (index) => storage.rooms.roomOf(index), tagOf: roomTag }),
      ],
    });
    const [a1, a2, b1, b2] = [sim.client(), sim.client(), sim.client(), sim.client()];
    for (const [client, room] of [[a1, "a"], [a2, "a"], [b1, "b"], [b2, "b"]] as const) {
      client.send(5, { code: "goto", key: room });
    }
    a1.send(20, { code: "update", key: "list", index: 3, value: { room: "a", v: 1 } });
    const report = await sim.run({ shutdownAtMs: 100 });
    if (controller === real) assertClean(report, "the real rooms controller");
    else {
      assert.deepEqual(brokenInvariants(report), ["room isolation"]);
      assert.deepEqual(report.violations.map((v) => v.client).sort(), [b1.name, b2.name]);
    }
  }
});

test("hidden information flags a secret that reaches another index, split or not", async () => {
  for (const leak of [false, true]) {
    const { application, invariants } = secretLobby(leak);
    const sim = new Simulation({ seed: 35, application, invariants, link: { fragmentRate: 1 } });
    const [alice, bob] = [sim.client(), sim.client()];
    alice.send(10, { code: "hello" });
    const report = await sim.run({ shutdownAtMs: 100 });
    if (!leak) assertClean(report);
    else {
      assert.deepEqual(brokenInvariants(report), ["hidden information"]);
      assert.equal(report.violations[0].client, bob.name);
    }
  }
});

test("hooks flag a controller that forgets a departed index", async () => {
  const application = lobbyApplication(undefined, { onDisconnect: () => [] });
  const storage: Lobby = application.storage;
  const sim = new Simulation({
    seed: 36,
    application,
    invariants: [hookPairs({ inRoom: (index) => storage.connected.has(index) })],
  });
  sim.client().end(10);
  sim.client().send(50, { code: "say" });
  const report = await sim.run({ shutdownAtMs: 100 });
  assert.deepEqual(brokenInvariants(report), ["hooks"]);
  const messages = report.violations.map((violation) => violation.message).join("\n");
  assert.match(messages, /index 1 is still in a room/);
  assert.match(messages, /the core addressed index 1 after its onDisconnect/);
});

test("no escaped errors flags a failing turn and a failing controller", async () => {
  const cases: { name: string; build: () => Simulation; expect: RegExp }[] = [
    {
      name: "send path that throws",
      build: () =>
        new Simulation({
          seed: 37,
          application: (logger) => lobbyApplication(logger),
          deliver: () => {
            throw new Error("boom in the send path");
          },
        }),
      expect: /turn failed.*boom in the send path/,
    },
    {
      name: "controller that throws",
      build: () =>
        new Simulation({
          seed: 38,
          application: (logger) =>
            lobbyApplication(logger, {
              handleCommand: () => {
                throw new Error("boom in the controller");
              },
            }),
        }),
      expect: /controller failed.*boom in the controller/,
    },
  ];
  for (const { name, build, expect } of cases) {
    const sim = build();
    sim.client().send(5, { code: "ping" });
    const report = await sim.run({ shutdownAtMs: 50 });
    assert.ok(brokenInvariants(report).includes("no escaped errors"), name);
    assert.match(report.violations.map((v) => v.message).join("\n"), expect, name);
  }
});

test("buffer bounds flag an outgoing queue and an unparsed tail over their bounds", async () => {
  const sim = new Simulation({
    seed: 40,
    application: lobbyApplication(),
    invariants: [
      bufferBounds({ maxQueuedBytes: 100, maxTailBytes: 10 }),
      perIndexDelivery(),
      noEscapedErrors(),
    ],
  });
  const stalled = sim.client({ link: { windowBytes: 16, highWaterMark: 1000 } });
  stalled.pauseReading(0);
  const talker = sim.client();
  for (let n = 0; n < 5; n++) talker.send(5 + n, { code: "say", pad: "q".repeat(40) });
  talker.send(20, '{"code":"unfinished"');
  const report = await sim.run({ shutdownAtMs: 100 });
  assert.deepEqual(brokenInvariants(report), ["buffer bounds"]);
  const messages = report.violations.map((v) => `${v.client}: ${v.message}`).join("\n");
  assert.match(
    messages,
    new RegExp(`${stalled.name}: the server queued \\d+ bytes for it \\(bound 100\\)`),
  );
  assert.match(
    messages,
    new RegExp(`${talker.name}: its decoder kept 20 unparsed bytes \\(bound 10\\)`),
  );
});

test("a controller that never answers is reported, and the run still ends", async () => {
  const sim = new Simulation({
    seed: 41,
    application: lobbyApplication(undefined, {
      handleCommand: (command) => command.code === "hang" ? new Promise<never>(() => {}) : [],
    }),
  });
  const client = sim.client();
  client.send(5, { code: "hang" }).send(6, { code: "ping" }).end(10);
  const report = await sim.run({ shutdownAtMs: 50 });
  assert.ok(brokenInvariants(report).includes("no escaped errors"));
  assert.match(report.violations.map((v) => v.message).join("\n"), /did not settle within/);
});

test("reply accounting judges by what was sent: a wrong answer the core addressed faithfully", async () => {
  const run = async (forget: boolean) => {
    const application = new Application({
      storage: null,
      defaultController: {
        // The planted bug: the second command of a batch is answered with the first's key.
        handleCommand: (command: Command, { index }: { index: Index }) =>
          deliver([index], { ...command, key: forget ? "k0" : command.key, ok: true }),
      },
    });
    const sim = new Simulation({
      seed: 5,
      application,
      link: { fragmentRate: 0.5 },
      invariants: [
        perIndexDelivery(),
        replyAccounting(() => ({
          greeting: [],
          reply: (command) => ({ command: { ...command, ok: true } }),
          mine: () => true,
        })),
      ],
    });
    sim.client().send(1, { code: "a", key: "k0" }).send(2, [{ code: "b", key: "k1" }]);
    return (await sim.run({ shutdownAtMs: 50 })).violations.map((v) => v.invariant);
  };
  assert.deepEqual(await run(false), []);
  assert.deepEqual(await run(true), ["reply accounting"]);
});
