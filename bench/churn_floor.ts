/**
 * The churn benchmark's floor: a bare server of the runtime that runs this file (`node:net`
 * on Node, `Deno.listen` on Deno) and plays the churn benchmark's protocol with no framework
 * at all: no JSON, no rooms, no limits, no timers. A `goto` makes its sender a player and is
 * answered; a `set` is sent to every player; anything else is answered to its sender. What
 * the players' round trip does beside 1,000 new connections a second on it is what the
 * runtime itself allows: `bench/churn.ts --targets node-floor,deno-floor`.
 *
 * Run: `node --import tsx bench/churn_floor.ts`, or
 * `deno run --allow-net --allow-env --allow-read bench/churn_floor.ts` (prints
 * `{"port":…,"pid":…}`; stops when stdin closes).
 *
 * @module
 */
import { createServer } from "node:net";
import { listenOnLoopback, runServerProcess } from "./server_process.ts";

const encoder = new TextEncoder();
const JOINED = encoder.encode('[{"code":"goto","key":"duel","success":true}]\0');
const ANSWER = encoder.encode('[{"code":"get","key":"x","success":true,"state":null}]\0');
/** What a `set` is echoed as: the same size as the rooms game's echo, near enough. */
const ECHO = encoder.encode(
  '[{"code":"set","key":"duel","state":{"n":0,"board":[1,2,3,4,5,6,7,8,9]}}]\0',
);
const SET = encoder.encode('"code":"set"');
const GOTO = encoder.encode('"code":"goto"');

/** What one connection of either runtime offers the floor. */
interface Peer {
  write(bytes: Uint8Array): void;
}

/** The protocol, the same on both runtimes: what a read's messages ask, answered. */
class Floor {
  readonly players = new Set<Peer>();

  /** Answers each whole message of `bytes` (the churn benchmark's never span reads). */
  read(peer: Peer, bytes: Uint8Array): void {
    for (let start = 0, zero = bytes.indexOf(0); zero !== -1; zero = bytes.indexOf(0, start)) {
      const message = bytes.subarray(start, zero);
      start = zero + 1;
      if (contains(message, SET)) { for (const player of this.players) player.write(ECHO); }
      else if (contains(message, GOTO)) {
        this.players.add(peer);
        peer.write(JOINED);
      } else peer.write(ANSWER);
    }
  }
}

function contains(bytes: Uint8Array, part: Uint8Array): boolean {
  outer: for (let at = 0; at + part.length <= bytes.length; at++) {
    for (let k = 0; k < part.length; k++) if (bytes[at + k] !== part[k]) continue outer;
    return true;
  }
  return false;
}

function serveNode(floor: Floor) {
  return runServerProcess(async () => {
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
      socket.on("data", (chunk: Uint8Array) => floor.read(socket, chunk))
        .on("end", () => socket.end())
        .on("error", () => socket.destroy())
        .on("close", () => floor.players.delete(socket));
    });
    const port = await listenOnLoopback(server);
    return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
  });
}

function serveDeno(floor: Floor) {
  return runServerProcess(() => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const serve = async (conn: Deno.TcpConn) => {
      // Writes one after another; the churn benchmark's never outgrow the kernel's buffer.
      let writing = Promise.resolve();
      const peer = {
        write: (bytes: Uint8Array) => {
          writing = writing.then(() => conn.write(bytes)).then(() => {}, () => {});
        },
      };
      const buffer = new Uint8Array(1024);
      try {
        conn.setNoDelay(true);
        for (let read = await conn.read(buffer); read !== null; read = await conn.read(buffer)) {
          floor.read(peer, buffer.subarray(0, read));
        }
      } catch { /* reset: the same as an end */ }
      floor.players.delete(peer);
      await writing;
      try {
        conn.close();
      } catch { /* closed already */ }
    };
    void (async () => {
      try {
        for await (const conn of listener) void serve(conn);
      } catch { /* the listener was closed */ }
    })();
    return Promise.resolve({
      port: (listener.addr as Deno.NetAddr).port,
      close: () => Promise.resolve(listener.close()),
    });
  });
}

await ("Deno" in globalThis ? serveDeno(new Floor()) : serveNode(new Floor()));
