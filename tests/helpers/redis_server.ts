/**
 * A real Redis for the tests: `redis-server` on a free port of 127.0.0.1, in a temporary
 * folder, without persistence, stopped (killed) afterwards.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The binary: `REDIS_SERVER`, else the Debian package's. */
export const REDIS_SERVER_BINARY = process.env.REDIS_SERVER ?? "/usr/bin/redis-server";

/** Why the real-Redis tests cannot run here, or false. */
export const redisServerMissing: string | false = existsSync(REDIS_SERVER_BINARY)
  ? false
  : `${REDIS_SERVER_BINARY} is not installed (apt-get install redis-server)`;

/** A running redis-server. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Kills it (SIGKILL, nothing to save) and removes its folder. */
  stop(): Promise<void>;
}

/** A port free now on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Sends one inline command (`PING`, `CLIENT KILL TYPE pubsub`) to the Redis on `port` and
 * resolves with the first line of its reply, or "" if none came within 500 ms.
 */
export function redisCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let reply = "";
    const done = (line: string) => {
      socket.destroy();
      resolve(line);
    };
    socket.setTimeout(500, () => done(""));
    socket.once("error", () => done(""));
    socket.once("connect", () => socket.write(`${command}\r\n`));
    socket.on("data", (data) => {
      reply += data.toString();
      const end = reply.indexOf("\r\n");
      if (end >= 0) done(reply.slice(0, end));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Starts a redis-server and waits (at most 5 s) until it answers. A port taken meanwhile is retried. */
export async function startRedisServer(): Promise<RedisServer> {
  const directory = await mkdtemp(join(tmpdir(), "zerobyte-redis-"));
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(REDIS_SERVER_BINARY, [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      directory,
    ], { stdio: "ignore" }); // deno-fmt-ignore
    const stop = async () => {
      child.kill("SIGKILL");
      await exited(child);
      await rm(directory, { recursive: true, force: true });
    };
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && child.exitCode === null) {
      if (await redisCommand(port, "PING") === "+PONG") {
        return { port, url: `redis://127.0.0.1:${port}`, stop };
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill("SIGKILL");
    await exited(child);
  }
  await rm(directory, { recursive: true, force: true });
  throw new Error("redis-server did not start");
}
