/**
 * An oracle for the rooms example: a plain model of its protocol (goto, get/load, set/save,
 * update, the error replies) that says what every client must receive and what the store
 * must hold. Written from the protocol, not from the controller, so the two can disagree.
 */
import type { Command, JsonValue } from "../../mod.ts";

/** The default list bound of the rooms example's `update`. */
const MAX_LIST_LENGTH = 10_000;

/** Who must receive one message: model client ids, and the commands of the message. */
export type Expected = readonly [recipients: readonly number[], commands: readonly Command[]];

/**
 * The rooms protocol in memory. Clients are named by ids the test chooses (not by server
 * indexes), in connect order.
 *
 * @example
 * ```ts
 * import { RoomsModel } from "./rooms_model.ts";
 * const model = new RoomsModel();
 * model.connect(1);
 * model.handle(1, [{ code: "goto", key: "a" }]); // [[[1], [{ code: "goto", key: "a", success: true }]]]
 * ```
 */
export class RoomsModel {
  /** The states stored, by key: what the store must hold. */
  readonly states = new Map<string, JsonValue>();
  readonly #connected: number[] = [];
  readonly #roomOf = new Map<number, string>();
  /** Every member's join, in order; the audience of a room keeps that order. */
  #joins: [id: number, room: string][] = [];

  connect(id: number): void {
    this.#connected.push(id);
  }

  disconnect(id: number): void {
    this.#connected.splice(this.#connected.indexOf(id) >>> 0, 1);
    this.#leave(id);
  }

  /** The messages one message of commands from `id` makes, one per command, in order. */
  handle(id: number, commands: readonly Command[]): Expected[] {
    return commands.map((command) => {
      try {
        return this.#run(id, command);
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        return [[id], [refusal(command, error.message)]];
      }
    });
  }

  #run(id: number, command: Command): Expected {
    const verb = verbOf(command);
    const known = ["goto", "get", "load", "set", "save", "update"];
    if (!known.includes(verb)) throw new Refusal("unknown code");
    if (typeof command.key !== "string" || !Object.hasOwn(command, "key")) {
      throw new Refusal("key must be a string");
    }
    const key = command.key;
    if (verb === "goto") {
      const moved = this.#roomOf.get(id) !== key;
      if (moved) {
        this.#leave(id);
        this.#roomOf.set(id, key);
        this.#joins.push([id, key]);
      }
      return [[id], [{ ...command, success: moved }]];
    }
    if (verb === "get" || verb === "load") {
      return [[id], [{ ...command, success: true, state: this.states.get(key) ?? null }]];
    }
    if (verb === "update") return this.#update(id, command, key);
    this.states.set(key, field(command, "state"));
    return [this.#audienceOf(id), [{ ...command, success: true }]];
  }

  #update(id: number, command: Command, key: string): Expected {
    const at = field(command, "index");
    if (typeof at !== "number" || !Number.isInteger(at) || at < 0) {
      throw new Refusal("index must be an integer >= 0");
    }
    if (at >= MAX_LIST_LENGTH) throw new Refusal(`index must be below ${MAX_LIST_LENGTH}`);
    const value = field(command, "value");
    const stored = this.states.get(key) ?? null;
    if (stored !== null && !Array.isArray(stored)) {
      throw new Refusal("the state under this key is not a list");
    }
    const list = [...stored ?? []];
    while (list.length < at) list.push(0);
    list[at] = value;
    this.states.set(key, list);
    return [this.#audienceOf(id), [{ ...command, success: true }]];
  }

  #audienceOf(id: number): number[] {
    const room = this.#roomOf.get(id);
    if (room === undefined) return [...this.#connected];
    return this.#joins.filter(([, joined]) => joined === room).map(([member]) => member);
  }

  #leave(id: number): void {
    this.#roomOf.delete(id);
    this.#joins = this.#joins.filter(([member]) => member !== id);
  }
}

/** A command the protocol refuses, with the message its sender gets. */
class Refusal extends Error {}

function verbOf(command: Command): string {
  const name = Object.hasOwn(command, "code") ? "code" : "command";
  if (!Object.hasOwn(command, name)) throw new Refusal("missing code");
  const verb = command[name];
  if (typeof verb !== "string") throw new Refusal("code must be a string");
  return verb;
}

function field(command: Command, name: string): JsonValue {
  if (!Object.hasOwn(command, name)) throw new Refusal(`${name} is required`);
  return command[name];
}

/** The error reply: the message, and the request's verb and key fields as it sent them. */
function refusal(command: Command, message: string): Command {
  const reply: Command = { error: message };
  for (const name of ["code", "command", "key"]) {
    if (Object.hasOwn(command, name)) reply[name] = command[name];
  }
  return reply;
}
