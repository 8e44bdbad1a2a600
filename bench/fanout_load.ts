/**
 * The load process of the fan-out benchmark. It opens N clients to one server, puts them in
 * one room, and runs two phases:
 * - throughput: a closed loop keeps a fixed number of `update` commands in flight (sent but
 *   not yet received by every client), senders taking turns; it counts the messages all
 *   clients receive per second;
 * - latency: an open loop offers a fixed number of deliveries per second (updates per second
 *   times N); each update carries its send time in `value` and every receiver computes the
 *   delivery latency of every message.
 * It prints one JSON line ({@linkcode FanoutLoadResult}) and exits.
 *
 * Run: `node --import tsx bench/fanout_load.ts '<FanoutLoadOptions as JSON>'`
 * (normally started by bench/fanout.ts).
 *
 * @module
 */
import process from "node:process";
import { connectClients, type LoadClient, type Received, type Wire } from "./load_clients.ts";
import { CpuMeter } from "./proc_stats.ts";
import type { WebSocketClientKind } from "./ws_load_client.ts";
import { median, percentile } from "./stats.ts";

/** What the orchestrator asks of one load run. */
export interface FanoutLoadOptions {
  wire: Wire;
  port: number;
  /** The server's pid, to measure its CPU share. */
  serverPid: number;
  clients: number;
  /** Whether clients must `goto` the room first (not for the raw baseline, which has none). */
  join: boolean;
  /**
   * How often each client reads in the throughput phase (see `LoadClient.paced`), and how
   * often the phase tops up besides after each read of the last client. 0: clients read
   * as data comes, and the phase tops up every millisecond.
   */
  paceMs: number;
  /** Updates in flight during the throughput phase. */
  window: number;
  warmupMs: number;
  measureMs: number;
  /** The throughput phase's measured time is cut into this many windows. */
  windows: number;
  /** Deliveries per second offered during the latency phase. */
  offeredDeliveriesPerSecond: number;
  /** The WebSocket client (bench/ws_load_client.ts); default `net`. */
  wsClient?: WebSocketClientKind;
}

/** What one load run measured. */
export interface FanoutLoadResult {
  clients: number;
  /** The median over the throughput phase's windows. */
  deliveredPerSecond: number;
  /** Over the whole throughput phase, stalls included. */
  averageDeliveredPerSecond: number;
  updatesPerSecond: number;
  /** Share of one core used by the server and by the load process during the phase. */
  serverCpu: number | null;
  /** The server's user-space share alone (JavaScript and the runtime, not the kernel). */
  serverUserCpu: number | null;
  loadCpu: number | null;
  /** The rest of the machine's busy time: other processes, and kernel work no process pays. */
  otherCpu: number | null;
  offeredDeliveriesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  latencySamples: number;
  /** Deliveries of the latency phase that never arrived (expected 0). */
  lost: number;
  /** Messages of the latency phase that were not an update's echo, errors say (expected 0). */
  unexpected: number;
}

const ROOM = "bench";
const SETTLE_TIMEOUT_MS = 10_000;
const now = () => performance.now();
/** A send time for `value`: milliseconds, to the microsecond, so every message is the same size. */
const stamp = () => Math.round(now() * 1000) / 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function update(slot: number, value: unknown): Record<string, unknown> {
  return { code: "update", key: ROOM, index: slot, value };
}

/** The first command of a message, whatever its shape (raw echoes a bare object). */
function valueOf(message: Received): unknown {
  const command = Array.isArray(message) ? message[0] : message;
  return typeof command === "object" && command !== null
    ? (command as { value?: unknown }).value
    : undefined;
}

