/**
 * Serves the chat example: `npx tsx examples/chat/server.ts` (Node) or
 * `deno run --allow-net examples/chat/server.ts`, then talk to it with
 * `npx tsx examples/client.ts --port 5555`. `--port` picks another port (0: any free one).
 *
 * @module
 */
import process from "node:process";
import { Application, Server } from "zerobyte";
import { serve, systemClock } from "zerobyte/node"; // on Deno, "zerobyte/deno" works too
import { chat } from "./chat.ts";

const at = process.argv.indexOf("--port");
const port = at === -1 ? 5555 : Number(process.argv[at + 1]);
const application = new Application({ storage: { members: new Set() }, defaultController: chat });
const listener = await serve(new Server({ application, clock: systemClock }), { port });
console.log(`chat on ${listener.hostname}:${listener.port}`);
