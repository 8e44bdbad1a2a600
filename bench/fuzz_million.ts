/**
 * A million mutated and random messages (see `fuzz_messages.ts`) from several clients, split
 * at random points, fed read by read through the real parser and server core running the
 * rooms game, with a clock that moves. Checks, after every read: nothing crashed (no error
 * logged, no "internal error"), errors reached only the sender, everything else only the
 * sender's rooms, and every message sent parses. Reports messages per second, errors by kind,
 * and the heap after GC before, after, and once the server is gone.
 *
 * `node --expose-gc --import tsx bench/fuzz_million.ts [--messages 1000000] [--seed 1]`
 * (Deno: `deno run -A --v8-flags=--expose-gc bench/fuzz_million.ts`).
 *
 * @module
 */
import process from "node:process";
import {
  type Command,
  type Connection,
  type ConnectionEvents,
  createLogger,
  JsonParser,
  ManualClock,
  MemoryStore,
  Server,
} from "../mod.ts";
import { createRoomsApplication } from "../examples/rooms/mod.ts";
import { Draw, message } from "./fuzz_messages.ts";

/** What one run found. */
export interface FuzzReport {
  messages: number;
  reads: number;
  seconds: number;
  /** CPU time of the process meanwhile (the machine may be shared). */
  cpuSeconds: number;
  messagesPerSecond: number;
  /** Error replies by message (numbers replaced by N), over all clients. */
  errors: Record<string, number>;
  /** Messages sent, by kind. */
  kinds: Record<string, number>;
  /** Connections the server closed, by reason. */
  disconnects: Record<string, number>;
  /** Errors logged, "internal error" replies: crashes. */
  crashes: string[];
  /** Errors to another client, deliveries outside the sender's rooms, unparsable messages. */
  violations: string[];
  /** Heap used after a full GC, in bytes (undefined without a GC to call). */
  heap: { before?: number; after?: number; gone?: number };
}

/** One in-memory client: what the server writes to it is parsed by the default parser. */
class FuzzClient {
  readonly received: Command[][] = [];
  readonly decoder = new JsonParser().createDecoder();
  events!: ConnectionEvents;
  closed = false;
  unparsable = 0;
  /** Bytes not sent yet. */
  pending: Uint8Array = new Uint8Array();
  readonly connection: Connection = {
    bufferedBytes: 0,
    write: (bytes) => {
      for (const decoded of this.decoder.decode(bytes)) {
        if (decoded.kind === "commands") this.received.push(decoded.commands);
        else this.unparsable++;
      }
    },
    drain: () => Promise.resolve(),
    close: () => {
      this.closed = true;
      return Promise.resolve();
    },
  };
}

const count = (table: Record<string, number>, key: string) => (table[key] = (table[key] ?? 0) + 1);

/** Runs `messages` messages from `clients` clients with `seed`. */
export async function fuzzMillion(
  { messages = 1_000_000, seed = 1, clients = 8, gc = findGc() } = {},
): Promise<FuzzReport> {
  const draw = new Draw(seed);
  const report: FuzzReport = {
    messages: 0,
    reads: 0,
    seconds: 0,
    cpuSeconds: 0,
    messagesPerSecond: 0,
    errors: {},
    kinds: {},
    disconnects: {},
    crashes: [],
    violations: [],
    heap: {},
  };
  const logger = createLogger({
    level: "info",
    write: (line, level) => {
      if (level === "error") report.crashes.push(line);
      const reason = line.includes(" disconnect ") && / reason="([^"]*)"/.exec(line)?.[1];
      if (reason) count(report.disconnects, reason);
    },
  });
  const clock = new ManualClock();
  const application = createRoomsApplication({ store: new MemoryStore(), logger });
  const rooms = application.storage.rooms;
  let server: Server | undefined = new Server({ application, clock, logger });
  const live = new Map<number, FuzzClient>();
  const connect = async () => {
    const client = new FuzzClient();
    const admission = server!.accept(client.connection);
    if (!admission.accepted) throw new Error(admission.reason);
    client.events = admission.events;
    live.set(client.events.index, client);
    await client.events.data(
      new TextEncoder().encode(`{"code":"goto","key":"room-${live.size % 2}"}\0`),
    );
    client.received.length = 0;
  };
  for (let n = 0; n < clients; n++) await connect();
  // Which rooms the sender was in during a read: its deliveries may go to their members.
  let sender = 0;
  const visited = new Set<string | undefined>();
  const join = rooms.join.bind(rooms);
  rooms.join = (index, room) => (index === sender && visited.add(room), join(index, room));

  report.heap.before = heapAfterGc(gc);
  const started = performance.now();
  const cpu = process.cpuUsage();
  while (report.messages < messages) {
    const [index, client] = [...live][draw.below(live.size)];
    if (client.pending.length === 0) {
      const next = message(draw);
      count(report.kinds, next.kind);
      report.messages++;
      client.pending = next.bytes;
    }
    const cut = draw.chance(0.5) ? client.pending.length : 1 + draw.below(client.pending.length);
    const read = client.pending.subarray(0, cut);
    client.pending = client.pending.subarray(cut);
    sender = index;
    visited.clear();
    visited.add(rooms.roomOf(index));
    try {
      await client.events.data(read);
    } catch (error) {
      report.crashes.push(`data threw: ${error}`);
    }
    report.reads++;
    check(report, index, live, rooms, visited);
    if (client.closed) {
      live.delete(index);
      await connect();
    }
    if (draw.chance(0.05)) {
      clock.advance(draw.below(40));
      await timedOut(report, live, connect);
    }
  }
  report.seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  report.cpuSeconds = (used.user + used.system) / 1e6;
  report.messagesPerSecond = Math.round(report.messages / report.seconds);
  report.heap.after = heapAfterGc(gc);
  await server.shutdown();
  server = undefined;
  live.clear();
  report.heap.gone = heapAfterGc(gc);
  return report;
}

