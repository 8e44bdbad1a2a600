/**
 * The shapes every part of the framework agrees on: commands, deliveries and results.
 *
 * @module
 */

/** Any value JSON can carry. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/**
 * One command: a plain JSON object. `code` (or `command`, as the original Haxe clients
 * spell it) names the verb and `key` the state or room it is about.
 *
 * @example
 * ```ts
 * import type { Command } from "../../mod.ts";
 * const join: Command = { code: "goto", key: "dresser" };
 * ```
 */
export type Command = { [field: string]: JsonValue };

/** The integer a server gives each connection: 1, 2, 3, ..., never reused while it lives. */
export type Index = number;

/**
 * Commands addressed to a list of connection indexes. An empty list of indexes addresses
 * nobody; such commands are not written anywhere.
 *
 * @example
 * ```ts
 * import type { Delivery } from "../../mod.ts";
 * const toRoom: Delivery = [[1, 2], [{ code: "save", key: "room", success: true }]];
 * ```
 */
export type Delivery = readonly [indexes: readonly Index[], commands: readonly Command[]];

/** What handling produces: any number of deliveries, sent in order. */
export type Result = Delivery[];

/**
 * Builds a result of one delivery.
 *
 * @example
 * ```ts
 * import { deliver } from "../../mod.ts";
 * const result = deliver([3], { error: "unknown code" });
 * // result is [[[3], [{ error: "unknown code" }]]]
 * ```
 */
export function deliver(indexes: readonly Index[], ...commands: Command[]): Result {
  return [[indexes, commands]];
}

/** True for a plain JSON object (not null, not an array): the only thing that is a command. */
export function isCommand(value: unknown): value is Command {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
