/**
 * The raw baseline of the fan-out benchmark: a bare `node:net` server that splits what it
 * reads on the zero byte and forwards the frames' bytes, as they are, to every connected
 * socket. No JSON, no rooms, no bookkeeping: the runtime's limit for this job.
 *
 * To be a limit and not a straw man, it writes the way a careful hand-written server would:
 * all the whole frames of one read go out as one slice, and every socket is corked until the
 * end of the event-loop turn, so a turn's forwards to one socket leave in one system call.
 * `--per-frame` gives the naive version instead (one `write` per frame per socket), the
 * benchmark's `raw-per-frame` target. `--json` (the `raw-json` target) parses every message
 * and serializes it again before forwarding, as any server that reads its messages must:
 * what that costs, without a framework.
 *
 * Run: `node --import tsx bench/raw_server.ts [--per-frame | --json]` (prints
 * `{"port":…,"pid":…}`; stops when stdin closes).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createServer, type Socket } from "node:net";
import process from "node:process";
import { type BenchListener, listenOnLoopback, runServerProcess } from "./server_process.ts";

/** Sends `bytes` to every socket: how the two versions differ. */
type Forward = (sockets: ReadonlySet<Socket>, bytes: Buffer) => void;

/** One write per socket, as it comes. */
const writeAtOnce: Forward = (sockets, bytes) => {
  for (const peer of sockets) peer.write(bytes);
};

/** Corks every socket for the rest of the turn: one writev per socket per turn. */
function corkedUntilTurnEnds(): Forward {
  let corked: Socket[] = [];
  const uncork = () => {
    const sockets = corked;
    corked = [];
    for (const socket of sockets) socket.uncork();
  };
  return (sockets, bytes) => {
    if (corked.length === 0) {
      setImmediate(uncork);
      for (const peer of sockets) {
        peer.cork();
        corked.push(peer);
      }
    }
    for (const peer of sockets) peer.write(bytes);
  };
}

const utf8 = new TextDecoder();

/** Each message of `frames` parsed and serialized again: what a server that reads them does. */
function reserialized(frames: Buffer): Buffer {
  const messages = utf8.decode(frames).split("\0");
  messages.pop(); // after the last zero byte: nothing
  let text = "";
  for (const message of messages) text += JSON.stringify(JSON.parse(message)) + "\0";
  return Buffer.from(text);
}

/** Starts the raw forwarding server on 127.0.0.1, on a free port. */
async function startRawServer(perFrame: boolean, json: boolean): Promise<BenchListener> {
  const sockets = new Set<Socket>();
  const forward = perFrame ? writeAtOnce : corkedUntilTurnEnds();
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    let tail: Buffer | undefined;
    socket.on("data", (chunk: Buffer) => {
      const bytes = tail ? Buffer.concat([tail, chunk]) : chunk;
      let start = 0;
      if (perFrame) {
        for (let zero = bytes.indexOf(0); zero !== -1; zero = bytes.indexOf(0, start)) {
          forward(sockets, bytes.subarray(start, zero + 1));
          start = zero + 1;
        }
      } else {
        const lastZero = bytes.lastIndexOf(0);
        if (lastZero !== -1) {
          const frames = bytes.subarray(0, lastZero + 1);
          forward(sockets, json ? reserialized(frames) : frames);
        }
        start = lastZero + 1;
      }
      tail = start < bytes.length ? bytes.subarray(start) : undefined;
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => sockets.delete(socket));
  });
  return {
    port: await listenOnLoopback(server),
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

await runServerProcess(() =>
  startRawServer(process.argv.includes("--per-frame"), process.argv.includes("--json"))
);
