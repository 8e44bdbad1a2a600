/**
 * Seeded runs of whole WebSocket connections through a sniffing entrance, in memory: the
 * handshake, then messages in either mode, fragmented at random, each frame masked with its
 * own random key, pings between fragments, all cut into random reads. The layer must get
 * exactly the zero-byte stream a TCP client would have sent, every ping its pong, and the
 * client exactly what the server wrote, however its writes cut the messages.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../mod.ts";
import { Entrance } from "../src/transport/entrance.ts";
import type { Socket } from "../src/transport/socket.ts";
import { handshakeKey, upgradeRequest } from "../src/websocket/client_handshake.ts";
import { encodeFrame } from "../src/websocket/frame_encoder.ts";
import { FrameDecoder } from "../src/websocket/frame_decoder.ts";
import { forEachSeed, Fuzz, fuzzSeeds } from "./helpers/fuzz_random.ts";
import { BINARY, concat, CONT, PING, TEXT, utf8 } from "./helpers/websocket_frames.ts";

/** Cuts `bytes` into 1 to `parts` pieces at random places. */
function cut(fuzz: Fuzz, bytes: Uint8Array, parts: number): Uint8Array[] {
  const at = new Set<number>();
  const n = fuzz.int(0, Math.min(parts - 1, Math.max(0, bytes.length - 1)));
  while (at.size < n) at.add(fuzz.int(1, bytes.length - 1));
  const ends = [...at].sort((a, b) => a - b).concat(bytes.length);
  let start = 0;
  return ends.map((end) => bytes.subarray(start, start = end));
}

/** A client's frames for the messages, in the run's mode; the pings it sent among them. */
function clientFrames(fuzz: Fuzz, mode: "message" | "stream", messages: string[]) {
  const frames: Uint8Array[] = [];
  const pings: Uint8Array[] = [];
  const send = (opcode: number, payload: Uint8Array) => {
    const pieces = cut(fuzz, payload, 5);
    pieces.forEach((piece, k) => {
      const fin = k === pieces.length - 1;
      frames.push(encodeFrame(k === 0 ? opcode : CONT, piece, { fin, mask: fuzz.bytes(4) }));
      if (fuzz.chance(0.2)) {
        const ping = fuzz.bytes(fuzz.int(0, 125));
        pings.push(ping);
        frames.push(encodeFrame(PING, ping, { mask: fuzz.bytes(4) }));
      }
    });
  };
  if (mode === "message") {
    for (const message of messages) send(TEXT, utf8(message));
  } else {
    const stream = utf8(messages.map((message) => message + "\0").join(""));
    for (const piece of cut(fuzz, stream, 8)) send(BINARY, piece);
  }
  return { wire: concat(...frames), pings };
}

async function run(seed: number): Promise<void> {
  const fuzz = new Fuzz(seed);
  const mode = fuzz.pick(["message", "stream"] as const);
  const messages = Array.from(
    { length: fuzz.int(1, 12) },
    (_, i) => JSON.stringify({ code: "save", key: `k${i}`, state: "é".repeat(fuzz.int(0, 200)) }),
  );
  const { wire, pings } = clientFrames(fuzz, mode, messages);
  const head = upgradeRequest({ host: "h", key: handshakeKey(fuzz.bytes(16)) });

  const written: Uint8Array[] = [];
  const raw: Socket = {
    write: (bytes) => void written.push(bytes.slice()),
    unsentBytes: 0,
    drained: () => Promise.resolve(),
    end() {},
    abort() {},
  };
  const heard: Uint8Array[] = [];
  let layerSocket: Socket | undefined;
  const door = new Entrance((socket) => {
    layerSocket = socket;
    return {
      data: (bytes) => (heard.push(bytes.slice()), Promise.resolve()),
      end() {},
      error: (error) => assert.fail(`layer error: ${error}`),
      closed() {},
    };
  }, { protocol: "sniff", clock: new ManualClock(), handshakeTimeoutMs: 5000 });
  const events = door.open(raw);
  for (const read of cut(fuzz, concat(head, wire), 40)) await events.data(read);

  const expected = utf8(messages.map((message) => message + "\0").join(""));
  assert.deepEqual(concat(...heard), expected, `${mode} mode: the layer's stream`);
  // The server's bytes as the client sees them: the 101 alone, then frames.
  const response = new TextDecoder().decode(written[0]);
  assert.match(response, /^HTTP\/1\.1 101 /);
  const decoder = new FrameDecoder({ role: "client", maxMessageBytes: 1 << 20 });
  const pongs = decoder.feed(concat(...written.slice(1)));
  assert.deepEqual(pongs, pings.map((data) => ({ type: "pong", data })), "a pong per ping");

  // The server's writes: its messages, batched and cut anywhere.
  const replies = messages.map((message) => `[${message}]`);
  const out = utf8(replies.map((reply) => reply + "\0").join(""));
  const before = written.length;
  for (const piece of cut(fuzz, out, 6)) layerSocket!.write(piece);
  const received = decoder.feed(concat(...written.slice(before)));
  if (mode === "message") {
    assert.deepEqual(received, replies.map((text) => ({ type: "text", text })), "text frames");
  } else {
    assert.ok(received.every((event) => event.type === "binary"), "binary frames");
    const data = received.map((event) => (event as { data: Uint8Array }).data);
    assert.deepEqual(concat(...data), out, "the zero-byte stream as it is");
  }
}

test("seeded WebSocket connections: every split, mask and fragmentation, both modes", async () => {
  const { ran } = await forEachSeed(fuzzSeeds(300), 10_000, run);
  assert.ok(ran > 0);
});
