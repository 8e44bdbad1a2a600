/**
 * The desk, a small game served with a hold that the session stories (`edge_sessions.ts`,
 * `edge_resumes.ts`) run, and the model of what each of its clients is owed.
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
import type { BroadcastGame } from "../invariants/broadcasts.ts";
import type { Expected, ReplyModel } from "../invariants/reply_accounting.ts";
import type { Simulation } from "../engine/simulation.ts";
import type { HookCall } from "./resume_app.ts";
import { expectedError } from "./swarm_model.ts";

/** The desk, and what it recorded of its hooks. */
export interface Desk {
  readonly application: Application<null>;
  readonly calls: HookCall[];
  readonly roomCalls: HookCall[];
  /** Holds that began while the core still had a connection for the index. */
  readonly heldWhileRegistered: { index: Index; time: number }[];
}

/**
 * The desk on a simulation's virtual clock: its saves and timers wait in simulated time. The
 * simulation is asked for when needed, as the desk is made while the simulation is.
 */
export function deskOn(simulation: () => Simulation, views = false): Desk {
  return createDesk(
    () => simulation().now,
    (delayMs, resume) => simulation().park(delayMs, resume),
    (delayMs, run) => simulation().at(simulation().now / 1000 + delayMs, run),
    (index) => simulation().server.connections.has(index),
    views,
  );
}

/**
 * The desk: `say` (n) is acknowledged and kept as news; `shout` (n) is `heard` by everyone
 * connected; `poll` delivers the news since the
 * caller's last poll (nothing, when there is none) and then its acknowledgement; `slow`
 * (ms) is acknowledged that many virtual ms later (`park`), in its turn; `durable` (ms) too,
 * but its answer is held outside the turn (`hold`; it settles `after` that long), and with
 * `loud` everyone connected is told `heard` too, as part of that held answer (a failed one
 * tells nobody), and with `quiet` it answers nothing but its hold's failure. `jinx` is
 * acknowledged, and the desk's onDisconnect then throws for its sender (a game's bug). Commands
 * keyed `room` go to a second controller, the room: `join` and `leave` are acknowledged, and
 * its hooks are recorded apart (`roomCalls`). What it sends carries `turn`, the number of the
 * call that made it; every hook is recorded, and a hold that begins while the core still has
 * a connection for the index (`registered`) is kept in `heldWhileRegistered`. With `views`, a
 * resumed player is sent its view ({@linkcode deskView}) after the resume's answer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createDesk } from "./desk.ts";
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
  registered: (index: Index) => boolean = () => false,
  views = false,
): Desk {
  const calls: HookCall[] = [];
  const heldWhileRegistered: { index: Index; time: number }[] = [];
  const roomCalls: HookCall[] = [];
  const jinxed = new Set<Index>();
  const news: Command[] = [];
  const seen = new Map<Index, number>();
  const members = new Set<Index>();
  let turn = 0; // every command it sends carries the number of the call that made it
  const log = (kind: HookCall["kind"], index: Index, into = calls) =>
    void into.push({ time: now(), kind, index });
  const application = new Application<null>({
    storage: null,
    controllers: {
      room: {
        handleCommand(command, { index }): Result {
          log("command", index, roomCalls);
          if (command.code !== "join" && command.code !== "leave") {
            throw new CommandError("unknown code");
          }
          return deliver([index], { ...command, ok: true, turn: ++turn });
        },
        onConnect: ({ index }) => (log("connect", index, roomCalls), []),
        onDisconnect: ({ index }) => (log("disconnect", index, roomCalls), []),
        onHold: ({ index }) => (log("hold", index, roomCalls), []),
        onResume: ({ index }) => (log("resume", index, roomCalls), []),
      },
    },
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
          case "jinx":
            jinxed.add(index);
            return ack;
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
            if (command.quiet === true) return [];
            // Loud: the held answer has two deliveries, and fails (or not) as one.
            if (command.loud !== true) return ack;
            return [
              ...deliver([...members], { code: "heard", n: command.n ?? null, turn: stamp }),
              ...ack,
            ];
          }
          default:
            throw new CommandError("unknown code");
        }
      },
      onConnect: ({ index }) => (log("connect", index), members.add(index), []),
      onDisconnect: ({ index }) => {
        log("disconnect", index);
        members.delete(index);
        if (jinxed.has(index)) throw new Error("the desk's onDisconnect failed");
        return [];
      },
      onHold: ({ index }) => {
        log("hold", index);
        if (registered(index)) heldWhileRegistered.push({ index, time: now() });
        return [];
      },
      onResume: ({ index }) => {
        log("resume", index);
        return views ? deliver([index], deskView(index)) : [];
      },
    },
  });
  return { application, calls, roomCalls, heldWhileRegistered };
}

/**
 * A resumed player's view of the desk (with `views`): who it is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deskView } from "./desk.ts";
 * assert.deepEqual(deskView(3), { code: "view", index: 3 });
 * ```
 */
