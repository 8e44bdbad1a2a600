/**
 * The lightest game a fan-out can have, on the framework's own {@linkcode Application}: a
 * connection that sends `goto` joins the one audience, and every other command goes to all
 * of it with `success: true`, the rooms game's echo, so the same bytes go out. No store, no
 * list, no state limits: what is left of the fan-out benchmark's cost is the framework's
 * (parse and check each message, route it, run its turn, encode and deliver it), against
 * which the rooms game's own work is measured (`--app relay` of `bench/framework_server.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRelayApplication } from "./relay_application.ts";
 * const relay = createRelayApplication();
 * await relay.handleCommands(1, [{ code: "goto", key: "any" }]);
 * await relay.handleCommands(2, [{ code: "goto", key: "any" }]);
 * const update = { code: "update", value: 7 };
 * const echo = { code: "update", value: 7, success: true };
 * assert.deepEqual(await relay.handleCommands(1, [update]), [[[1, 2], [echo]]]);
 * await relay.onDisconnect(1);
 * assert.deepEqual(await relay.handleCommands(2, [update]), [[[2], [echo]]]);
 * ```
 *
 * @module
 */
import { Application, deliver, type Index } from "../mod.ts";

const SUCCESS = { success: true };

/** Who is in the audience: a new array on every change, as a delivery keeps the one it got. */
export interface Audience {
  members: readonly Index[];
}

/** A relay: `goto` joins, anything else goes to all who joined; each echoed with success. */
export function createRelayApplication(): Application<Audience> {
  return new Application<Audience>({
    storage: { members: [] },
    defaultController: {
      handleCommand(command, { index, storage }) {
        // Object.assign, as the rooms game echoes: a spread costs ten times more on Node 20.
        const echo = Object.assign({}, command, SUCCESS);
        if (command.code !== "goto") return deliver(storage.members, echo);
        if (!storage.members.includes(index)) storage.members = [...storage.members, index];
        return deliver([index], echo);
      },
      onDisconnect({ index, storage }) {
        storage.members = storage.members.filter((member) => member !== index);
        return [];
      },
    },
  });
}
