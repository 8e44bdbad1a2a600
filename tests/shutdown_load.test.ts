/**
 * Graceful shutdown under load, on each adapter: clients save to a FileStore as fast as the
 * server takes them when the listener is closed. The close must end within its bound, run
 * every onDisconnect once, flush what was answered, and leave the store holding, for each
 * key, the last acknowledged state or a later one, never a torn file.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { type Command, Server } from "../mod.ts";
import { FileStore } from "../src/store/file_store.ts";
import { createRoomsApplication } from "../examples/rooms/mod.ts";
import { systemClock } from "../src/adapter/system_clock.ts";
import { countHooks } from "./helpers/hook_counter.ts";
import { type Adapter, ADAPTERS, withServed } from "./helpers/served.ts";
import type { TcpClient } from "./helpers/tcp_client.ts";
import { withTempDir } from "./helpers/temp_dir.ts";
import { within } from "./helpers/timeout.ts";

const WRITERS = 4;
/** Saves a writer may have sent and not yet seen echoed. */
const WINDOW = 8;
/** Acknowledged saves each writer must have before the close. */
const ACKS_BEFORE_CLOSE = 30;
/** How long past closeTimeoutMs a close may take on a loaded machine. */
const CLOSE_MARGIN_MS = 2000;

/** The state of a writer's save number `seq`: recognizable, and a few KB, so a torn one shows. */
function stateOf(writer: number, seq: number): Command {
  return { writer, seq, pad: `${writer}:${seq}:`.padEnd(2000, "~") };
}

/** A client saving its own key in its own room as fast as the echoes let it. */
class Writer {
  sent = 0;
  readonly acked: number[] = [];

  constructor(readonly client: TcpClient, readonly id: number) {}

  get key(): string {
    return `key-${this.id}`;
  }

  /** Saves until the server closes the connection. */
  async run(): Promise<void> {
    await this.client.send({ code: "goto", key: `room-${this.id}` });
    await this.client.next();
    try {
      while (!this.client.ended) {
        await this.client.until(
          () => this.#takeAcks() > this.sent - WINDOW || this.client.ended,
          "room in the window",
        );
        if (this.client.ended) break;
        const seq = this.sent + 1;
        await this.client.send({ code: "save", key: this.key, state: stateOf(this.id, seq) });
        this.sent = seq;
      }
    } catch {
      // A write into a connection the server just closed: the run is over.
    }
    await this.client.closed();
    this.#takeAcks();
  }

  #takeAcks(): number {
    for (const [echo] of this.client.inbox.splice(0)) {
      assert.equal(echo.success, true);
      this.acked.push((echo.state as { seq: number }).seq);
    }
    return this.acked.length;
  }
}

async function shutdownUnderLoad(adapter: Adapter, withNonReader: boolean): Promise<void> {
  // Without a reader that never reads, nothing should wait for the close timeout.
  const closeTimeoutMs = withNonReader ? 1000 : 5000;
  await withTempDir(async (directory) => {
    const application = createRoomsApplication({ store: await FileStore.open(directory) });
    const hooks = countHooks(application);
    // Rate and slow-consumer limits stay out of the way: what is cut here is the shutdown's.
    const limits = {
      commandsPerSecond: 0,
      maxBufferedBytes: 64 * 1024 * 1024,
      slowConsumerTimeoutMs: 60_000,
    };
    const server = new Server({ application, clock: systemClock, limits });
    await withServed(adapter, server, async ({ listener, connect }) => {
      const nonReader = withNonReader
        ? await stopReading((await connect(1))[0], server)
        : undefined;
      const writers = (await connect(WRITERS)).map((client, n) => new Writer(client, n + 1));
      const running = writers.map((writer) => writer.run());
      await Promise.all(
        writers.map((writer) =>
          writer.client.until(() => writer.acked.length >= ACKS_BEFORE_CLOSE, "some acks")
        ),
      );

      if (nonReader) assert.ok(nonReader.queued() > 0, "the non-reader still has bytes queued");
      const started = performance.now();
      await within(listener.close(), closeTimeoutMs + CLOSE_MARGIN_MS, "the close");
      const tookMs = performance.now() - started;
      assert.ok(tookMs < (withNonReader ? closeTimeoutMs : 0) + CLOSE_MARGIN_MS, `${tookMs} ms`);
      await within(Promise.all(running), 5000, "the writers to see the end");

      // Every connection's onDisconnect ran exactly once.
      assert.equal(hooks.connects.size, WRITERS + (withNonReader ? 1 : 0));
      for (const index of hooks.connects.keys()) assert.equal(hooks.disconnects.get(index), 1);
      assert.equal(server.connections.count, 0);

      // Echoes came in order, none lost before the end; the store has the last or later.
      const store = await FileStore.open(directory);
      for (const writer of writers) {
        assert.ok(writer.client.ended, "the server ended the stream after flushing it");
        const acked = writer.acked.length;
        assert.deepEqual(writer.acked, Array.from({ length: acked }, (_, n) => n + 1));
        const stored = await store.get(writer.key) as { seq: number };
        assert.ok(stored.seq >= acked && stored.seq <= writer.sent, `${stored.seq} of ${acked}`);
        assert.deepEqual(stored, stateOf(writer.id, stored.seq));
      }
      if (nonReader) assert.equal(await store.get("big"), nonReader.state);
      const files = await readdir(directory);
      assert.ok(files.every((name) => /^h_[0-9a-f]{64}\.json$/.test(name)), files.join());
    }, { closeTimeoutMs });
  });
}

/**
 * Makes `client` (the only one connected) a reader that never reads with replies queued in
 * the server: it saves a large state, stops reading and asks for the state until the server
 * holds more than the high-water mark for it. Returns that state and the queue's size.
 */
async function stopReading<S>(client: TcpClient, server: Server) {
  const big = { code: "save", key: "big", state: "b".repeat(60_000) };
  await client.send({ code: "goto", key: "room-big" });
  await client.next();
  await client.send(big);
  await client.next();
  client.pause();
  const [index] = server.connections.indexes();
  const queued = () => server.connections.unsentBytes(index);
  for (let asked = 0; queued() < 256 * 1024; asked++) {
    assert.ok(asked < 1000, "the server never held bytes for the non-reader");
    await client.send({ code: "get", key: "big" });
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return { state: big.state, queued };
}

for (const adapter of ADAPTERS) {
  const options = { skip: adapter.skip };
  test(
    `${adapter.name} adapter: shutdown under load flushes, unhooks and keeps the last acked state`,
    options,
    () => shutdownUnderLoad(adapter, false),
  );
  test(
    `${adapter.name} adapter: a reader that never reads holds the shutdown no longer than closeTimeoutMs`,
    options,
    () => shutdownUnderLoad(adapter, true),
  );
}
