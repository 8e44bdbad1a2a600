/**
 * The pure core of the framework (`zerobyte`): commands and deliveries, the JSON parser of
 * the wire protocol, the Application and its controllers, the IO-free server core with its
 * limits, internal and timed commands, and the in-memory state store. What touches the
 * outside world has an entry point of its own: `zerobyte/node` and `zerobyte/deno` (the TCP
 * adapters and the system clock), `zerobyte/file-store`, `zerobyte/cluster` (several processes
 * through Redis), and `zerobyte/sim` (the simulator).
 *
 * @example
 * ```ts
 * import { Application, deliver, ManualClock, Server } from "./mod.ts";
 * const application = new Application({
 *   storage: null,
 *   defaultController: { handleCommand: (command, { index }) => deliver([index], command) },
 * });
 * // What a command gets back: deliveries, here one to its sender.
 * const result = await application.handleCommands(1, [{ code: "hi" }]);
 * if (JSON.stringify(result) !== '[[[1],[{"code":"hi"}]]]') throw new Error("not delivered");
 * // A real server takes `systemClock` from `zerobyte/node` or `zerobyte/deno`.
 * const server = new Server({ application, clock: new ManualClock() });
 * if (server.connections.count !== 0) throw new Error("no connection yet"); // the core's view
 * ```
 *
 * @module
 */
// Commands, results, and the application that produces them.
export * from "./src/core/types.ts";
export * from "./src/core/fields.ts";
export * from "./src/core/application.ts";
export * from "./src/core/logger.ts";
// Bytes <-> commands.
export * from "./src/parser/parser.ts";
export * from "./src/parser/json_parser.ts";
// The server core and its seams.
export * from "./src/core/application_hooks.ts";
export * from "./src/core/connection.ts";
export * from "./src/core/deliver.ts";
export * from "./src/core/live_connections.ts";
export * from "./src/core/server.ts";
export * from "./src/core/flash_policy.ts";
export * from "./src/core/server_options.ts";
// The connection layer: what every transport's sockets go through.
export * from "./src/transport/socket.ts";
export * from "./src/transport/socket_connection.ts";
export * from "./src/transport/transport.ts";
export * from "./src/transport/write_batcher.ts";
// WebSocket as one more socket record of the layer, and a port's entrance (raw, HTTP, both).
export * from "./src/transport/websocket_options.ts";
export * from "./src/transport/open_websocket.ts";
export * from "./src/transport/http_upgrade.ts";
export * from "./src/transport/entrance.ts";
// Limits.
export * from "./src/core/limits.ts";
export * from "./src/core/connection_policy.ts";
export * from "./src/core/outbound_guard.ts";
export * from "./src/core/token_bucket.ts";
// Sessions: a held identity and its resume.
export * from "./src/core/sessions.ts";
// Time: internal and timed commands.
export * from "./src/core/clock.ts";
export * from "./src/core/manual_clock.ts";
export * from "./src/core/scheduler.ts";
export * from "./src/core/internal.ts";
export * from "./src/core/internal_commands.ts";
// State.
export * from "./src/store/state_store.ts";
export * from "./src/store/store_limits.ts";
export * from "./src/store/memory_store.ts";
