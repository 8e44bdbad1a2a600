/**
 * The command line of the example server: pure parsing of arguments and environment, so the
 * Node and Deno entry points read them the same way.
 *
 * @module
 */
import { DEFAULT_HOSTNAME, DEFAULT_PORT } from "../../src/transport/serve_options.ts";

/** What the server was asked to do. */
export interface CliOptions {
  /** Print the usage and stop. */
  help: boolean;
  hostname: string;
  port: number;
  /** The port that speaks HTTP and WebSocket only, for browsers; 0 for none. */
  wsPort: number;
  /** Keep states in this directory (a FileStore); undefined keeps them in memory. */
  dataDirectory?: string;
  /** Log warnings and errors only. */
  quiet: boolean;
  /** Answer legacy Flash policy requests. */
  flashPolicy: boolean;
  /** Which example game to serve. */
  game: Game;
  /**
   * How long a dropped player's identity is held for a resume (`ServerOptions.holdMs`), or
   * undefined for no sessions: {@linkcode DEFAULT_CARDS_HOLD_MS} for the cards game, none for
   * the rooms game (its original wire), unless `--hold-seconds` says otherwise (0: none).
   */
  holdMs: number | undefined;
  /** Join the cluster on this Redis (`--redis URL`): rooms shared with other processes. */
  redis?: string;
  /** With `redis`: a room's lease, how long the rooms of a dead process stay unavailable. */
  leaseMs: number;
  /** The card table's turn timer; undefined: the game's default. */
  turnMs: number | undefined;
}

/** A room's lease in a cluster by default: 5 seconds. */
export const DEFAULT_LEASE_MS = 5_000;

/** The card table holds a dropped player's seat this long by default: 60 seconds. */
export const DEFAULT_CARDS_HOLD_MS = 60_000;

/** The example games the server can run. */
export const GAMES = ["rooms", "cards"] as const;
/** One of {@linkcode GAMES}. */
export type Game = typeof GAMES[number];

/** The port for browsers by default. */
export const DEFAULT_WS_PORT = 8080;

/** The usage text printed by `--help`. */
export const USAGE = `Usage: npm start -- [options]          (Node)
       npm run start:deno -- [options]   (Deno, after npm install)
       deno task server [options]        (Deno, in a clone without node_modules)

Serves an example game over TCP: the rooms game of the original dress-up and coloring
clients (goto, get/load, set/save, update), or a Texas hold'em card table. Talk to it with
\`npx tsx examples/client.ts --port PORT\`. The TCP port takes WebSocket connections too
(an HTML5 build connects where its TCP build did), and so does the browsers' port; both
serve the game's page to a browser (http://127.0.0.1:8080/ by default).
Ctrl-C (SIGINT) or SIGTERM shuts it down cleanly and exits 0.

Options:
  --game GAME        rooms (default) or cards
  --host HOST        address to listen on (env HOST; default ${DEFAULT_HOSTNAME})
  --port PORT        port to listen on, 0 for any free one (env PORT; default ${DEFAULT_PORT})
  --ws-port PORT     HTTP and WebSocket only, 0 for none (default ${DEFAULT_WS_PORT})
  --data DIR         keep states as JSON files in DIR (default: in memory)
  --hold-seconds N   hold a dropped player's identity N seconds for a resume (default:
                     60 for cards; rooms keeps the original wire without it); 0: no hold
  --turn-seconds N   the card table's turn timer (default 30)
  --redis URL        join the cluster on this Redis (redis://127.0.0.1:6379): players of
                     every process share the rooms (the rooms game keeps its states there);
                     no holds (sessions are not shared between processes)
  --lease-seconds N  with --redis: a room's lease, how long a dead process's rooms wait
                     (default ${DEFAULT_LEASE_MS / 1000})
  --quiet            log warnings and errors only
  --no-flash-policy  do not answer <policy-file-request/>
  --help             print this and exit`;

/** A command line that cannot be run; its message says what is wrong. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

const FLAGS = new Set(["--quiet", "--no-flash-policy", "--help", "-h"]);
const VALUED = new Set([
  "--host",
  "--port",
  "--ws-port",
  "--data",
  "--game",
  "--hold-seconds",
  "--turn-seconds",
  "--redis",
  "--lease-seconds",
]);

/**
 * Reads the options from the arguments (after the script's name) and the environment;
 * arguments win over HOST and PORT. Throws a {@linkcode CliError} for anything it cannot use.
 *
 * @example
 * ```ts
 * import { parseCliOptions } from "./options.ts";
 * const options = parseCliOptions(["--port=6000", "--quiet"], { HOST: "0.0.0.0" });
 * // { help: false, hostname: "0.0.0.0", port: 6000, quiet: true, flashPolicy: true, ... }
 * ```
 */
