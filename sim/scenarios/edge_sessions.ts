/**
 * Sessions and the shutdown at their edges: a server with a hold, whose clients put a resume
 * or a leave in the middle of a message, resume with a token that names nobody, poll for news
 * when there is none (an empty delivery), and, while a slow command holds the shutdown up,
 * send more, half-close or vanish. Judged by reply accounting against a model of the session
 * protocol and the game, by what the game handled being answered, and by the shutdown's
 * promises.
 *
 * @module
 */
import {
  Application,
  type Command,
  CommandError,
  deliver,
  type Index,
  type Result,
} from "../../mod.ts";
import { NO_FAULTS } from "../engine/faults.ts";
import { Random } from "../engine/random.ts";
import type { SimulationReport } from "../engine/report.ts";
import { Simulation } from "../engine/simulation.ts";
import { handledAnswered } from "../invariants/handled_answered.ts";
import { noEscapedErrors } from "../invariants/health_invariants.ts";
import { nothingLeft } from "../invariants/quiet_invariants.ts";
import { type Expected, replyAccounting, type ReplyModel } from "../invariants/reply_accounting.ts";
import { turnOrder } from "../invariants/turn_order.ts";
import { endedByServer, type ServerEnd } from "../invariants/ended_by_server.ts";
import {
  noHoldWhileShuttingDown,
  nothingTakenAfterShutdown,
} from "../invariants/shutdown_invariants.ts";
import type { HookCall } from "./resume_app.ts";
import { expectedError } from "./swarm_model.ts";
import { wholeMessages } from "../invariants/wire_invariants.ts";
import type { StoryOptions } from "./swarm_limits.ts";

/** When the edge-sessions story's server shuts down, in virtual ms. */
export const EDGE_SESSIONS_SHUTDOWN_MS = 100;

const HOLD_MS = 500;

/**
 * The desk: `say` (n) is acknowledged and kept as news; `shout` (n) is `heard` by everyone
 * connected; `poll` delivers the news since the
 * caller's last poll (nothing, when there is none) and then its acknowledgement; `slow`
 * (ms) is acknowledged that many virtual ms later (`park`), in its turn; `durable` (ms) too,
 * but its answer is held outside the turn (`hold`; it settles `after` that long). What it
 * sends carries `turn`, the number of the call that made it; every hook is recorded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createDesk } from "./edge_sessions.ts";
 * const { application, calls } = createDesk(() => 0, (_, resume) => resume());
 * await application.onConnect(1);
 * const result = await application.handleCommands(1, [{ code: "poll" }]);
 * assert.deepEqual(result, [[[1], []], [[1], [{ code: "poll", ok: true, turn: 1 }]]]);
 * assert.deepEqual(calls.map((call) => call.kind), ["connect", "command"]);
 * ```
 */
export function createDesk(
  now: () => number,
  park: (delayMs: number, resume: () => void) => void,
  after: (delayMs: number, run: () => void) => void = park,
): { application: Application<null>; calls: HookCall[] } {
  const calls: HookCall[] = [];
  const news: Command[] = [];
  const seen = new Map<Index, number>();
  const members = new Set<Index>();
  let turn = 0; // every command it sends carries the number of the call that made it
  const log = (kind: HookCall["kind"], index: Index) =>
    void calls.push({ time: now(), kind, index });
  const application = new Application<null>({
    storage: null,
    defaultController: {
      async handleCommand(command, { index, hold }): Promise<Result> {
        log("command", index);
        const stamp = ++turn;
        const ack = deliver([index], { ...command, ok: true, turn: stamp });
        switch (command.code ?? command.command) {
          case "say":
            news.push({ code: "news", index, n: command.n ?? null });
            return ack;
          case "shout":
            return [
              ...deliver([...members], { code: "heard", n: command.n ?? null, turn: stamp }),
              ...ack,
            ];
          case "poll": {
            const from = seen.get(index) ?? 0;
            seen.set(index, news.length);
            // Nothing new is an empty delivery: it must not reach the wire.
            return [...deliver([index], ...news.slice(from)), ...ack];
          }
          case "slow":
            await new Promise<void>((resume) => park(Number(command.ms), resume));
            return ack;
          case "durable": {
            // Its answer waits outside the turn, as a save's until the disk has it.
            if (!hold) {
              await new Promise<void>((resume) => park(Number(command.ms), resume));
              return ack;
            }
            // With `fail`, the wait fails: the answer is the error instead.
            const fails = command.fail === true;
            hold(
              new Promise<void>((resume, reject) =>
                after(Number(command.ms), () => fails ? reject(new CommandError("lost")) : resume())
              ),
            );
            return ack;
          }
          default:
            throw new CommandError("unknown code");
        }
      },
      onConnect: ({ index }) => (log("connect", index), members.add(index), []),
      onDisconnect: ({ index }) => (log("disconnect", index), members.delete(index), []),
      onHold: ({ index }) => (log("hold", index), []),
      onResume: ({ index }) => (log("resume", index), []),
    },
  });
  return { application, calls };
}