/** Takes what every client received in the last read and checks who got it. */
function check(
  report: FuzzReport,
  sender: number,
  live: Map<number, FuzzClient>,
  rooms: { members(room: string): readonly number[]; connected(): readonly number[] },
  visited: Set<string | undefined>,
): void {
  let allowed: Set<number> | undefined;
  for (const [index, client] of live) {
    if (client.unparsable > 0) report.violations.push(`client ${index}: unparsable message`);
    client.unparsable = 0;
    for (const commands of client.received) {
      for (const command of commands) {
        if (command.error === undefined) continue;
        const error = String(command.error);
        if (error === "internal error") report.crashes.push(`internal error to ${index}`);
        count(report.errors, error.replace(/\d{2,}/g, "N"));
        if (index !== sender) report.violations.push(`error "${error}" to ${index}, not ${sender}`);
      }
      if (index === sender) continue;
      allowed ??= new Set(
        [...visited].flatMap((room) =>
          room === undefined ? rooms.connected() : rooms.members(room)
        ),
      );
      if (!allowed.has(index)) report.violations.push(`${index} got ${sender}'s delivery`);
    }
    client.received.length = 0;
  }
}

/** The clock moved: only a timer's notice to its own client may have been sent. */
async function timedOut(
  report: FuzzReport,
  live: Map<number, FuzzClient>,
  connect: () => Promise<void>,
): Promise<void> {
  await Promise.resolve();
  for (const [index, client] of live) {
    for (const command of client.received.flat()) {
      const error = String(command.error);
      count(report.errors, error);
      if (!TIMER_ERRORS.has(error)) report.violations.push(`"${error}" to ${index} on a timer`);
    }
    client.received.length = 0;
    if (client.closed) {
      live.delete(index);
      await connect();
    }
  }
}

const TIMER_ERRORS = new Set(["message not completed in time", "idle timeout"]);

/** The runtime's full garbage collection, if it was exposed. */
function findGc(): (() => void) | undefined {
  return (globalThis as { gc?: () => void }).gc;
}

function heapAfterGc(gc: (() => void) | undefined): number | undefined {
  if (!gc) return undefined;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

if (import.meta.main ?? process.argv[1]?.endsWith("fuzz_million.ts")) {
  const arg = (name: string, fallback: number) => {
    const at = process.argv.indexOf(`--${name}`);
    return at === -1 ? fallback : Number(process.argv[at + 1]);
  };
  const report = await fuzzMillion({ messages: arg("messages", 1_000_000), seed: arg("seed", 1) });
  const mib = (bytes?: number) =>
    bytes === undefined ? "n/a (no GC)" : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  console.log(JSON.stringify({ ...report, violations: report.violations.slice(0, 20) }, null, 1));
  console.log(
    `${report.messages} messages in ${report.reads} reads, ${report.seconds.toFixed(1)} s: ` +
      `${report.messagesPerSecond} messages/s (${
        report.cpuSeconds.toFixed(1)
      } CPU s); crashes ${report.crashes.length}, violations ` +
      `${report.violations.length}; heap after GC ${mib(report.heap.before)} before, ` +
      `${mib(report.heap.after)} after, ${mib(report.heap.gone)} with the server gone`,
  );
  if (report.crashes.length + report.violations.length > 0) process.exit(1);
}
