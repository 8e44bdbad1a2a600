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
 * `--protocol http` the port speaks HTTP and WebSocket instead of the raw protocol.
 *
 * @module
 */
import { Server } from "../mod.ts";
import { createRoomsApplication } from "../examples/rooms/mod.ts";
import { systemClock } from "../src/adapter/system_clock.ts";
import process from "node:process";
import type { PortProtocol } from "../src/transport/entrance.ts";
import { runServerProcess } from "./server_process.ts";

const at = process.argv.indexOf("--protocol");
const protocol = (at === -1 ? "raw" : process.argv[at + 1]) as PortProtocol;
const { serve } = "Deno" in globalThis
  ? await import("../src/adapter/deno/mod.ts")
  : await import("../src/adapter/node/mod.ts");

await runServerProcess(() =>
  serve(
    new Server({
      application: createRoomsApplication(),
      clock: systemClock,
      limits: process.argv.includes("--default-limits") ? {} : { commandsPerSecond: 0 },
    }),
    { hostname: "127.0.0.1", port: 0, protocol },
  )
);
