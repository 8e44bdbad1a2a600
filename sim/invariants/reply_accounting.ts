/**
 * Reply accounting: every command and every bad message a client sent gets exactly its
 * reply, to its sender, in order, as a model of the application predicts it from what was
 * sent (not from what the core addressed); a refusal over the rate stands for exactly the
 * commands it counts.
 *
 * @module
 */
import type { Command, Limits } from "../../mod.ts";
import type { SimClient } from "../engine/client.ts";
import type { Invariant, SimulationView, Violation } from "../engine/invariant.ts";
import { clip, formatTime } from "../engine/trace.ts";
import { itemsOf, readFrames, sameCommand, type SentItem } from "./wire.ts";

/** One reply the model expects: a command, with any value at the keys of `anyOf`. */
export interface Expected {
  readonly command: Command;
  readonly anyOf?: readonly string[];
}

/** What a model knows of one client. */
export interface ClientModel {
  /** What the core sends it on connect, in order. */
  readonly greeting: readonly Expected[];
  /** The reply to a command it sent (called in order, once each; may keep state). */
  reply(command: Command): Expected;
  /** Whether a command it read answers it (not someone else's broadcast). */
  mine(command: Command): boolean;
  /**
   * Items sent before this virtual µs must be answered (or refused); undefined: it may have
   * lost any tail (it vanished, the link lost bytes, a limit cut it).
   */
  readonly answeredBefore?: number;
}

/** A model of the application, per client. */
export type ReplyModel = (client: SimClient, sim: SimulationView) => ClientModel;

/** How one item fared: answered (or refused), and when its answer was read (µs). */
export interface ItemFate {
  readonly item: SentItem;
  readonly refused: boolean;
  readonly answeredAt: number;
}

/** Marks a Flash policy among what a client read. */
const POLICY = "\0policy";

/**
 * The messages that end a connection: after one of them, nothing more comes (a resume from
 * elsewhere took the identity: what the old connection sent from then on is not its to answer).
 */
const LAST_WORDS = new Set([
  "idle timeout",
  "message not completed in time",
  "too many bad messages",
  "resumed elsewhere",
]);

/** The reply accounting invariant, and the fates it found (for the rate checks). */
export interface ReplyAccounting extends Invariant {
  /** After `check`: by client name, how each answered item fared. */
  readonly fates: Map<string, ItemFate[]>;
}

/**
 * Reply accounting against `model`.
 *
 * @example
 * ```ts
 * import { replyAccounting } from "./reply_accounting.ts";
 * const invariant = replyAccounting(() => ({
 *   greeting: [],
 *   reply: (command) => ({ command: { ...command, ok: true } }),
 *   mine: () => true,
 * }));
 * ```
 */
export function replyAccounting(model: ReplyModel): ReplyAccounting {
  const name = "reply accounting";
  const fates = new Map<string, ItemFate[]>();
  return {
    name,
    fates,
    check(sim) {
      const violations: Violation[] = [];
      for (const client of sim.clients) {
        const found: ItemFate[] = [];
        fates.set(client.name, found);
        const parser = sim.server.parser as { maxMessageBytes?: number; maxDepth?: number };
        const problem = account(
          [parser.maxMessageBytes ?? Infinity, parser.maxDepth ?? Infinity],
          sim.limits,
          client,
          model(client, sim),
          found,
        );
        if (problem) violations.push({ invariant: name, client: client.name, ...problem });
      }
      return violations;
    },
  };
}

