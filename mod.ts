/**
 * The pure core of the framework: commands and deliveries, the JSON parser of the wire
 * protocol, the Application and its controllers, and the IO-free server core. Transports
 * live in their own entry points (`./src/adapter/node/mod.ts`, `./src/adapter/deno/mod.ts`).
 *
 * @example
 * ```ts
 * import { Application, deliver, Server } from "./mod.ts";
 * const application = new Application({
 *   storage: null,
 *   defaultController: { handleCommand: (command, { index }) => deliver([index], command) },
 * });
 * const server = new Server({ application });
 * ```
 *
 * @module
 */
export * from "./src/core/types.ts";
export * from "./src/core/logger.ts";
export * from "./src/core/application.ts";
export * from "./src/core/connection.ts";
export * from "./src/core/registry.ts";
export * from "./src/core/send.ts";
export * from "./src/core/server.ts";
export * from "./src/parser/parser.ts";
export * from "./src/parser/json_parser.ts";
export * from "./src/store/state_store.ts";
export * from "./src/store/memory_store.ts";
export * from "./src/core/clock.ts";
export * from "./src/core/scheduler.ts";
export * from "./src/core/internal.ts";
export * from "./src/core/manual_clock.ts";
export * from "./src/core/internal_commands.ts";
export * from "./src/core/fields.ts";
