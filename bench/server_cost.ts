/**
 * The server's own CPU cost per delivery, without sockets: the fan-out workload (N clients
 * in one room, every `update` broadcast to all) fed through the real entrance, connection
 * layer and rooms game in one process, on in-memory sockets that only count what they are
 * given. It tells the framework's part over the raw protocol, over WebSocket text frames and
 * over WebSocket stream mode, apart from the kernel and the load process, so that it holds
 * on a machine too busy for the fan-out benchmark's rates. `--root DIR` measures another
 * checkout of this repository (the code before a change, say) with the same harness.
 *
 * `--game relay` replaces the rooms game with the least a fan-out server does
 * (`bench/relay_application.ts` of the checkout measured: `goto` joins the one room, each
 * `update` goes to every member, nothing stored), which tells the game's share from the
 * framework's.
 *
 * Run: `node --import tsx bench/server_cost.ts [--modes raw,text,stream] [--rounds 3]
 * [--clients 100] [--root DIR] [--game rooms|relay]`
 *
 * @module
 */
import process from "node:process";
import type { SocketHandlers } from "../src/transport/socket.ts";
import { ROOT } from "./processes.ts";
import { formatNumber, markdownTable, median } from "./stats.ts";
import { option } from "./targets.ts";

const UPDATES_PER_TURN = 8;
const TURNS = 1500;
const WARMUP_TURNS = 300;
const HEAD = "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
const MASK = new Uint8Array([1, 2, 3, 4]);
const encoder = new TextEncoder();
const turnEnds = () => new Promise((resolve) => setImmediate(resolve));

/** Server µs of CPU (user and system, this process) per delivery, in one mode. */
async function measure(
  root: string,
  mode: string,
  clients: number,
  game: string,
): Promise<number> {
  const { Server, silentLogger } = await import(`${root}/mod.ts`);
  const { createRoomsApplication } = await import(`${root}/examples/rooms/mod.ts`);
  const { createRelayApplication } = await import(`${root}/bench/relay_application.ts`);
  const { systemClock } = await import(`${root}/src/adapter/system_clock.ts`);
  const { Transport } = await import(`${root}/src/transport/transport.ts`);
  const { Entrance } = await import(`${root}/src/transport/entrance.ts`);
  const { encodeClientFrame } = await import(`${root}/src/websocket/frame_encoder.ts`);
  const application = game === "rooms" ? createRoomsApplication() : createRelayApplication();
  const server = new Server({ application, clock: systemClock, limits: { commandsPerSecond: 0 } });
  const transport = new Transport(server, {
    clock: systemClock,
    defer: setImmediate,
    logger: silentLogger,
  });
  const entrance = new Entrance((socket: unknown) => transport.open(socket), {
    protocol: mode === "raw" ? "raw" : "http",
    clock: systemClock,
    handshakeTimeoutMs: 5000,
    websocket: { pingIntervalMs: 0 },
  });
  // What a client sends, made before the clock starts: the clients' cost is not counted.
  const wire = (command: unknown): Uint8Array => {
    const json = JSON.stringify(command);
    if (mode === "raw") return encoder.encode(json + "\0");
    if (mode === "text") return encodeClientFrame(1, encoder.encode(json), MASK);
    return encodeClientFrame(2, encoder.encode(json + "\0"), MASK);
  };
  const sockets: SocketHandlers[] = [];
  for (let i = 0; i < clients; i++) {
    const raw = {
      write() {},
      unsentBytes: 0,
      drained: () => Promise.resolve(),
      end() {},
      abort() {},
    };
    const events = entrance.open(raw);
    if (mode !== "raw") await events.data(encoder.encode(HEAD));
    await events.data(wire({ code: "goto", key: "bench" }));
    sockets.push(events);
  }
  const updates = Array.from(
    { length: TURNS },
    (_, turn) =>
      Array.from({ length: UPDATES_PER_TURN }, (_, k) => {
        const index = (turn * UPDATES_PER_TURN + k) % clients;
        return wire({ code: "update", key: "bench", index, value: 1000 + turn });
      }),
  );
  const run = async (turns: number) => {
    for (let turn = 0; turn < turns; turn++) {
      for (let k = 0; k < UPDATES_PER_TURN; k++) {
        await sockets[(turn * UPDATES_PER_TURN + k) % clients].data(updates[turn][k]);
      }
      await turnEnds();
    }
  };
  await run(WARMUP_TURNS);
  const start = process.cpuUsage();
  await run(TURNS);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / (TURNS * UPDATES_PER_TURN * clients);
}

async function main(): Promise<void> {
  const root = option("root", ROOT).replace(/\/$/, "");
  const modes = option("modes", "raw,text,stream").split(",");
  const rounds = Number(option("rounds", "3"));
  const clients = Number(option("clients", "100"));
  const game = option("game", "rooms");
  if (game !== "rooms" && game !== "relay") {
    throw new Error(`--game is rooms or relay, not ${game}`);
  }
  const results = new Map<string, number[]>(modes.map((mode) => [mode, []]));
  for (let round = 0; round < rounds; round++) {
    for (const mode of modes) results.get(mode)!.push(await measure(root, mode, clients, game));
  }
  console.log(
    `# Server CPU per delivery, in process, ${clients} clients in one room, ${game} (${root})\n`,
  );
  const rows = modes.map((mode) => {
    const values = results.get(mode)!;
    const all = values.map((value) => formatNumber(value, 3)).join(", ");
    return [mode, formatNumber(median(values), 3), all];
  });
  console.log(markdownTable(["mode", "median µs/delivery", `each round (${rounds})`], rows));
}

await main();
process.exit(0);
