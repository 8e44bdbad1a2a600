import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Application,
  cancelTimer,
  type Clock,
  type Controller,
  createLogger,
  deliver,
  internal,
  later,
  ManualClock,
  type Result,
  Scheduler,
  SERVER_INDEX,
} from "../mod.ts";
import { Harness } from "./helpers/harness.ts";

interface Table {
  handled: string[];
  clock: ManualClock;
}

/**
 * Players' commands schedule or chain internal commands; internal ones (index 0) report to
 * every listener the time they ran at.
 */
const table: Controller<Table> = {
  handleCommand(command, { index, storage }): Result {
    const code = String(command.code);
    storage.handled.push(`${code}@${storage.clock.now()} by ${index}`);
    if (index !== SERVER_INDEX) {
      if (code === "start") {
        return [later({ code: "timeout", seat: index }, { afterMs: 30, id: "turn" })];
      }
      if (code === "act") return [cancelTimer("turn"), ...deliver([index], { acted: true })];
      if (code === "chain") return [internal({ code: "step", left: 3 })];
      if (code === "loop") return [internal({ code: "loop" })];
      if (code === "tick") return [later({ code: "tick" }, { periodMs: 100, id: "tick" })];
      if (code === "at") return [later({ code: "alarm" }, { at: 500 })];
      if (code === "pair") {
        return [
          later({ code: "first" }, { afterMs: 30, id: "first" }),
          later({ code: "second" }, { afterMs: 30, id: "second" }),
        ];
      }
      if (code === "bad") {
        return [later({ code: "x" }, { afterMs: -1 }), ...deliver([index], { ok: 1 })];
      }
      return [];
    }
    if (code === "step") {
      const left = Number(command.left);
      const next = left > 1 ? [internal({ code: "step", left: left - 1 })] : [];
      return [...deliver([1], { step: left }), ...next];
    }
    if (code === "loop") return [internal({ code: "loop" })];
    if (code === "first") return [cancelTimer("second"), ...deliver([1], { ran: code })];
    return deliver([1], { ran: code, at: storage.clock.now() });
  },
};

function setUp() {
  const clock = new ManualClock();
  const lines: string[] = [];
  const storage: Table = { handled: [], clock };
  const application = new Application({ storage, defaultController: table });
  const logger = createLogger({ level: "warn", write: (line) => lines.push(line) });
  // No idle timer: the clock's pending timers are then exactly the timed commands.
  const harness = new Harness(application, { clock, logger, limits: { idleTimeoutMs: 0 } });
  return { clock, lines, storage, harness };
}

test("an internal command is handled by the server itself and its result is sent", async () => {
  const { harness, storage } = setUp();
  const player = await harness.connect();
  await player.send({ code: "chain" });
  assert.deepEqual(player.take(), [[{ step: 3 }], [{ step: 2 }], [{ step: 1 }]]);
  assert.deepEqual(storage.handled, ["chain@0 by 1", "step@0 by 0", "step@0 by 0", "step@0 by 0"]);
});

test("internal commands that loop stop at the depth bound, with an error logged", async () => {
  const { harness, storage, lines } = setUp();
  const player = await harness.connect();
  await player.send({ code: "loop" });
  assert.equal(storage.handled.filter((line) => line.startsWith("loop")).length, 1 + 8);
  assert.match(lines.join("\n"), /internal command nested too deep depth=8/);
  await player.send({ code: "chain" });
  assert.equal(player.take().length, 3, "the server still works");
});

test("a deferred command runs at its time, not before, and stays queued until then", async () => {
  const { harness, clock } = setUp();
  const player = await harness.connect();
  await player.send({ code: "start" });
  clock.advance(29);
  await harness.settle();
  assert.deepEqual(player.take(), []);
  assert.equal(clock.pending, 1, "not yet due: still queued");
  clock.advance(1);
  await harness.settle();
  assert.deepEqual(player.take(), [[{ ran: "timeout", at: 30 }]]);
  clock.advance(1000);
  await harness.settle();
  assert.deepEqual(player.take(), [], "a one-shot command runs once");
});

test("a deferred command cancelled by id never runs", async () => {
  const { harness, clock } = setUp();
  const player = await harness.connect();
  await player.send({ code: "start" });
  clock.advance(10);
  await player.send({ code: "act" });
  clock.advance(100);
  await harness.settle();
  assert.deepEqual(player.take(), [[{ acted: true }]]);
  assert.equal(clock.pending, 0);
});