/**
 * The session protocol and the desk, per client: the token first; a resume (every token here
 * names nobody) answered `cannot resume`, wherever it stands; a keyless leave acknowledged,
 * and nothing after it; the rest the desk's. What was sent `marginMs` before the shutdown
 * is owed, and, when the server closed the connection, what was sent 10 ms before it read
 * that (its last messages may have come with the reason of the close).
 */
function deskModel(
  shutdownAtMs: number,
  marginMs: number,
  resumes: (client: string) => boolean,
): ReplyModel {
  return (client) => {
    let end = (shutdownAtMs - marginMs) * 1000;
    for (const entry of client.log) {
      if (entry.note === "server closed the connection") end = Math.min(end, entry.time - 10_000);
    }
    return {
      greeting: [{ command: { code: "session", holdMs: HOLD_MS }, anyOf: ["token"] }],
      reply(command): Expected {
        const verb = command.code ?? command.command;
        if (verb === "resume" && resumes(client.name)) {
          return { command: { code: "resume", success: true }, anyOf: ["token"] };
        }
        if (verb === "resume") return { command: { code: "resume", error: "cannot resume" } };
        if (verb === "leave" && !Object.hasOwn(command, "key")) {
          return { command: { code: "leave", success: true } };
        }
        if (verb === "durable" && command.fail === true) {
          return { command: expectedError(command, "lost") };
        }
        if (["say", "shout", "poll", "slow", "durable"].includes(String(verb))) {
          return { command: { ...command, ok: true }, anyOf: ["turn"] };
        }
        return { command: expectedError(command, "unknown code") };
      },
      mine: (command) => command.code !== "news" && command.code !== "heard",
      answeredBefore: client.link.lossless ? end : undefined,
    };
  };
}

/**
 * Builds the edge-sessions story of `seed` (the seed draws whether links cut segments).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runEdgeSessions } from "./edge_sessions.ts";
 * const report = await runEdgeSessions(1);
 * assert.ok(report.ok, report.violations.map((v) => v.message).join("; "));
 * ```
 */
