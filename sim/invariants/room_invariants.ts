/**
 * Invariants about who may hear what: rooms, and secrets.
 *
 * @module
 */
import type { Command, Index } from "../../mod.ts";
import type { Invariant, Violation } from "../engine/invariant.ts";
import type { Addressed } from "../engine/records.ts";

/** Options of {@linkcode roomIsolation}. */
export interface RoomIsolationOptions {
  /** The room `index` is in now (read when the core addresses a delivery to it). */
  roomOf: (index: Index) => string | undefined;
  /** The room a received command was said in, or undefined for commands of no room. */
  tagOf: (command: Command) => string | undefined;
}

/**
 * Room isolation: a command said in room R reaches only clients that were in R when the core
 * addressed it. Scenarios tag what they say with its room (say, in the state they save), and
 * `tagOf` reads the tag back on the receiving side. A tag counts when its sender really was
 * in R, from the start of the turn to its send (a client's idea of its room can be wrong: its
 * `goto` may have been refused; and one message may move it on); the sender's own echo is
 * exempt.
 *
 * @example
 * ```ts
 * import { roomIsolation } from "../mod.ts";
 * declare const rooms: Map<number, string>;
 * const invariant = roomIsolation({
 *   roomOf: (index) => rooms.get(index),
 *   tagOf: (command) => typeof command.room === "string" ? command.room : undefined,
 * });
 * ```
 */
export function roomIsolation(options: RoomIsolationOptions): Invariant {
  const name = "room isolation";
  // By recipient: each delivery addressed to it, with the room it was in at that moment.
  const heard = new Map<Index, { entry: Addressed; room: string | undefined }[]>();
  // By delivery: the room its sender was in all through its turn, if it stayed in one.
  const saidIn = new WeakMap<Addressed, string | undefined>();
  let turnRoom: string | undefined;
  return {
    name,
    attach(sim) {
      sim.observe({
        turnStarted(index) {
          turnRoom = options.roomOf(index);
        },
        addressed(index, entry) {
          if (!saidIn.has(entry)) {
            const stayed = entry.sender !== undefined && options.roomOf(entry.sender) === turnRoom;
            saidIn.set(entry, stayed ? turnRoom : undefined);
          }
          let list = heard.get(index);
          if (!list) heard.set(index, list = []);
          list.push({ entry, room: options.roomOf(index) });
        },
      });
    },
    check(sim) {
      const violations: Violation[] = [];
      for (const client of sim.clients) {
        const addressed = client.index === undefined ? [] : heard.get(client.index) ?? [];
        let next = 0;
        for (const message of client.messages) {
          let at = next;
          while (at < addressed.length && addressed[at].entry.text !== message.text) at++;
          const matched = addressed[at];
          if (matched) next = at + 1;
          for (const command of message.commands ?? []) {
            const tag = options.tagOf(command);
            if (tag === undefined) continue;
            if (matched) {
              const { room, entry } = matched;
              if (room === tag || saidIn.get(entry) !== tag || entry.sender === client.index) {
                continue;
              }
            }
            violations.push({
              invariant: name,
              client: client.name,
              time: message.time,
              message: matched
                ? `heard ${JSON.stringify(tag)} while in ${
                  matched.room === undefined ? "no room" : JSON.stringify(matched.room)
                }`
                : `heard ${JSON.stringify(tag)} in a message the core never addressed to it`,
            });
            break;
          }
        }
      }
      return violations;
    },
  };
}

/** Options of {@linkcode hiddenInformation}. */
export interface HiddenInformationOptions {
  /** The secret only `index` may see (a token that appears nowhere else), if it has one. */
  secretOf: (index: Index) => string | undefined;
}

/**
 * Hidden information: the secret given to one index never appears in the raw bytes any
 * other index received, split across reads or not.
 *
 * @example
 * ```ts
 * import { hiddenInformation } from "../mod.ts";
 * const invariant = hiddenInformation({ secretOf: (index) => `secret-of-${index}-end` });
 * ```
 */
export function hiddenInformation(options: HiddenInformationOptions): Invariant {
  const name = "hidden information";
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      const secrets = sim.clients.flatMap((client) => {
        const secret = client.index === undefined ? undefined : options.secretOf(client.index);
        return secret ? [{ owner: client, secret }] : [];
      });
      for (const client of sim.clients) {
        const text = client.receivedText();
        for (const { owner, secret } of secrets) {
          if (owner === client || !text.includes(secret)) continue;
          violations.push({
            invariant: name,
            client: client.name,
            message: `received the secret of ${owner.name} (index ${owner.index})`,
          });
        }
      }
      return violations;
    },
  };
}