test("a deferred command cancelled by another of the same firing never runs", async () => {
  const { harness, clock, storage } = setUp();
  const player = await harness.connect();
  await player.send({ code: "pair" });
  clock.advance(30);
  await harness.settle();
  assert.deepEqual(player.take(), [[{ ran: "first" }]]);
  assert.deepEqual(storage.handled, ["pair@0 by 1", "first@30 by 0"]);
  assert.equal(clock.pending, 0);
});

test("the scheduler skips a job cancelled by an earlier job of the same firing", () => {
  const clock = new ManualClock();
  const scheduler = new Scheduler(clock);
  const ran: string[] = [];
  const cancelled: boolean[] = [];
  scheduler.add({ id: "a", at: 10, run: () => cancelled.push(scheduler.cancel("b")) });
  scheduler.add({ id: "b", at: 10, run: () => ran.push("b") });
  scheduler.add({ id: "c", at: 10, run: () => ran.push("c") });
  clock.advance(10);
  assert.deepEqual(ran, ["c"]);
  assert.deepEqual(cancelled, [true]);
  assert.equal(scheduler.cancel("c"), false, "a one-shot job that ran is gone");
});

test("scheduling under a live id replaces the waiting command", async () => {
  const { harness, clock } = setUp();
  const player = await harness.connect();
  await player.send({ code: "start" });
  clock.advance(20);
  await player.send({ code: "start" });
  clock.advance(20);
  await harness.settle();
  assert.deepEqual(player.take(), [], "the first timer (due at 30) was replaced");
  clock.advance(10);
  await harness.settle();
  assert.deepEqual(player.take(), [[{ ran: "timeout", at: 50 }]]);
});

test("a command at an absolute time runs then", async () => {
  const { harness, clock } = setUp();
  const player = await harness.connect();
  await player.send({ code: "at" });
  clock.advance(499);
  await harness.settle();
  assert.deepEqual(player.take(), []);
  clock.advance(1);
  await harness.settle();
  assert.deepEqual(player.take(), [[{ ran: "alarm", at: 500 }]]);
});

test("a periodic command runs every period until cancelled", async () => {
  const { harness, clock } = setUp();
  const player = await harness.connect();
  await player.send({ code: "tick" });
  for (let step = 0; step < 3; step++) {
    clock.advance(100);
    await harness.settle();
  }
  assert.deepEqual(player.take(), [
    [{ ran: "tick", at: 100 }],
    [{ ran: "tick", at: 200 }],
    [{ ran: "tick", at: 300 }],
  ]);
  await harness.server.runTurn(() => [cancelTimer("tick")]);
  clock.advance(1000);
  await harness.settle();
  assert.deepEqual(player.take(), []);
});

test("periodic jobs keep their rhythm when the clock fires late", () => {
  const manual = new ManualClock();
  // Every timer fires 7 ms late, as a busy event loop would.
  const late: Clock = {
    now: () => manual.now(),
    schedule: (at, callback) => manual.schedule(at + 7, callback),
  };
  const scheduler = new Scheduler(late);
  const ran: number[] = [];
  scheduler.add({ at: 100, periodMs: 100, run: () => ran.push(manual.now()) });
  manual.advance(1000);
  assert.deepEqual(ran, [107, 207, 307, 407, 507, 607, 707, 807, 907]);
});

test("the scheduler runs jobs in order of time, then of insertion", () => {
  const clock = new ManualClock();
  const scheduler = new Scheduler(clock);
  const ran: string[] = [];
  for (const [name, at] of [["c", 20], ["a", 10], ["b", 10], ["d", 20]] as const) {
    scheduler.add({ at, run: () => ran.push(name) });
  }
  clock.advance(20);
  assert.deepEqual(ran, ["a", "b", "c", "d"]);
  assert.equal(scheduler.size, 0);
  assert.throws(() => scheduler.add({ at: NaN, run: () => {} }), RangeError);
  assert.throws(() => scheduler.add({ at: 1, periodMs: 0, run: () => {} }), RangeError);
});

test("bad timing is refused and logged; the rest of the result still goes out", async () => {
  const { harness, lines, clock } = setUp();
  const player = await harness.connect();
  await player.send({ code: "bad" });
  assert.deepEqual(player.take(), [[{ ok: 1 }]]);
  assert.match(lines.join("\n"), /timed command refused .*after_ms must be a number >= 0/);
  assert.equal(clock.pending, 0);
});

test("shutdown cancels every waiting timed command", async () => {
  const { harness, clock, storage } = setUp();
  const player = await harness.connect();
  await player.send({ code: "tick" });
  await harness.server.shutdown();
  assert.equal(clock.pending, 0);
  clock.advance(1000);
  assert.equal(storage.handled.filter((line) => line.startsWith("tick@")).length, 1);
});