export function buildEdgeSessions(seed: number, options: StoryOptions = {}): Simulation {
  const random = new Random(seed);
  const shutdownAtMs = EDGE_SESSIONS_SHUTDOWN_MS;
  let calls: HookCall[] = [];
  // Only "returner" resumes: the bucket of resumes, spent by then, has refilled one.
  const accounting = replyAccounting(
    deskModel(shutdownAtMs, 2, (client) => client === "returner"),
  );
  // What the game handled once the shutdown began would change its state unanswered.
  const handled = handledAnswered((command) => command.code !== "news" && command.code !== "heard");
  const sim: Simulation = new Simulation({
    seed,
    trace: options.trace,
    faults: options.faults,
    mix: { ...NO_FAULTS, fragmentRate: random.pick([0, 0.5]) },
    server: {
      holdMs: HOLD_MS,
      // Three resumes at once, then one each 50 ms: the resumes of nobody spend them.
      limits: { resumeBurst: 3, resumesPerSecond: 20 },
      random: (bytes) => bytes.forEach((_, i) => (bytes[i] = random.uint32() & 0xff)),
    },
    closeTimeoutMs: 5,
    application: () => {
      const desk = createDesk(
        () => sim.now,
        (delayMs, resume) => sim.park(delayMs, resume),
        (delayMs, run) => sim.at(sim.now / 1000 + delayMs, run),
      );
      calls = desk.calls;
      return handled.watch(desk.application);
    },
    invariants: () => [
      accounting,
      nothingTakenAfterShutdown(accounting, { shutdownAtMs }),
      noHoldWhileShuttingDown(() => calls, { shutdownAtMs }),
      handled,
      turnOrder(),
      endedByServer(() => calls, () => ends, 1),
      noEscapedErrors(),
      wholeMessages(),
      nothingLeft({ quietAfterMs: 20 }),
    ],
  });
  const say = (n: number): Command => ({ code: "say", n });
  const nobody = (n: number): Command => ({ code: "resume", token: `nobody-${n}` });
  // Resumes and a leave in the middle of messages: answered by the session layer alone.
  sim.client({ name: "screen" }).send(5, say(1)).send(10, [say(2), nobody(1), say(3)])
    .send(15, [nobody(2), say(4)]).send(20, { code: "poll" })
    .send(40, [say(5), { code: "leave" }, say(6)]);
  // Polls before anyone said anything: an empty delivery, then news.
  sim.client({ name: "poller" }).send(1, { code: "poll" }).send(30, [{ code: "poll" }, say(7)]);
  // Its first message resumes nobody: answered, then it is a new player.
  sim.client({ name: "opener" }).send(5, [nobody(3), say(8)]).send(25, say(9));
  // A slow turn, then a held answer, hold the shutdown up; meanwhile others send (their turn
  // would run once the slow one is done, while the held answer still waits), half-close and
  // vanish.
  sim.client({ name: "slowpoke" }).send(5, say(10)).send(97, { code: "slow", ms: 20 });
  sim.client({ name: "keeper" }).send(5, say(15)).send(60, { code: "durable", ms: 15 })
    .send(80, [{ code: "durable", ms: 5, fail: true }, { code: "durable", ms: 3 }])
    .send(97, { code: "durable", ms: 40 });
  // The verb in `command` rather than `code`: the session layer reads it there too.
  sim.client({ name: "verbal" }).send(5, [{ command: "say", n: 16 }, {
    command: "resume",
    token: "nobody-4",
  }, { command: "say", n: 17 }]).send(30, [{ command: "leave" }, { command: "say", n: 18 }]);
  // Shouts while the keeper's answer is held: the keeper hears them after that answer.
  sim.client({ name: "shouter" }).send(65, { code: "shout", n: 1 })
    .send(70, [{ code: "shout", n: 2 }, { code: "shout", n: 3 }]);
  sim.client({ name: "latecomer" }).send(6, say(11)).send(102, [say(12), { code: "poll" }]);
  sim.client({ name: "closer" }).send(7, say(13)).end(104);
  sim.client({ name: "vanisher" }).send(8, say(14)).abort(105);
  // The server ends two identities for good: one connected, one held since its drop.
  const kicked = sim.client({ name: "kicked" }).send(5, say(19)).send(60, say(20));
  const dropped = sim.client({ name: "dropped" }).send(5, say(21)).abort(20);
  // Its identity is held; a first resume of it comes while the bucket is empty (refused),
  // a second once it has refilled.
  for (let n = 5; n <= 7; n++) sim.client({ name: `guesser${n}` }).send(5 + n, [nobody(n)]);
  const early = sim.client({ name: "early" });
  const returner = sim.client({ name: "returner" });
  sim.client({ name: "away" }).send(5, say(22)).abort(20).onMessage((commands) => {
    const token = commands.find((command) => command.code === "session")?.token;
    if (token === undefined) return;
    early.send(30, [{ code: "resume", token }]);
    returner.send(80, [{ code: "resume", token }]);
  });
  const ends: ServerEnd[] = [];
  sim.at(50, () =>
    Promise.all([kicked, dropped].map((client) => {
      ends.push({ index: client.index, atMs: 50 });
      return client.index === undefined ? undefined : sim.server.disconnect(client.index);
    })));
  return sim;
}

/** Runs the edge-sessions story of `seed`. */
export function runEdgeSessions(seed: number): Promise<SimulationReport> {
  return buildEdgeSessions(seed).run({ shutdownAtMs: EDGE_SESSIONS_SHUTDOWN_MS, untilMs: 5_000 });
}