/** Resolves once `done()` holds, polling; rejects after SETTLE_TIMEOUT_MS. */
async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = now() + SETTLE_TIMEOUT_MS;
  while (!done()) {
    if (now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Joins the room (if the server has rooms), then makes sure every client hears a broadcast. */
async function setUp(clients: LoadClient[], join: boolean): Promise<void> {
  if (join) {
    for (const client of clients) client.send({ code: "goto", key: ROOM });
    await until(() => clients.every((client) => client.received >= 1), "goto replies");
  }
  // A server may register a socket a moment after the client sees it connected: resend the
  // marker until every client got it.
  const heard = new Set<LoadClient>();
  for (const client of clients) {
    client.onMessage = (message) => valueOf(message) === "sync" && heard.add(client);
  }
  for (let attempt = 0; heard.size < clients.length; attempt++) {
    if (attempt * 10 > SETTLE_TIMEOUT_MS) throw new Error("the room never formed");
    if (attempt % 20 === 0) clients[0].send(update(0, "sync"));
    await sleep(10);
  }
  for (const client of clients) client.onMessage = undefined;
}

async function measureThroughput(clients: LoadClient[], options: FanoutLoadOptions) {
  const base = clients.map((client) => client.received);
  // In flight: sent, and not yet received by every client (the slowest decides).
  const slowest = () => Math.min(...clients.map((client, i) => client.received - base[i]));
  let sent = 0;
  let running = true;
  const topUp = () => {
    if (!running) return;
    for (let inFlight = sent - slowest(); inFlight < options.window; inFlight++, sent++) {
      clients[sent % clients.length].send(update(sent % clients.length, stamp()));
    }
  };
  const paced = options.paceMs > 0;
  for (const client of clients) client.paced = paced;
  const timer = setInterval(() => {
    if (paced) { for (const client of clients) client.resume(); }
    topUp();
  }, paced ? options.paceMs : 1);
  clients[clients.length - 1].onData = topUp;
  topUp();
  await sleep(options.warmupMs);
  const total = () => clients.reduce((sum, client) => sum + client.received, 0);
  const meters = [options.serverPid, process.pid, "machine" as const].map((pid) =>
    new CpuMeter(pid)
  );
  meters.push(new CpuMeter(options.serverPid, "user"));
  for (const meter of meters) meter.start();
  // Loopback TCP here stalls now and then (delayed ACKs, spurious retransmits): the median
  // of short windows says what the server sustains, the phase's total what it averaged.
  const windows: number[] = [];
  const [startCount, startSent, startTime] = [total(), sent, now()];
  for (let window = 0; window < options.windows; window++) {
    const [count, time] = [total(), now()];
    await sleep(options.measureMs / options.windows);
    windows.push((total() - count) / ((now() - time) / 1000));
  }
  const seconds = (now() - startTime) / 1000;
  const [serverCpu, loadCpu, machineCpu, serverUserCpu] = meters.map((meter) =>
    meter.stop() ?? null
  );
  running = false;
  clearInterval(timer);
  clients[clients.length - 1].onData = undefined;
  for (const client of clients) {
    client.paced = false;
    client.resume();
  }
  await until(() => slowest() >= sent, "the throughput phase to drain");
  return {
    deliveredPerSecond: median(windows),
    averageDeliveredPerSecond: (total() - startCount) / seconds,
    updatesPerSecond: (sent - startSent) / seconds,
    serverCpu,
    serverUserCpu,
    loadCpu,
    otherCpu: machineCpu === null || serverCpu === null || loadCpu === null
      ? null
      : Math.max(0, machineCpu - serverCpu - loadCpu),
  };
}

async function measureLatency(clients: LoadClient[], options: FanoutLoadOptions) {
  const before = clients.map((client) => client.received);
  const samples: number[] = [];
  const start = now();
  const measureFrom = start + options.warmupMs;
  let unexpected = 0;
  for (const client of clients) {
    client.onMessage = (message) => {
      const sentAt = valueOf(message);
      if (typeof sentAt !== "number") unexpected++;
      else if (sentAt >= measureFrom) samples.push(now() - sentAt);
    };
  }
  const updatesPerMs = options.offeredDeliveriesPerSecond / clients.length / 1000;
  const end = measureFrom + options.measureMs;
  let sent = 0;
  // Open loop: every millisecond, send what the schedule says is due by now.
  for (let t = now(); t < end; t = now()) {
    for (const due = Math.floor((t - start) * updatesPerMs); sent < due; sent++) {
      clients[sent % clients.length].send(update(sent % clients.length, stamp()));
    }
    await sleep(1);
  }
  const arrived = () => clients.reduce((sum, client, i) => sum + client.received - before[i], 0);
  const expected = sent * clients.length;
  await until(() => arrived() >= expected, "late deliveries").catch(() => {});
  for (const client of clients) client.onMessage = undefined;
  samples.sort((a, b) => a - b);
  return {
    p50Ms: percentile(samples, 0.5),
    p99Ms: percentile(samples, 0.99),
    latencySamples: samples.length,
    lost: expected - arrived(),
    unexpected,
  };
}

async function main(options: FanoutLoadOptions): Promise<FanoutLoadResult> {
  const clients = await connectClients(
    options.wire,
    options.port,
    options.clients,
    100,
    options.wsClient,
  );
  try {
    await setUp(clients, options.join);
    const throughput = await measureThroughput(clients, options);
    const latency = await measureLatency(clients, options);
    return {
      clients: options.clients,
      offeredDeliveriesPerSecond: options.offeredDeliveriesPerSecond,
      ...throughput,
      ...latency,
    };
  } finally {
    for (const client of clients) client.close();
  }
}

const result = await main(JSON.parse(process.argv[2]) as FanoutLoadOptions);
console.log(JSON.stringify(result));
process.exit(0);
