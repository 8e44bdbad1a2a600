/**
 * The example server's program, whichever runtime runs it: read the options, build the
 * logger, the store, the rooms application and the server, serve it, and shut down cleanly
 * on SIGINT or SIGTERM. The entry points (`node.ts`, `deno.ts`) only hand it their runtime.
 *
 * @module
 */
import {
  type Application,
  type ApplicationHooks,
  createLogger,
  type Logger,
  MemoryStore,
  Server,
  type StateStore,
} from "../../mod.ts";
import type { Listener, ServeOptions } from "../../src/transport/serve_options.ts";
import { systemClock } from "../../src/adapter/system_clock.ts";
import { FileStore } from "../../src/store/file_store.ts";
import type { RedisClient } from "../../src/cluster/redis_client.ts";
import type { ClusterNode } from "../../src/cluster/cluster_node.ts";
import { clusterRoomsGame } from "../cluster/rooms_game.ts";
import { clusterCardsGame } from "../cluster/cards_game.ts";
import { createCardTableApplication } from "../cards/mod.ts";
import { connectNodeRedis } from "../cluster/redis_npm.ts";
import { joinCluster } from "./cluster.ts";
import { createRoomsApplication } from "../rooms/mod.ts";
import { CliError, type CliOptions, parseCliOptions, USAGE } from "./options.ts";
import { loadPages, type ReadWebFile } from "./pages.ts";

/** The signals that stop the server gracefully. */
export type StopSignal = "SIGINT" | "SIGTERM";

/** What a runtime gives the program. */
export interface Runtime {
  /** The arguments after the script's name. */
  args: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** The adapter's `serve`. */
  serve<S>(server: Server, options: ServeOptions): Promise<Listener>;
  onSignal(signal: StopSignal, handler: () => void): void;
  /** Prints one line to standard output. */
  out(line: string): void;
  /** Prints one line to standard error. */
  err(line: string): void;
  exit(code: number): never;
  /** Reads a file of the browser pages (`examples/web/`) by its name. */
  readWebFile: ReadWebFile;
}

/**
 * Runs the example server until a stop signal; exits with 0 after a clean shutdown, 2 for a
 * bad command line, 1 when it cannot start.
 */
export async function main(runtime: Runtime): Promise<void> {
  let options: CliOptions;
  try {
    options = parseCliOptions(runtime.args, runtime.env);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    runtime.err(`error: ${error.message}\n\n${USAGE}`);
    return runtime.exit(2);
  }
  if (options.help) {
    runtime.out(USAGE);
    return runtime.exit(0);
  }
  const logger = createLogger({
    level: options.quiet ? "warn" : "info",
    write: (line, level) => {
      const stamped = `${new Date().toISOString()} ${line}`;
      if (level === "warn" || level === "error") runtime.err(stamped);
      else runtime.out(stamped);
    },
  });
  let listener: Listener & { wsPort?: number };
  try {
    listener = await start(runtime, options, logger);
  } catch (error) {
    logger.error("cannot start", { reason: String(error) });
    return runtime.exit(1);
  }
  // Handlers first: whoever reads "listening" may signal at once.
  stopOnSignals(runtime, listener, logger);
  logger.info("listening", {
    hostname: listener.hostname,
    port: listener.port,
    wsPort: listener.wsPort ?? "off",
  });
}

/**
 * Builds the server (alone, or this process's node of a cluster with `--redis`) and serves it.
 */
