/**
 * The client side of the memory benchmark: opens a number of connections to a server and
 * leaves them idle (nothing sent) until its stdin closes. Once all are connected and have
 * settled, it prints `{"connected":…,"open":…}`: `open` counts those the server has not
 * closed since, so a server that refuses some cannot pass for a frugal one.
 *
 * Run: `node --import tsx bench/idle_clients.ts '{"wire":"zerobyte","port":5554,"count":1000}'`
 * (normally started by bench/memory.ts).
 *
 * @module
 */
import process from "node:process";
import { connectClients, type Wire } from "./load_clients.ts";
import { untilStdinEnds } from "./server_process.ts";

/** What the memory benchmark asks of its client process. */
export interface IdleClientsOptions {
  wire: Wire;
  port: number;
  count: number;
}

/** How long the connections sit before they are counted. */
const SETTLE_MS = 500;
/** The process gives up holding its connections after this long, whatever its parent does. */
const MAX_HOLD_MS = 120_000;

const options = JSON.parse(process.argv[2]) as IdleClientsOptions;
const clients = await connectClients(options.wire, options.port, options.count);
await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
const open = clients.filter((client) => client.open).length;
console.log(JSON.stringify({ connected: clients.length, open }));
await untilStdinEnds(MAX_HOLD_MS);
for (const client of clients) client.close();
process.exit(0);