export function parseCliOptions(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliOptions {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = splitOption(args[i]);
    if (FLAGS.has(name) && inline === undefined) {
      flags.add(name);
    } else if (VALUED.has(name)) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new CliError(`${name} needs a value`);
      values.set(name, value);
    } else {
      throw new CliError(`unknown option: ${args[i]}`);
    }
  }
  const dataDirectory = values.get("--data");
  if (dataDirectory === "") throw new CliError("--data needs a directory");
  const game = parseGame(values.get("--game"));
  if (game === "cards" && dataDirectory !== undefined) {
    throw new CliError("--data is for the rooms game");
  }
  const redis = values.get("--redis");
  if (redis !== undefined && !/^rediss?:\/\/\S+$/.test(redis)) {
    throw new CliError(`bad redis: ${JSON.stringify(redis)} (redis://HOST:PORT)`);
  }
  if (redis !== undefined && dataDirectory !== undefined) {
    throw new CliError("--data and --redis: with --redis the states are kept in Redis");
  }
  if (redis !== undefined && values.has("--hold-seconds")) {
    throw new CliError("--hold-seconds and --redis: sessions are not shared between processes");
  }
  return {
    help: flags.has("--help") || flags.has("-h"),
    // An empty variable (`PORT= npm start`) counts as unset.
    hostname: parseHost(values.get("--host") ?? (env.HOST || undefined)),
    port: parsePort(values.get("--port") ?? (env.PORT || undefined)),
    wsPort: parsePort(values.get("--ws-port"), DEFAULT_WS_PORT),
    dataDirectory,
    quiet: flags.has("--quiet"),
    flashPolicy: !flags.has("--no-flash-policy"),
    game,
    holdMs: redis === undefined ? parseHold(values.get("--hold-seconds"), game) : undefined,
    redis,
    leaseMs: parseSeconds("--lease-seconds", values.get("--lease-seconds"), DEFAULT_LEASE_MS),
    turnMs: values.has("--turn-seconds")
      ? parseSeconds("--turn-seconds", values.get("--turn-seconds"), 0)
      : undefined,
  };
}

function parseHold(value: string | undefined, game: Game): number | undefined {
  if (value === undefined) return game === "cards" ? DEFAULT_CARDS_HOLD_MS : undefined;
  const seconds = /^\d{1,7}(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(seconds >= 0)) throw new CliError(`bad hold: ${JSON.stringify(value)} (seconds >= 0)`);
  return seconds === 0 ? undefined : seconds * 1000;
}

/** A positive duration in seconds (at most a day), as milliseconds. */
function parseSeconds(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const seconds = /^\d{1,5}(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(seconds >= 0.1 && seconds <= 86_400)) {
    throw new CliError(`bad ${name.slice(2)}: ${JSON.stringify(value)} (0.1 to 86400)`);
  }
  return Math.round(seconds * 1000);
}

function parseGame(value: string | undefined): Game {
  if (value === undefined) return "rooms";
  const game = GAMES.find((name) => name === value);
  if (!game) throw new CliError(`bad game: ${JSON.stringify(value)} (${GAMES.join(" or ")})`);
  return game;
}

function splitOption(arg: string): [name: string, inline: string | undefined] {
  const equals = arg.indexOf("=");
  return arg.startsWith("--") && equals > 0
    ? [arg.slice(0, equals), arg.slice(equals + 1)]
    : [arg, undefined];
}

function parseHost(value: string | undefined): string {
  if (value === undefined) return DEFAULT_HOSTNAME;
  if (!/^[\w.:-]+$/.test(value)) throw new CliError(`bad host: ${JSON.stringify(value)}`);
  return value;
}

function parsePort(value: string | undefined, fallback = DEFAULT_PORT): number {
  if (value === undefined) return fallback;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port <= 65535)) {
    throw new CliError(`bad port: ${JSON.stringify(value)} (an integer from 0 to 65535)`);
  }
  return port;
}
