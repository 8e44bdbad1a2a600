/**
 * Serves the chat example on Node: `npx tsx examples/chat/server.ts`, then talk to it with
 * `npx tsx examples/client.ts --port 5555`.
 *
 * @module
 */
import { Application, Server } from "../../mod.ts";
import { serve } from "../../src/adapter/node/mod.ts";
import { systemClock } from "../../src/adapter/system_clock.ts";
import { chat } from "./chat.ts";

const application = new Application({
  storage: { members: new Set<number>() },
  defaultController: chat,
});
const listener = await serve(new Server({ application, clock: systemClock }), { port: 5555 });
console.log(`chat on ${listener.hostname}:${listener.port}`);
