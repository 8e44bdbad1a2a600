/**
 * What both adapters promise around the sockets' lives: shutdown, flushing, bounded closes,
 * failing peers and refused connections. Every test runs once per adapter, against a tiny
 * controller that greets each client with its index and answers "big" with a large message
 * (to the sender, or to the index in `to`).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Application, type Command, deliver, type Index, JsonParser, Server } from "../mod.ts";
import { systemClock } from "../src/adapter/system_clock.ts";
import { PATIENT_LIMITS } from "./helpers/patient_limits.ts";
import { TcpClient } from "./helpers/tcp_client.ts";
import { type Adapter, ADAPTERS, CLOSE_WAIT_MS, withServed } from "./helpers/served.ts";
import { within } from "./helpers/timeout.ts";

/** A reply larger than the kernel's socket buffers hold for a client that does not read. */
const BEYOND_BUFFERS = 8 * 1024 * 1024;

/** A server whose controller records the hooks and lets a test wait for a disconnect. */
function recordingServer(options: { maxMessageBytes?: number } = {}) {
  const disconnects: Index[] = [];
  const waiting = new Map<Index, () => void>();
  let bigReplied = () => {};
  const application = new Application({
    storage: null,
    defaultController: {
      handleCommand: (command: Command, { index }: { index: Index }) => {
        if (command.code !== "big") return deliver([index], { ...command, success: true });
        // A timer later, the turn that wrote the reply is over.
        setTimeout(bigReplied, 0);
        const to = typeof command.to === "number" ? command.to : index;
        return deliver([to], { code: "big", data: "x".repeat(Number(command.size)) });
      },
      onConnect: ({ index }) => deliver([index], { code: "hello", index }),
      onDisconnect: ({ index }) => {
        disconnects.push(index);
        waiting.get(index)?.();
        return [];
      },
    },
  });
  const parser = new JsonParser({ maxMessageBytes: options.maxMessageBytes });
  return {
    server: new Server({ application, parser, limits: PATIENT_LIMITS, clock: systemClock }),
    disconnects,
    /** Resolves once the reply to the next "big" has been written (but not drained). */
    bigReplied: () => new Promise<void>((resolve) => (bigReplied = resolve)),
    /** Resolves once the index's onDisconnect has run. */
    disconnected: (index: Index) =>
      disconnects.includes(index)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiting.set(index, resolve)),
  };
}

/** Takes a client's greeting and returns the index the server gave it. */
async function indexOf(client: TcpClient): Promise<Index> {
  const [hello] = await client.next();
  assert.equal(hello.code, "hello");
  return hello.index as Index;
}

/**
 * Stops `reader` reading and has `sender` (by default the reader itself) ask for a message
 * to it that its socket buffers cannot hold; resolves once the server has written it.
 */
async function overfill(
  recorder: ReturnType<typeof recordingServer>,
  reader: TcpClient,
  readerIndex: Index,
  sender = reader,
): Promise<void> {
  reader.pause();
  const replied = recorder.bigReplied();
  await sender.send({ code: "big", size: BEYOND_BUFFERS, to: readerIndex });
  await replied;
}

