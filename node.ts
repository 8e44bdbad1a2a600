/**
 * The Node entry point (`zerobyte/node`): the TCP adapter on `node:net` and the system clock
 * that timed commands run on. It runs on Deno as well, through Deno's `node:net`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application, deliver, Server } from "./mod.ts";
 * import { serve, systemClock } from "./node.ts";
 * const application = new Application({
 *   storage: null,
 *   defaultController: { handleCommand: (command, { index }) => deliver([index], command) },
 * });
 * const listener = await serve(new Server({ application, clock: systemClock }), { port: 0 });
 * assert.ok(listener.port > 0); // port 0 asks the system for a free one
 * await listener.close();
 * ```
 *
 * @module
 */
export * from "./src/adapter/node/mod.ts";
export { systemClock } from "./src/adapter/system_clock.ts";
