/**
 * Reading the two fields every protocol shares: the verb and the key.
 *
 * @module
 */
import { CommandError } from "./application.ts";
import type { Command } from "./types.ts";

/**
 * The verb of a command: `code`, else `command` (the original Haxe clients' spelling).
 * Throws a {@linkcode CommandError} when there is none or it is not a string.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { verbOf } from "../../mod.ts";
 * assert.equal(verbOf({ code: "goto", key: "a" }), "goto");
 * assert.equal(verbOf({ command: "save", key: "a" }), "save");
 * assert.throws(() => verbOf({ key: "a" }), { name: "CommandError", message: "missing code" });
 * ```
 */
export function verbOf(command: Command): string {
  const field = Object.hasOwn(command, "code") ? "code" : "command";
  if (!Object.hasOwn(command, field)) throw new CommandError("missing code");
  const verb = command[field];
  if (typeof verb !== "string") throw new CommandError("code must be a string");
  return verb;
}

/**
 * The `key` of a command, which must be a string; throws a {@linkcode CommandError}
 * (saying what the key names, if `names` is given) otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { keyOf } from "../../mod.ts";
 * assert.equal(keyOf({ code: "get", key: "dresser" }), "dresser");
 * assert.throws(() => keyOf({ code: "get", key: 7 }, "a room"), {
 *   name: "CommandError",
 *   message: "key must be a string (a room)",
 * });
 * ```
 */
export function keyOf(command: Command, names?: string): string {
  const key = Object.hasOwn(command, "key") ? command.key : undefined;
  if (typeof key !== "string") {
    throw new CommandError(`key must be a string${names ? ` (${names})` : ""}`);
  }
  return key;
}
