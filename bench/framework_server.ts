/**
 * The framework under the fan-out and memory benchmarks: the rooms example game, served by
 * the adapter of the runtime that runs this file (`src/adapter/node` on Node,
 * `src/adapter/deno` on Deno), on the system clock, with the default limits except the
 * command rate: the fan-out load has each client send thousands of updates a second, far
 * over the default 200, and it measures delivery, not the rate limiter.
 *
 * Run: `node --import tsx bench/framework_server.ts`, or
 * `node_modules/.bin/deno run --allow-net --allow-env --allow-read bench/framework_server.ts`.
 * It prints `{"port":…,"pid":…}` and stops when stdin closes. With `--default-limits` it
 * keeps every default limit, the command rate too (the hostile-senders benchmark). With
 * `--protocol http` the port speaks HTTP and WebSocket instead of the raw protocol. With
 * `--app relay` it serves `bench/relay_application.ts` instead of the rooms game: the
 * framework's own cost, without the application's.
 *
 * @module
 */
import { Server } from "../mod.ts";
import { createRoomsApplication } from "../examples/rooms/mod.ts";
import { createRelayApplication } from "./relay_application.ts";
import { systemClock } from "../src/adapter/system_clock.ts";
import process from "node:process";
import type { PortProtocol } from "../src/transport/entrance.ts";
import { runServerProcess } from "./server_process.ts";
import { option } from "./targets.ts";

const protocol = option("protocol", "raw") as PortProtocol;
const app = option("app", "rooms");
if (app !== "rooms" && app !== "relay") throw new Error(`--app is rooms or relay, not ${app}`);
const { serve } = "Deno" in globalThis
  ? await import("../src/adapter/deno/mod.ts")
  : await import("../src/adapter/node/mod.ts");

await runServerProcess(() =>
  serve(
    new Server({
      application: app === "relay" ? createRelayApplication() : createRoomsApplication(),
      clock: systemClock,
      limits: process.argv.includes("--default-limits") ? {} : { commandsPerSecond: 0 },
    }),
    { hostname: "127.0.0.1", port: 0, protocol },
  )
);
