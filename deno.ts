/**
 * The Deno entry point (`zerobyte/deno`): the TCP adapter on `Deno.listen` and the system
 * clock that timed commands run on. On Node, use `zerobyte/node`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application, deliver, Server } from "./mod.ts";
 * import { serve, systemClock } from "./deno.ts";
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
export * from "./src/adapter/deno/mod.ts";
export { systemClock } from "./src/adapter/system_clock.ts";
