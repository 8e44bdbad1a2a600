/**
 * One churned connection, as the churn benchmarks make them: connect, send
 * `{"code":"get","key":"x"}\0`, read the reply, close.
 *
 * @module
 */
import { connect } from "node:net";

/**
 * Connects to `port` on the loopback, gets, and resolves once the reply (a zero byte) came and
 * the socket is destroyed; rejects on a socket error, or if no reply came within `lifeMs`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createServer } from "node:net";
 * import { churnedConnection } from "./churned_connection.ts";
 * const heard: string[] = [];
 * const server = createServer((socket) =>
 *   socket.on("data", (bytes) => (heard.push(String(bytes)), socket.end("[]\0")))
 * );
 * await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
 * const { port } = server.address() as { port: number };
 * await churnedConnection(port, 5000); // answered
 * await new Promise((resolve) => server.close(resolve));
 * assert.deepEqual(heard, ['{"code":"get","key":"x"}\0']);
 * ```
 */
export function churnedConnection(port: number, lifeMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, noDelay: true }, () => {
      socket.write('{"code":"get","key":"x"}\0');
    });
    const timer = setTimeout(() => fail(new Error("no reply in time")), lifeMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    socket.on("data", (chunk: Uint8Array) => {
      if (!chunk.includes(0)) return;
      clearTimeout(timer);
      socket.destroy();
      resolve();
    }).on("error", fail);
  });
}
