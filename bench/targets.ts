/**
 * The servers under test, each as the command that starts its process and the wire its
 * clients speak.
 *
 * @module
 */
import process from "node:process";
import type { Wire } from "./load_clients.ts";
import { type Command, denoScript, nodeScript } from "./processes.ts";

/** One server under test. */
export interface Target {
  /** Short name, as `--targets` takes it. */
  readonly name: string;
  /** What the tables call it. */
  readonly label: string;
  readonly server: Command;
  readonly wire: Wire;
  /** Whether clients join a room with `goto` (the raw baseline has no rooms). */
  readonly join: boolean;
  /** Run only when `--targets` names it. */
  readonly onRequest?: boolean;
  /** The target this one is the WebSocket twin of (same server, TCP): its memory is compared. */
  readonly tcpTwin?: string;
}

/** The raw baseline first: the others are compared to it. */
export const TARGETS: readonly Target[] = [
  {
    name: "raw",
    label: "raw node:net baseline",
    server: nodeScript("bench/raw_server.ts"),
    wire: "zerobyte",
    join: false,
  },
  {
    name: "raw-per-frame",
    label: "raw node:net, one write per frame",
    server: nodeScript("bench/raw_server.ts", "--per-frame"),
    wire: "zerobyte",
    join: false,
    onRequest: true,
  },
  {
    name: "raw-json",
    label: "raw node:net, each message parsed and serialized again",
    server: nodeScript("bench/raw_server.ts", "--json"),
    wire: "zerobyte",
    join: false,
    onRequest: true,
  },
  {
    name: "raw-deno",
    label: "raw Deno.listen baseline",
    server: denoScript("bench/raw_server_deno.ts"),
    wire: "zerobyte",
    join: false,
    onRequest: true,
  },
  {
    name: "node",
    label: "framework, Node adapter",
    server: nodeScript("bench/framework_server.ts"),
    wire: "zerobyte",
    join: true,
  },
  {
    name: "deno",
    label: "framework, Deno adapter",
    server: denoScript("bench/framework_server.ts"),
    wire: "zerobyte",
    join: true,
  },
  {
    name: "node-relay",
    label: "framework, Node adapter, relay application",
    server: nodeScript("bench/framework_server.ts", "--app", "relay"),
    wire: "zerobyte",
    join: true,
    onRequest: true,
  },
  {
    name: "deno-relay",
    label: "framework, Deno adapter, relay application",
    server: denoScript("bench/framework_server.ts", "--app", "relay"),
    wire: "zerobyte",
    join: true,
    onRequest: true,
  },
  {
    name: "ws-node",
    tcpTwin: "node",
    label: "framework, Node adapter, WebSocket text",
    server: nodeScript("bench/framework_server.ts", "--protocol", "http"),
    wire: "websocket",
    join: true,
  },
  {
    name: "ws-deno",
    tcpTwin: "deno",
    label: "framework, Deno adapter, WebSocket text",
    server: denoScript("bench/framework_server.ts", "--protocol", "http"),
    wire: "websocket",
    join: true,
  },
  {
    name: "ws-stream-node",
    tcpTwin: "node",
    label: "framework, Node adapter, WebSocket stream",
    server: nodeScript("bench/framework_server.ts", "--protocol", "http"),
    wire: "websocket-stream",
    join: true,
    onRequest: true,
  },
  {
    name: "ws-stream-deno",
    tcpTwin: "deno",
    label: "framework, Deno adapter, WebSocket stream",
    server: denoScript("bench/framework_server.ts", "--protocol", "http"),
    wire: "websocket-stream",
    join: true,
    onRequest: true,
  },
  {
    name: "socketio",
    label: "Socket.IO 4 (websocket)",
    server: nodeScript("bench/socketio_server.ts"),
    wire: "socketio",
    join: true,
  },
];

/**
 * The framework as an earlier commit had it, beside this one in the same run: `--base DIR`
 * names a checkout of that commit (`git worktree add DIR <commit>`), and the targets
 * `node-base` and `deno-base` (`ws-node-base`, `ws-deno-base`: over WebSocket) serve its
 * `bench/framework_server.ts` with its own sources.
 */
function baseTargets(): Target[] {
  const base = option("base", "");
  if (base === "") return [];
  const file = `${base}/bench/framework_server.ts`;
  const of = (name: string, runtime: string, server: Command, wire: Wire = "zerobyte"): Target => ({
    name,
    label: `framework at ${base}, ${runtime} adapter${
      wire === "websocket" ? ", WebSocket text" : ""
    }`,
    server,
    wire,
    join: true,
    onRequest: true,
  });
  const http = ["--protocol", "http"];
  return [
    of("node-base", "Node", nodeScript(file)),
    of("deno-base", "Deno", denoScript(file)),
    of("ws-node-base", "Node", nodeScript(file, ...http), "websocket"),
    of("ws-deno-base", "Deno", denoScript(file, ...http), "websocket"),
  ];
}

/** The value of `--name` on the command line, or `fallback`. */
export function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
}

/** The targets named by `--targets` (default: all but those run on request). */
export function selectedTargets(): Target[] {
  const named = option("targets", "");
  if (named === "") return TARGETS.filter((target) => !target.onRequest);
  const names = named.split(",");
  return [...TARGETS, ...baseTargets()].filter((target) => names.includes(target.name));
}
