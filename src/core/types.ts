/**
 * The shapes every part of the framework agrees on: commands, deliveries and results.
 *
 * @module
 */

/**
 * Any value JSON can carry.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { JsonValue } from "../../mod.ts";
 * const state: JsonValue = { hand: [3, 7], folded: false, note: null };
 * assert.deepEqual(JSON.parse(JSON.stringify(state)), state);
 * ```
 */
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
 * import assert from "node:assert/strict";
 * import { type Command, isCommand, keyOf, verbOf } from "../../mod.ts";
 * const join: Command = { code: "goto", key: "dresser" };
 * assert.ok(isCommand(join));
 * assert.equal(verbOf(join), "goto");
 * assert.equal(keyOf(join), "dresser");
 * ```
 */
export type Command = { [field: string]: JsonValue };

/**
 * The integer a server gives each connection: 1, 2, 3, ..., never reused while it lives.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deliver, type Index } from "../../mod.ts";
 * const seats: Index[] = [1, 4];
 * assert.deepEqual(deliver(seats, { code: "deal" }), [[[1, 4], [{ code: "deal" }]]]);
 * ```
 */
export type Index = number;

/**
 * Commands addressed to a list of connection indexes. An empty list of indexes addresses
 * nobody; such commands are not written anywhere.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Delivery } from "../../mod.ts";
 * const toRoom: Delivery = [[1, 2], [{ code: "save", key: "room", success: true }]];
 * const [indexes, commands] = toRoom;
 * assert.deepEqual(indexes, [1, 2]);
 * assert.equal(commands[0].success, true);
 * ```
 */
export type Delivery = readonly [indexes: readonly Index[], commands: readonly Command[]];

/**
 * What handling produces: any number of deliveries, sent in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deliver, type Result } from "../../mod.ts";
 * const result: Result = [
 *   ...deliver([1], { code: "bet", success: true }),
 *   ...deliver([2, 3], { code: "bet", by: 1 }),
 * ];
 * assert.deepEqual(result.map(([indexes]) => indexes), [[1], [2, 3]]);
 * ```
 */
export type Result = Delivery[];

/**
 * Builds a result of one delivery.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deliver } from "../../mod.ts";
 * const result = deliver([3], { error: "unknown code" });
 * assert.deepEqual(result, [[[3], [{ error: "unknown code" }]]]);
 * ```
 */
export function deliver(indexes: readonly Index[], ...commands: Command[]): Result {
  return [[indexes, commands]];
}

/**
 * True for a plain JSON object (not null, not an array): the only thing that is a command.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isCommand } from "../../mod.ts";
 * assert.equal(isCommand({ code: "ping" }), true);
 * assert.equal(isCommand([{ code: "ping" }]), false);
 * assert.equal(isCommand(null), false);
 * assert.equal(isCommand("ping"), false);
 * ```
 */
export function isCommand(value: unknown): value is Command {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
