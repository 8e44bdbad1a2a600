/**
 * The raw baseline of the fan-out benchmark: a bare `node:net` server that splits what it
 * reads on the zero byte and forwards each frame's bytes, as they are, to every connected
 * socket. No JSON, no rooms, no bookkeeping: the runtime's limit for this job.
 *
 * Run: `node --import tsx bench/raw_server.ts` (prints `{"port":…,"pid":…}`; stops when
 * stdin closes).
 *
 * @module
 */
import { createServer, type Socket } from "node:net";
import { type BenchListener, listenOnLoopback, runServerProcess } from "./server_process.ts";

/** Starts the raw forwarding server on 127.0.0.1, on a free port. */
async function startRawServer(): Promise<BenchListener> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    let tail: Buffer | undefined;
    socket.on("data", (chunk: Buffer) => {
      const bytes = tail ? Buffer.concat([tail, chunk]) : chunk;
      let start = 0;
      for (let zero = bytes.indexOf(0); zero !== -1; zero = bytes.indexOf(0, start)) {
        const frame = bytes.subarray(start, zero + 1);
        for (const peer of sockets) peer.write(frame);
        start = zero + 1;
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

await runServerProcess(startRawServer);
