/**
 * What a game's turn costs apart from the server around it: the fan-out benchmark's update,
 * handed straight to the rooms game's `Application` and to the relay's
 * (`bench/relay_application.ts`), in a room of 100 (`--members N`), in one process. The
 * difference is the rooms game's own work per update (read the list, copy it with the
 * element set, check its depth and size, store it, echo the command), which the raw
 * forwarder never does.
 *
 * Run: `node --import tsx bench/application_cost.ts [--members 100]` or
 * `node_modules/.bin/deno run -A bench/application_cost.ts` (prints µs per update, 3 rounds
 * each).
 *
 * @module
 */
import { createRoomsApplication } from "../examples/rooms/mod.ts";
import type { ApplicationHooks } from "../src/core/application_hooks.ts";
import { createRelayApplication } from "./relay_application.ts";
import { option } from "./targets.ts";

const MEMBERS = Number(option("members", "100"));
const UPDATES = 200_000;
const ROUNDS = 3;

/** Microseconds per update, once the room is formed. */
async function costPerUpdate(application: ApplicationHooks): Promise<number> {
  for (let index = 1; index <= MEMBERS; index++) {
    await application.onConnect(index);
    await application.handleCommands(index, [{ code: "goto", key: "bench" }]);
  }
  const start = performance.now();
  for (let n = 0; n < UPDATES; n++) {
    const update = { code: "update", key: "bench", index: n % MEMBERS, value: 1234.567 + n };
    await application.handleCommands((n % MEMBERS) + 1, [update]);
  }
  return ((performance.now() - start) * 1000) / UPDATES;
}

const games = { rooms: createRoomsApplication, relay: createRelayApplication };
for (let round = 1; round <= ROUNDS; round++) {
  const costs = [];
  for (const [name, create] of Object.entries(games)) {
    costs.push(`${name} ${(await costPerUpdate(create())).toFixed(2)} µs`);
  }
  console.log(`round ${round}: ${costs.join(", ")} per update`);
}
