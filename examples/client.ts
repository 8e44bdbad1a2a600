/**
 * A tiny line client for the example servers: each line typed (or piped) on standard input
 * is sent as one message (a zero byte is added), and each message received is printed as
 * one line of JSON. End the input (Ctrl-D) to hang up.
 *
 * ```sh
 * npx tsx examples/client.ts --port 5554
 * deno run --allow-net examples/client.ts --port 5554
 * ```
 *
 * Options: `--host HOST` (default 127.0.0.1), `--port PORT` (default 5554), `--help`.
 *
 * @module
 */
import { connect } from "node:net";
import process from "node:process";
import { createInterface } from "node:readline";
import { JsonParser } from "zerobyte";

const USAGE = `Usage: client [--host HOST] [--port PORT]

Connects to a zerobyte server over TCP. Each line typed (or piped) is sent as one message,
a zero byte added: type a JSON command such as {"code":"get","key":"dresser"}. Each message
received prints as one line of JSON. Ctrl-D hangs up.

Options:
  --host HOST  the server's address (default 127.0.0.1)
  --port PORT  the server's port (default 5554; the chat example listens on 5555)
  --help       print this and exit`;

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
const unknown = args.find((arg, at) =>
  !/^--(host|port)(=|$)/.test(arg) && !/^--(host|port)$/.test(args[at - 1] ?? "")
);
const host = option("--host") ?? "127.0.0.1";
const port = Number(option("--port") ?? 5554);
if (unknown !== undefined || !Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`${unknown !== undefined ? `unknown option: ${unknown}` : "bad port"}\n\n${USAGE}`);
  process.exit(2);
}

// Messages as large as the server may send: the default limit is for what clients send.
const decoder = new JsonParser({ maxMessageBytes: 16 * 1024 * 1024 }).createDecoder();
const socket = connect({ host, port });
const lines = createInterface({ input: process.stdin });

socket.on("data", (chunk: Uint8Array) => {
  for (const message of decoder.decode(new Uint8Array(chunk))) {
    console.log(JSON.stringify(message.kind === "commands" ? message.commands : message));
  }
});
socket.on("error", (error) => {
  console.error(`connection failed: ${error.message}`);
  process.exitCode = 1;
});
socket.on("close", () => {
  lines.close();
  process.stdin.destroy();
});
lines.on("line", (line) => {
  if (line.trim() !== "" && !socket.destroyed) socket.write(line + "\0");
});
// Half-close: the server still answers what was sent, then closes its side.
lines.on("close", () => socket.end());

/** The value of `--name value` or `--name=value`, if given. */
function option(name: string): string | undefined {
  for (const [at, arg] of args.entries()) {
    if (arg === name) return args[at + 1];
    if (arg.startsWith(name + "=")) return arg.slice(name.length + 1);
  }
  return undefined;
}