export function deskView(index: Index): Command {
  return { code: "view", index };
}

/**
 * Whether a command the desk sent answers its reader (not news, a broadcast or a view).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deskAnswer } from "./desk.ts";
 * assert.ok(deskAnswer({ code: "say", ok: true }));
 * assert.ok(!deskAnswer({ code: "heard", n: 1 }));
 * ```
 */
export function deskAnswer(command: Command): boolean {
  return command.code !== "news" && command.code !== "heard" && command.code !== "view";
}

/** What {@linkcode deskModel} needs to know of a story. */
export interface DeskStory {
  readonly shutdownAtMs: number;
  /** What was sent this long before the shutdown is owed an answer. */
  readonly marginMs: number;
  readonly holdMs: number;
  /** Whether the resumes of this client name an identity that it may take. */
  readonly resumes: (client: string) => boolean;
}

/**
 * The session protocol and the desk, per client: the token first; a resume answered with a
 * fresh token when `resumes` says it names an identity, else `cannot resume`, wherever it
 * stands; a keyless leave acknowledged, and nothing after it; the rest the desk's. What was
 * sent `marginMs` before the shutdown is owed, and, when the server closed the connection,
 * what was sent 10 ms before it read that (its last messages may have come with the reason
 * of the close); but a client that half-closed first is owed everything it sent before its
 * end: the server's close then answers that end, after what came before it.
 *
 * @example
 * ```ts
 * import { replyAccounting } from "../invariants/reply_accounting.ts";
 * import { deskModel } from "./desk.ts";
 * const story = { shutdownAtMs: 100, marginMs: 2, holdMs: 500, resumes: () => false };
 * const invariant = replyAccounting(deskModel(story));
 * ```
 */
export function deskModel(story: DeskStory): ReplyModel {
  const { shutdownAtMs, marginMs, holdMs, resumes } = story;
  return (client) => {
    let end = (shutdownAtMs - marginMs) * 1000;
    let halfClosed: number | undefined;
    for (const entry of client.log) {
      if (entry.note === "half-close") halfClosed ??= entry.time;
      if (entry.note !== "server closed the connection") continue;
      const answersEnd = halfClosed !== undefined && halfClosed <= entry.time;
      end = Math.min(end, answersEnd ? halfClosed! + 1 : entry.time - 10_000);
    }
    return {
      greeting: [{ command: { code: "session", holdMs }, anyOf: ["token"] }],
      reply(command): Expected {
        const verb = command.code ?? command.command;
        if (verb === "resume" && resumes(client.name)) {
          return { command: { code: "resume", success: true }, anyOf: ["token"] };
        }
        if (verb === "resume") return { command: { code: "resume", error: "cannot resume" } };
        if (verb === "leave" && !Object.hasOwn(command, "key")) {
          return { command: { code: "leave", success: true } };
        }
        if (command.key === "room" && (verb === "join" || verb === "leave")) {
          return { command: { ...command, ok: true }, anyOf: ["turn"] };
        }
        if (verb === "durable" && command.fail === true) {
          return { command: expectedError(command, "lost") };
        }
        if (["say", "shout", "poll", "slow", "durable", "jinx"].includes(String(verb))) {
          return { command: { ...command, ok: true }, anyOf: ["turn"] };
        }
        return { command: expectedError(command, "unknown code") };
      },
      mine: deskAnswer,
      answeredBefore: client.link.lossless ? end : undefined,
    };
  };
}

/**
 * The desk's broadcasts, for the broadcast invariants: a `shout` (n), and a `loud` durable that
 * does not fail, are `heard` (n) by everyone present; a `durable` holds its sender's replies
 * (everyone's, when loud), and a `slow` turn holds everyone's.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DESK_BROADCASTS } from "./desk.ts";
 * assert.deepEqual(DESK_BROADCASTS.heard({ code: "shout", n: 2 })?.command, { code: "heard", n: 2 });
 * assert.equal(DESK_BROADCASTS.holds({ code: "durable", ms: 5 }), "sender");
 * ```
 */
export const DESK_BROADCASTS: BroadcastGame = {
  heard(command) {
    const loud = command.code === "durable" && command.loud === true && command.fail !== true;
    if (command.code !== "shout" && !loud) return undefined;
    return { command: { code: "heard", n: command.n ?? null }, anyOf: ["turn"] };
  },
  holds(command) {
    if (command.code === "slow") return "everyone";
    if (command.code !== "durable") return undefined;
    return command.loud === true ? "everyone" : "sender";
  },
};

/**
 * The token of the first `session` greeting among `commands`, if any.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tokenIn } from "./desk.ts";
 * assert.equal(tokenIn([{ code: "session", token: "t", holdMs: 5 }]), "t");
 * ```
 */
export function tokenIn(commands: readonly Command[]): string | undefined {
  const token = commands.find((command) => command.code === "session")?.token;
  return typeof token === "string" ? token : undefined;
}