async function start(
  runtime: Runtime,
  options: CliOptions,
  logger: Logger,
): Promise<Listener & { wsPort?: number }> {
  const flashPolicy = options.flashPolicy ? undefined : null;
  let server: Server;
  let leave = () => Promise.resolve();
  if (options.redis === undefined) {
    server = new Server({
      application: await createGame(options, logger),
      logger,
      clock: systemClock, // for timed commands (after_ms, period_ms)
      flashPolicy,
      holdMs: options.holdMs, // sessions: a dropped player may resume (cards by default)
    });
  } else {
    const redis = await connectNodeRedis(options.redis);
    if (redis === undefined) throw new Error("the redis package is not installed (npm i redis)");
    const { node, close } = await joinCluster({
      redis,
      game: options.game,
      application: createClusterGame(options, logger, redis),
      leaseMs: options.leaseMs,
      logger,
      server: { flashPolicy },
    });
    server = node.server;
    leave = close;
  }
  const listener = await listen(runtime, options, logger, server);
  // Closing the ports shuts the front server down; then the node leaves the cluster.
  return { ...listener, close: () => listener.close().then(leave) };
}

/**
 * Serves the game on the TCP port, which tells WebSocket from the raw protocol by the first
 * bytes, and on the WebSocket port unless it is 0.
 */
async function listen(
  runtime: Runtime,
  options: CliOptions,
  logger: Logger,
  server: Server,
): Promise<Listener & { wsPort?: number }> {
  const { hostname } = options;
  // A plain GET on either port gets the chosen game's page.
  const page = await loadPages(options.game, runtime.readWebFile);
  const tcp = await runtime.serve(server, {
    hostname,
    port: options.port,
    logger,
    protocol: "sniff",
    page,
  });
  if (options.wsPort === 0) return tcp;
  let ws: Listener;
  try {
    ws = await runtime.serve(server, {
      hostname,
      port: options.wsPort,
      logger,
      protocol: "http",
      page,
    });
  } catch (error) {
    await tcp.close();
    throw error;
  }
  // One server behind both: closing either shuts it down; the whole closes both ports.
  const close = () => Promise.all([tcp.close(), ws.close()]).then(() => {});
  return { hostname: tcp.hostname, port: tcp.port, wsPort: ws.port, close };
}

/** The application of the chosen game; the rooms game keeps its states in the chosen store. */
async function createGame(options: CliOptions, logger: Logger): Promise<Application<unknown>> {
  if (options.game === "cards") {
    return createCardTableApplication({ logger, turnTimeoutMs: options.turnMs }) as Application<
      unknown
    >;
  }
  const store: StateStore = options.dataDirectory === undefined
    ? new MemoryStore()
    : await FileStore.open(options.dataDirectory);
  return createRoomsApplication({ store, logger }) as Application<unknown>;
}

/**
 * The game of this process's cluster node, in the cluster's Redis: the rooms game's states,
 * each player's writes guarded by the lease of its room; the card table's tables, written
 * while this process holds them, for the next owner to resume.
 */
function createClusterGame(
  options: CliOptions,
  logger: Logger,
  redis: RedisClient,
): (node: ClusterNode) => ApplicationHooks {
  if (options.game === "rooms") return clusterRoomsGame(redis, { logger });
  return clusterCardsGame(redis, { logger, turnTimeoutMs: options.turnMs });
}

/**
 * How soon after the first stop signal a second one still counts as the same: under
 * `npm start`, a Ctrl-C reaches the server from the terminal and again from npm, which
 * forwards it.
 */
const REPEATED_SIGNAL_MS = 1000;

/**
 * The first signal shuts down cleanly; a second one, while that runs and more than
 * {@linkcode REPEATED_SIGNAL_MS} later, exits at once.
 */
function stopOnSignals(runtime: Runtime, listener: Listener, logger: Logger): void {
  let stoppingSince: number | undefined;
  const stop = (signal: StopSignal) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < REPEATED_SIGNAL_MS) return;
      logger.warn("stopped without finishing the shutdown", { signal });
      return runtime.exit(1);
    }
    stoppingSince = Date.now();
    logger.info("shutting down", { signal });
    listener.close().then(() => {
      logger.info("stopped");
      runtime.exit(0);
    }, (error) => {
      logger.error("shutdown failed", { reason: String(error) });
      runtime.exit(1);
    });
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) runtime.onSignal(signal, () => stop(signal));
}
