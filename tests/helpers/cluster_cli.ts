/**
 * Example servers in a cluster, as real processes on a real redis-server: started together,
 * stopped (and Redis with them) after the test's body.
 */
import type { Command } from "../../mod.ts";
import { CliProcess, type CliRuntime } from "./cli_process.ts";
import { type RedisServer, startRedisServer } from "./redis_server.ts";
import type { TcpClient } from "./tcp_client.ts";

/** Two example servers on one Redis, stopped (and Redis with them) after `body`. */
export async function withTwo(
  runtime: CliRuntime,
  args: readonly string[],
  body: (
    a: CliProcess,
    b: CliProcess,
    ports: [number, number],
    redis: RedisServer,
  ) => Promise<void>,
): Promise<void> {
  const redis: RedisServer = await startRedisServer();
  const start = () =>
    new CliProcess(runtime, [
      "--redis",
      redis.url,
      "--port",
      "0",
      "--ws-port",
      "0",
      "--lease-seconds",
      "1",
      ...args,
    ]);
  const [a, b] = [start(), start()];
  try {
    await body(a, b, [await a.port(), await b.port()], redis);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await redis.stop();
  }
}

/** Sends a command and returns the next message's first command. */
export async function ask(client: TcpClient, command: Command): Promise<Command> {
  await client.send(command);
  return (await client.next())[0];
}
