/**
 * The swarm application's replies, predicted from what each client sent: the model that
 * {@linkcode replyAccounting} judges the core by.
 *
 * @module
 */
import type { Command } from "../../mod.ts";
import type { SimClient } from "../engine/client.ts";
import type { SimulationView } from "../engine/invariant.ts";
import type { Expected, ReplyModel } from "../invariants/reply_accounting.ts";

/** Options of {@linkcode swarmModel}. */
export interface SwarmModelOptions {
  /** When the server shuts down, in virtual ms (answers are owed only before it). */
  shutdownAtMs: number;
  /** How long before a moment a command must have been sent to be owed an answer, in ms. */
  marginMs?: number;
}

/**
 * The rooms controller and the secrets controller of the swarm, per client: `goto` answers
 * whether the room changed, `get`/`load` the state (any), `set`/`save`/`update` echo to the
 * room with the sender in it, `peek` the secret, `hint` the secret's length to the room,
 * anything else "unknown code".
 *
 * @example
 * ```ts
 * import { swarmModel } from "./swarm_model.ts";
 * const model = swarmModel({ shutdownAtMs: 250 });
 * ```
 */
export function swarmModel(options: SwarmModelOptions): ReplyModel {
  return (client, sim) => {
    let room: string | undefined;
    const reply = (command: Command): Expected => {
      const verb = Object.hasOwn(command, "code") ? command.code : command.command;
      if (command.key === "secret") {
        if (verb === "peek") return { command: { ...command, success: true }, anyOf: ["secret"] };
        if (verb === "hint") {
          return { command: { ...command, from: client.index ?? -1 }, anyOf: ["length"] };
        }
        return { command: expectedError(command, "unknown code") };
      }
      switch (verb) {
        case "goto": {
          const moved = room !== command.key;
          room = command.key as string;
          return { command: { ...command, success: moved } };
        }
        case "get":
        case "load":
          // The stores' key limit (512 UTF-8 bytes, MemoryStore's default); "brim" asks past it.
          if (typeof command.key === "string" && utf8Length(command.key) > 512) {
            return { command: expectedError(command, "key is too long (at most 512 UTF-8 bytes)") };
          }
          return { command: { ...command, success: true }, anyOf: ["state"] };
        case "set":
        case "save":
        case "update":
          return { command: { ...command, success: true } };
        default:
          return { command: expectedError(command, "unknown code") };
      }
    };
    return {
      greeting: [{ command: { code: "secret", key: "secret" }, anyOf: ["secret"] }],
      reply,
      mine: (command) => isMine(command, client),
      answeredBefore: owedBefore(client, sim, options),
    };
  };
}

function isMine(command: Command, client: SimClient): boolean {
  const verb = Object.hasOwn(command, "code") ? command.code : command.command;
  if (command.error !== undefined) return true;
  if (verb === "hint" && command.key === "secret") return command.from === client.index;
  if (verb !== "set" && verb !== "save" && verb !== "update") return true;
  const shared = verb === "update" ? command.value : command.state;
  return typeof shared === "object" && shared !== null && !Array.isArray(shared) &&
    shared.from === client.name;
}

/** Items sent this long before a shutdown or a close are owed an answer (µs), if any are. */
function owedBefore(
  client: SimClient,
  sim: SimulationView,
  options: SwarmModelOptions,
): number | undefined {
  const { link } = client;
  if (!link.lossless || link.reader.pausedEver) return undefined;
  let end = options.shutdownAtMs * 1000;
  let sent = 0;
  for (const entry of client.log) {
    if (entry.kind === "sent") sent += entry.bytes?.length ?? 0;
    if (entry.kind !== "event") continue;
    if (entry.note === "server closed the connection") end = Math.min(end, entry.time);
    else if (entry.note !== undefined && !entry.note.startsWith("accepted")) return undefined;
  }
  // A server window smaller than what it sent holds its messages back by an unknown time.
  if (sent > link.faults.serverWindowBytes) return undefined;
  void sim;
  const margin = options.marginMs ??
    link.faults.upDelayMs + link.faults.downDelayMs + 2 * link.faults.jitterMs + 20;
  return end - margin * 1000;
}

/**
 * The error answer the protocol gives a command, written here and not taken from the core:
 * the model must not change when the core does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expectedError } from "./swarm_model.ts";
 * assert.deepEqual(expectedError({ code: "x", key: "k", n: 1 }, "no"), { error: "no", code: "x", key: "k" });
 * ```
 */
export function expectedError(command: Command, message: string): Command {
  const reply: Command = { error: message };
  for (const field of ["code", "command", "key"]) {
    if (Object.hasOwn(command, field)) reply[field] = command[field];
  }
  return reply;
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
