/**
 * The raw baseline on Deno's own sockets (`Deno.listen`): what bench/raw_server.ts does on
 * `node:net`, written the way a careful hand-written Deno server would. It splits what it
 * reads on the zero byte and forwards each read's whole frames, as one slice, to every
 * connection; a connection's slices of one event-loop iteration leave as one `conn.write`
 * when the iteration ends (Deno has no cork), and a connection has one write in progress at
 * a time, what comes meanwhile joined into the next. No JSON, no rooms, no bookkeeping: the
 * Deno runtime's limit for this job, which the Deno adapter is measured against as well as
 * against Node's raw baseline (`--targets raw,raw-deno,deno`).
 *
 * Run: `deno run --allow-net --allow-env --allow-read bench/raw_server_deno.ts` (prints
 * `{"port":…,"pid":…}`; stops when stdin closes).
 *
 * @module
 */
import { concat } from "../src/transport/concat_bytes.ts";
import { type BenchListener, runServerProcess } from "./server_process.ts";

const READ_BYTES = 64 * 1024;

/** One connection's writes: one in progress, what comes meanwhile joined for the next. */
class Outbox {
  #held: Uint8Array[] = [];
  #writing = false;

  constructor(readonly conn: Deno.TcpConn) {}

  /** Holds `bytes` for the end of the iteration; true when this is the first held. */
  hold(bytes: Uint8Array): boolean {
    this.#held.push(bytes);
    return this.#held.length === 1;
  }

  /** Sends what is held, unless a write is in progress (it sends it when done). */
  flush(): void {
    if (this.#writing || this.#held.length === 0) return;
    const bytes = this.#held.length === 1 ? this.#held[0] : concat(this.#held);
    this.#held = [];
    this.#writing = true;
    void this.#write(bytes);
  }

  async #write(bytes: Uint8Array): Promise<void> {
    try {
      for (let sent = 0; sent < bytes.length;) {
        sent += await this.conn.write(sent === 0 ? bytes : bytes.subarray(sent));
      }
    } catch {
      return; // the connection is gone: its read loop says so
    }
    this.#writing = false;
    this.flush();
  }
}

/** Starts the raw forwarding server on 127.0.0.1, on a free port. */
function startRawServer(): Promise<BenchListener> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const outboxes = new Set<Outbox>();
  let toFlush: Outbox[] = [];
  const flushAll = () => {
    const due = toFlush;
    toFlush = [];
    for (const outbox of due) outbox.flush();
  };
  const forward = (bytes: Uint8Array) => {
    for (const outbox of outboxes) {
      if (!outbox.hold(bytes)) continue;
      if (toFlush.length === 0) setImmediate(flushAll);
      toFlush.push(outbox);
    }
  };
  const serve = async (conn: Deno.TcpConn) => {
    conn.setNoDelay(true);
    const outbox = new Outbox(conn);
    outboxes.add(outbox);
    let tail = new Uint8Array(0);
    try {
      for (;;) {
        const buffer = new Uint8Array(READ_BYTES);
        const read = await conn.read(buffer);
        if (read === null) break;
        // A new buffer per read: the slice forwarded stays another connection's until written.
        const bytes = tail.length === 0
          ? buffer.subarray(0, read)
          : concat([tail, buffer.subarray(0, read)]);
        const lastZero = bytes.lastIndexOf(0);
        if (lastZero !== -1) forward(bytes.subarray(0, lastZero + 1));
        tail = bytes.slice(lastZero + 1);
      }
    } catch { /* reset: the same as an end */ }
    outboxes.delete(outbox);
    try {
      conn.close();
    } catch { /* closed already */ }
  };
  const accepting = (async () => {
    try {
      for await (const conn of listener) void serve(conn);
    } catch { /* the listener was closed */ }
  })();
  return Promise.resolve({
    port: (listener.addr as Deno.NetAddr).port,
    close: async () => {
      listener.close();
      for (const outbox of outboxes) {
        try {
          outbox.conn.close();
        } catch { /* closed already */ }
      }
      await accepting;
    },
  });
}

await runServerProcess(startRawServer);
