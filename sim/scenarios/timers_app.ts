/**
 * The timers scenario's application: one controller under several keys that arms, replaces
 * and cancels timed commands (`later`, `cancelTimer`, periodic ones) for its clients, and its
 * model for reply accounting.
 *
 * @module
 */
import {
  Application,
  cancelTimer,
  type Command,
  CommandError,
  type Controller,
  deliver,
  type Index,
  internal,
  later,
  type Logger,
  MemoryStore,
  type Result,
  SERVER_INDEX,
  type StateStore,
} from "../../mod.ts";
import type { ReplyModel } from "../invariants/reply_accounting.ts";
import { expectedError } from "./swarm_model.ts";

/** The keys the one timers controller is registered under. */
export const TIMER_KEYS = ["t1", "t2", "t3"] as const;

/** The codes a client reads without asking: timers firing. */
export const FIRING_CODES = new Set(["fired", "tick", "noted", "linked"]);

/**
 * The timers application: `arm` (id, afterMs or at) answers `{..., ok, due}` and later
 * `fired`; `every` (id, periodMs, maybe afterMs or at) answers `{..., ok, start}` and then
 * `tick`s k = 1, 2, ... at (at, or start + afterMs-or-period) + (k - 1) * period (`at`: a
 * time on the server's clock); an `arm` with `cancels` (another id) cancels that timer when it
 * fires (its `fired` names it); `cancel` (id) cancels; `pair` runs two
 * internal commands, each answered with `noted`; `boom` fails. Timer ids are per client; a
 * firing names the timer it ran as (`armedAs`: the id the server gave back with the command).
 * With `cancelOnLeave`, a client that leaves has its timers cancelled (otherwise they run on
 * until the shutdown clears them). `chain` (n) runs n internal commands, each
 * made by the one before, the last answering `linked` (n).
 *
 * @example
 * ```ts
 * import { createTimersApp } from "./timers_app.ts";
 * const app = createTimersApp(() => 0);
 * ```
 */
export function createTimersApp(
  now: () => number,
  logger?: Logger,
  store: StateStore = new MemoryStore(),
  options: { cancelOnLeave?: boolean } = {},
): Application<StateStore> {
  const ticks = new Map<string, number>();
  // The timers each client armed: a client that leaves takes them with it.
  const owned = new Map<Index, Set<string>>();
  const own = (index: Index, timer: string) =>
    owned.set(index, (owned.get(index) ?? new Set()).add(timer));
  const timers: Controller<StateStore> = {
    onConnect: ({ index }) => deliver([index], { code: "hello", index }, { code: "ready" }),
    onDisconnect({ index }) {
      const mine = owned.get(index) ?? [];
      owned.delete(index);
      return options.cancelOnLeave ? [...mine].map((timer) => cancelTimer(timer)) : [];
    },
    handleCommand(command, { index, storage }): Result | Promise<Result> {
      if (index === SERVER_INDEX) return fire(command, ticks, now());
      // Its turn lasts as long as the store takes: turns queue behind it.
      if (command.code === "save") return save(storage, index, command);
      const id = typeof command.id === "string" ? command.id : "";
      const timer = `${index}:${id}`;
      switch (command.code) {
        case "arm": {
          // `at`: a time on the server's clock, rather than a delay.
          const at = command.at === undefined ? undefined : Number(command.at);
          const afterMs = Number(command.afterMs);
          const due = at ?? now() + afterMs;
          const timing = at === undefined ? { afterMs, id: timer } : { at, id: timer };
          own(index, timer);
          return [
            ...deliver([index], { ...command, ok: true, due }),
            later({
              code: "fire",
              key: command.key,
              to: index,
              name: id,
              due,
              ...typeof command.cancels === "string" ? { cancels: command.cancels } : {},
            }, timing),
          ];
        }
        case "every": {
          const periodMs = Number(command.periodMs);
          const afterMs = command.afterMs === undefined ? undefined : Number(command.afterMs);
          const at = command.at === undefined ? undefined : Number(command.at);
          ticks.set(timer, 0);
          own(index, timer);
          return [
            ...deliver([index], { ...command, ok: true, start: now() }),
            later({ code: "tick", key: command.key, to: index, name: id, timer }, {
              periodMs,
              afterMs,
              at,
              id: timer,
            }),
          ];
        }
        case "cancel":
          return [...deliver([index], { ...command, ok: true }), cancelTimer(timer)];
        case "chain":
          // n internal commands, each made by the one before: nested n deep.
          return [
            ...deliver([index], { ...command, ok: true }),
            internal({ code: "link", key: command.key, to: index, k: 1, n: Number(command.n) }),
          ];
        case "pair":
          return [
            ...deliver([index], { ...command, ok: true }),
            internal({ code: "note", key: command.key, to: index, n: 1 }, {
              code: "note",
              key: command.key,
              to: index,
              n: 2,
            }),
          ];
        default:
          throw new CommandError("unknown code");
      }
    },
  };
  return new Application({
    storage: store,
    controllers: Object.fromEntries(TIMER_KEYS.map((key) => [key, timers])),
    logger,
  });
}

async function save(store: StateStore, index: Index, command: Command): Promise<Result> {
  await store.set(`${index}:${String(command.id)}`, Number(command.value));
  return deliver([index], { ...command, ok: true });
}

function fire(command: Command, ticks: Map<string, number>, at: number): Result {
  const to = command.to as Index;
  // Which timer this is, as the server hands it back (`Timing.id`): what a game that keeps
  // several timers tells them apart by.
  const armedAs = command.id;
  if (command.code === "fire") {
    const fired = { code: "fired", id: command.name, due: command.due, at, armedAs };
    if (typeof command.cancels !== "string") return deliver([to], fired);
    // It cancels another of its client's timers as it fires: maybe one due at the same time.
    return [
      ...deliver([to], { ...fired, cancels: command.cancels }),
      cancelTimer(`${to}:${command.cancels}`),
    ];
  }
  if (command.code === "note") return deliver([to], { code: "noted", n: command.n });
  if (command.code === "link") {
    const k = Number(command.k);
    if (k >= Number(command.n)) return deliver([to], { code: "linked", n: k });
    return [internal({ ...command, k: k + 1 })];
  }
  const timer = String(command.timer);
  const k = (ticks.get(timer) ?? 0) + 1;
  ticks.set(timer, k);
  return deliver([to], { code: "tick", id: command.name, k, at, armedAs });
}

/** The timers application's answers to what a client sent (firings are not answers). */
export function timersModel(shutdownAtMs: number, marginMs = 10): ReplyModel {
  return (client) => ({
    greeting: [{ command: { code: "hello", index: client.index ?? -1 } }, {
      command: { code: "ready" } as Command,
    }],
    reply(command) {
      if (!TIMER_KEYS.includes(command.key as typeof TIMER_KEYS[number])) {
        return { command: expectedError(command, "no controller for this key") };
      }
      switch (command.code) {
        case "arm":
          return { command: { ...command, ok: true }, anyOf: ["due"] };
        case "every":
          return { command: { ...command, ok: true }, anyOf: ["start"] };
        case "cancel":
        case "pair":
        case "chain":
        case "save":
          return { command: { ...command, ok: true } };
        default:
          return { command: expectedError(command, "unknown code") };
      }
    },
    mine: (command) => !FIRING_CODES.has(String(command.code)),
    answeredBefore: client.link.lossless ? (shutdownAtMs - marginMs) * 1000 : undefined,
  });
}
