/**
 * Serves the game over TCP on Node: `npm start` (PORT=6000 npm start for another port).
 * On Deno, import `serve` from "zerobyte/deno" instead; the rest is the same.
 *
 * @module
 */
import process from "node:process";
import { Server } from "zerobyte";
import { serve, systemClock } from "zerobyte/node";
import { createGame } from "./game.ts";

const listener = await serve(new Server({ application: createGame(), clock: systemClock }), {
  port: Number(process.env.PORT || 5556),
});
// Ctrl-C: stop taking connections, let everyone leave, flush, exit 0. `on`, not `once`: under
// `npm start` the signal comes twice, from the terminal and forwarded by npm; close() is
// idempotent. Set before the line below, which tells whoever waits for it that it may signal.
process.on("SIGINT", () => void listener.close().then(() => process.exit(0)));
console.log(`listening on ${listener.hostname}:${listener.port}`);