function account(
  [maxMessageBytes, maxDepth]: [number, number],
  limits: Limits,
  client: SimClient,
  model: ClientModel,
  fates: ItemFate[],
): { message: string; time?: number } | undefined {
  const items = itemsOf(client, maxMessageBytes, maxDepth);
  const got: { time: number; command: Command }[] = [];
  for (const frame of readFrames(client)) {
    if (frame.policy !== undefined) {
      got.push({ time: frame.time, command: { [POLICY]: frame.policy } });
      continue;
    }
    if (!frame.commands) {
      return { time: frame.time, message: `it read a broken message: ${frame.broken}` };
    }
    for (const command of frame.commands) {
      if (model.mine(command)) got.push({ time: frame.time, command });
    }
  }
  if (client.index === undefined) {
    const [first, ...rest] = got;
    const refusal = first?.command.error;
    const owed = client.owedRefusal ?? refusal;
    const wrong = typeof refusal !== "string" || refusal !== owed;
    if (client.refused && got.length > 0 && (rest.length > 0 || wrong)) {
      return {
        message: `a refused connection read ${clip(JSON.stringify(got.map((g) => g.command)))}` +
          (client.owedRefusal ? `, owed {"error":"${client.owedRefusal}"}` : ""),
      };
    }
    if (client.refused && got.length === 0 && client.link.lossless) {
      return { message: "it was refused without a word" };
    }
    return undefined;
  }
  let next = 0;
  let greeted = 0;
  let ended: string | undefined;
  for (const { time, command } of got) {
    const at = `at ${formatTime(time)}ms`;
    if (ended) {
      return { time, message: `it read ${clip(JSON.stringify(command))} after "${ended}"` };
    }
    if (greeted < model.greeting.length) {
      const wanted = model.greeting[greeted++];
      if (!sameCommand(command, wanted.command, wanted.anyOf)) {
        return {
          time,
          message: `its greeting ${at} is ${clip(JSON.stringify(command))}, not ${
            clip(JSON.stringify(wanted.command))
          }`,
        };
      }
      continue;
    }
    if (
      typeof command.error === "string" &&
      (LAST_WORDS.has(command.error) || command.error.startsWith("message is larger than"))
    ) {
      ended = command.error;
      if (ended === "too many bad messages") {
        const most = limits.maxBadMessages;
        let run = 0;
        for (let k = next - 1; k >= 0 && items[k].bad !== undefined; k--) run++;
        // The last bad one may have been over the rate (then it has no answer of its own).
        const { commandsPerSecond, commandBurst } = limits;
        const refusedNext = items[next]?.bad !== undefined && run === most &&
          commandsPerSecond > 0 && fates.filter((fate) => !fate.refused).length >= commandBurst;
        if (most > 0 && run !== most + 1 && !refusedNext) {
          return {
            time,
            message:
              `it was cut for "${ended}" ${at} after a run of ${run} bad messages (maxBadMessages ${most})`,
          };
        }
      }
      if (ended.startsWith("message is larger than")) {
        const cause = items.findIndex((item) => item.tooLarge);
        if (cause < 0) {
          return {
            time,
            message: `it was cut for "${ended}" ${at}, but no message it sent was that large`,
          };
        }
        if (next < cause) {
          return {
            time,
            message: `it was cut for "${ended}" ${at} with item ${next + 1} (${
              describeItem(items[next])
            }) unanswered before the large one`,
          };
        }
      }
      continue;
    }
    const item = items[next];
    if (Object.hasOwn(command, POLICY) || item?.policy) {
      // A policy request is answered with the policy, and the connection ends there.
      if (!Object.hasOwn(command, POLICY) || !item?.policy) {
        return {
          time,
          message: `it read ${clip(JSON.stringify(command))} ${at} for item ${next + 1} (${
            item ? describeItem(item) : "none"
          }): a policy request, and only it, is answered with the policy`,
        };
      }
      fates.push({ item, refused: false, answeredAt: time });
      next++;
      ended = "the policy answer";
      continue;
    }
    if (command.error === "rate limit exceeded") {
      const count = command.refused;
      if (typeof count !== "number" || count < 1 || next + count > items.length) {
        return {
          time,
          message: `a refusal ${at} counts ${count} commands; only ${
            items.length - next
          } are unanswered`,
        };
      }
      const first = items[next].command ?? {};
      const { error: _e, refused: _r, ...named } = command;
      const wanted: Command = {};
      for (const field of ["code", "command", "key"]) {
        if (Object.hasOwn(first, field)) wanted[field] = first[field];
      }
      if (!sameCommand(named, wanted)) {
        return {
          time,
          message: `a refusal ${at} names ${
            clip(JSON.stringify(named))
          }; the first refused item (sent at ${formatTime(items[next].time)}ms) was ${
            describeItem(items[next])
          }`,
        };
      }
      for (let k = 0; k < count; k++) {
        fates.push({ item: items[next++], refused: true, answeredAt: time });
      }
      continue;
    }
    if (!item) {
      return {
        time,
        message: `it read ${
          clip(JSON.stringify(command))
        } ${at}, but every item it sent was answered already`,
      };
    }
    const wanted: Expected = item.command
      ? model.reply(item.command)
      : { command: { error: item.bad ?? null } };
    if (!sameCommand(command, wanted.command, wanted.anyOf)) {
      return {
        time,
        message: `the answer ${at} to item ${item.n + 1} (${describeItem(item)}, sent at ${
          formatTime(item.time)
        }ms) is ${clip(JSON.stringify(command))}; the model expects ${
          clip(JSON.stringify(wanted.command))
        }`,
      };
    }
    fates.push({ item, refused: false, answeredAt: time });
    next++;
  }
  const deadline = model.answeredBefore;
  if (ended || deadline === undefined) return undefined;
  if (greeted < model.greeting.length) {
    return { message: `its greeting never came (${greeted} of ${model.greeting.length})` };
  }
  const owed = items.find((item) => item.n >= next && item.time < deadline);
  if (owed) {
    return {
      time: owed.time,
      message: `item ${owed.n + 1} (${describeItem(owed)}, sent at ${
        formatTime(owed.time)
      }ms) was never answered nor refused`,
    };
  }
  return undefined;
}

function describeItem(item: SentItem): string {
  if (item.policy) return "a policy request";
  return item.command ? clip(JSON.stringify(item.command)) : `a bad message ("${item.bad}")`;
}
