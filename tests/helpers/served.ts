/**
 * The adapters under test, as a table, and a scope that serves a server core on a free port of
 * 127.0.0.1 and closes everything it opened, whatever the test does.
 */
import type { Server } from "../../mod.ts";
import type { Listener, ServeOptions } from "../../src/transport/serve_options.ts";
import { serve as serveDeno } from "../../src/adapter/deno/mod.ts";
import { serve as serveNode } from "../../src/adapter/node/mod.ts";
import { TcpClient } from "./tcp_client.ts";
import { within } from "./timeout.ts";

/** How long a test waits for a listener to close before it fails. */
export const CLOSE_WAIT_MS = 5000;

/** One adapter: its name, its `serve`, and whether this runtime can run it. */
export interface Adapter {
  readonly name: string;
  serve<S>(server: Server, options?: ServeOptions): Promise<Listener>;
  /** A reason to skip its tests on this runtime, or false. */
  readonly skip: string | false;
}

/** Both adapters; the Deno one only runs on Deno, the Node one runs on both (node:net). */
export const ADAPTERS: readonly Adapter[] = [
  { name: "node", serve: serveNode, skip: false },
  { name: "deno", serve: serveDeno, skip: typeof Deno === "undefined" && "needs Deno" },
];

/** What a test gets inside {@linkcode withServed}. */
export interface Served {
  readonly listener: Listener;
  /** Connects `count` clients in order; they are closed when the scope ends. */
  connect(count: number): Promise<TcpClient[]>;
}

/**
 * Serves `server` through `adapter` on a free port, runs `body`, then closes the listener
 * (which shuts the server down) and every client.
 */
export async function withServed<S, T>(
  adapter: Adapter,
  server: Server,
  body: (served: Served) => Promise<T>,
  options: ServeOptions = {},
): Promise<T> {
  const listener = await adapter.serve(server, { port: 0, closeTimeoutMs: 1000, ...options });
  const clients: TcpClient[] = [];
  const connect = async (count: number) => {
    const more = await TcpClient.connectMany(listener.port, count);
    clients.push(...more);
    return more;
  };
  try {
    return await body({ listener, connect });
  } finally {
    await within(listener.close(), CLOSE_WAIT_MS, "the listener to close");
    await Promise.all(clients.map((client) => client.close()));
  }
}