const contract: Record<string, (adapter: Adapter) => Promise<void>> = {
  async "close() runs every onDisconnect once, closes the sockets, and is idempotent"(adapter) {
    const { server, disconnects } = recordingServer();
    await withServed(adapter, server, async ({ listener, connect }) => {
      const clients = await connect(3);
      const indexes = await Promise.all(clients.map(indexOf));
      const closing = listener.close();
      assert.equal(listener.close(), closing);
      await within(closing, CLOSE_WAIT_MS, "the listener to close");
      assert.deepEqual(disconnects.toSorted(), indexes.toSorted());
      await Promise.all(clients.map((client) => client.closed()));
      assert.ok(clients.every((client) => client.ended), "each client was sent an end");
      await assert.rejects(TcpClient.connect(listener.port), "the port is no longer listened on");
      assert.equal(server.connections.count, 0);
    });
  },

  async "close() flushes what a slow reader was sent before it closes"(adapter) {
    const recorder = recordingServer();
    await withServed(adapter, recorder.server, async ({ listener, connect }) => {
      const [client] = await connect(1);
      await overfill(recorder, client, await indexOf(client));
      const closing = listener.close(); // while most of the message is still queued
      client.resume();
      const [message] = await client.next();
      assert.equal((message.data as string).length, BEYOND_BUFFERS);
      await client.closed();
      await within(closing, CLOSE_WAIT_MS, "the listener to close");
    }, { closeTimeoutMs: CLOSE_WAIT_MS });
  },

  async "a client that ends while a large reply to it is queued gets all of it, then the end"(
    adapter,
  ) {
    const recorder = recordingServer();
    await withServed(adapter, recorder.server, async ({ connect }) => {
      const [reader, sender] = await connect(2);
      const index = await indexOf(reader);
      await indexOf(sender);
      await overfill(recorder, reader, index, sender);
      reader.end(); // half-closed, reading nothing: the reply waits in the server for it
      await recorder.disconnected(index);
      reader.resume();
      const [message] = await reader.next();
      assert.equal((message.data as string).length, BEYOND_BUFFERS);
      await reader.closed();
      assert.ok(reader.ended, "the server ended its side after the reply");
    }, { closeTimeoutMs: CLOSE_WAIT_MS });
  },

  async "a client that sends and ends at once is answered, then the server ends"(adapter) {
    const { server, disconnects } = recordingServer();
    await withServed(adapter, server, async ({ connect }) => {
      const [client] = await connect(1);
      const [hello] = await client.next(); // the greeting: the connection is in the core
      client.end('{"code":"ping"}\0'); // the last message and the end, together
      assert.deepEqual(await client.next(), [{ code: "ping", success: true }]);
      await client.closed();
      assert.ok(client.ended, "an end, not a reset");
      assert.deepEqual(disconnects, [hello.index]);
    });
  },

  async "a peer that never reads holds close() back no longer than closeTimeoutMs"(adapter) {
    const recorder = recordingServer();
    await withServed(adapter, recorder.server, async ({ listener, connect }) => {
      const [client] = await connect(1);
      const index = await indexOf(client);
      await overfill(recorder, client, index);
      const start = performance.now();
      await within(listener.close(), CLOSE_WAIT_MS, "the listener to close");
      const ms = performance.now() - start;
      assert.ok(ms >= 150 && ms < 1500, `close() took ${ms} ms with closeTimeoutMs 200`);
      assert.deepEqual(recorder.disconnects, [index]);
    }, { closeTimeoutMs: 200 });
  },

  async "a drain cut short by a close settles, so the sender is served on"(adapter) {
    const recorder = recordingServer();
    await withServed(adapter, recorder.server, async ({ connect }) => {
      const [slow, sender] = await connect(2);
      const slowIndex = await indexOf(slow);
      await indexOf(sender);
      await overfill(recorder, slow, slowIndex, sender);
      // The sender's next message waits for that drain; closing the slow one must end it.
      await sender.send({ code: "ping" });
      const disconnecting = recorder.server.disconnect(slowIndex);
      slow.resume();
      assert.equal(((await slow.next())[0].data as string).length, BEYOND_BUFFERS);
      await within(disconnecting, CLOSE_WAIT_MS, "the disconnect");
      assert.deepEqual(await sender.next(), [{ code: "ping", success: true }]);
    }, { closeTimeoutMs: CLOSE_WAIT_MS });
  },

  async "bufferedBytes counts what the kernel has not taken yet"(adapter) {
    const recorder = recordingServer();
    await withServed(adapter, recorder.server, async ({ connect }) => {
      const [client] = await connect(1);
      const index = await indexOf(client);
      const { connections } = recorder.server;
      assert.ok(connections.has(index), "the connection is registered");
      assert.equal(connections.unsentBytes(index), 0);
      await overfill(recorder, client, index);
      assert.ok(
        connections.unsentBytes(index) > 0,
        "a peer that does not read leaves bytes queued",
      );
      client.resume();
      await client.next();
      // The ping is handled once the big message has drained.
      await client.send({ code: "ping" });
      await client.next();
      assert.equal(connections.unsentBytes(index), 0);
    });
  },

  async "a peer that resets while it is written to is dropped once; others are served"(adapter) {
    const recorder = recordingServer();
    await withServed(adapter, recorder.server, async ({ connect }) => {
      const [gone, stays] = await connect(2);
      const goneIndex = await indexOf(gone);
      await indexOf(stays);
      await overfill(recorder, gone, goneIndex);
      await gone.close(); // unread data: the kernel answers with a reset
      await recorder.disconnected(goneIndex);
      await stays.send({ code: "ping" });
      assert.deepEqual(await stays.next(), [{ code: "ping", success: true }]);
      assert.deepEqual(recorder.disconnects, [goneIndex]);
    });
  },

  async "a message over the size limit is answered with an error and closed at once"(adapter) {
    const { server, disconnects } = recordingServer({ maxMessageBytes: 1024 });
    // A long closeTimeoutMs: the close must not wait for it.
    await withServed(adapter, server, async ({ connect }) => {
      const [client] = await connect(1);
      const index = await indexOf(client);
      await client.write('{"code":"ping","pad":"' + "x".repeat(4096));
      assert.deepEqual(await client.next(), [{ error: "message is larger than 1024 bytes" }]);
      await client.closed(2000);
      assert.deepEqual(disconnects, [index]);
    }, { closeTimeoutMs: 60_000 });
  },

  async "a turn's many writes, past the flush threshold, arrive whole and in order"(adapter) {
    const { server } = recordingServer({ maxMessageBytes: 1024 * 1024 });
    await withServed(adapter, server, async ({ connect }) => {
      const [client] = await connect(1);
      await indexOf(client);
      // One message, one turn: 150 replies of ~900 bytes, more than FLUSH_BYTES in all, and
      // within the default command rate's burst.
      const pad = "é".repeat(450);
      await client.send(Array.from({ length: 150 }, (_, seq) => ({ code: "ping", seq, pad })));
      for (let seq = 0; seq < 150; seq++) {
        assert.deepEqual(await client.next(), [{ code: "ping", seq, pad, success: true }]);
      }
      assert.deepEqual(client.malformed, []);
    });
  },

  async "serve() rejects when the port is taken"(adapter) {
    await withServed(adapter, recordingServer().server, async ({ listener }) => {
      const second = recordingServer().server;
      await assert.rejects(adapter.serve(second, { port: listener.port }));
    });
  },

  async "a connection that arrives while the server shuts down is told so and closed"(adapter) {
    const { server, disconnects } = recordingServer();
    await withServed(adapter, server, async ({ connect }) => {
      await server.shutdown(); // the core refuses; the listener still accepts
      const [late] = await connect(1);
      assert.deepEqual(await late.next(), [{ error: "server is shutting down" }]);
      await late.closed();
      assert.deepEqual(disconnects, []);
    });
  },
};

/**
 * Known failures, by adapter and test, on this runtime. The Node adapter run by Deno (its
 * `node:net`) truncates a large reply to a client that half-closed before reading it: about
 * 3.9 of 8 MiB arrive, then the end. It did so before this test was written (with the
 * adapter's close as it was then, a shutdown and a destroy once finished); not fixed yet.
 */
function knownFailure(adapter: Adapter, name: string): string | false {
  return "Deno" in globalThis && adapter.name === "node" && name.startsWith("a client that ends")
    ? "Deno's node:net truncates the reply (a known failure)"
    : false;
}

for (const adapter of ADAPTERS) {
  for (const [name, check] of Object.entries(contract)) {
    const skip = adapter.skip || knownFailure(adapter, name);
    test(`${adapter.name} adapter: ${name}`, { skip }, () => check(adapter));
  }
}
