/**
 * The server's cost of reading one WebSocket text message, as the layer needs it (its bytes
 * and a zero byte), in three ways the decoder allows: decoded into a string then encoded
 * again (the way before `text: "zero-terminated"`), kept as bytes, and kept as bytes in a
 * slab shared by the port's decoders (what `WebSocketSocket` does). One process, no sockets,
 * so the machine's load moves it little; the medians of `--rounds`.
 *
 * Run: `node --import tsx bench/ws_decode.ts [--rounds 5] [--messages 300000]`
 *
 * @module
 */
import { ByteSlab } from "../src/websocket/byte_slab.ts";
import { FrameDecoder } from "../src/websocket/frame_decoder.ts";
import { encodeClientFrame } from "../src/websocket/frame_encoder.ts";
import { formatNumber, markdownTable, median } from "./stats.ts";
import { option } from "./targets.ts";

const encoder = new TextEncoder();
/** A fan-out `update` as the benchmark's clients send it. */
const FRAME = encodeClientFrame(
  1,
  encoder.encode(JSON.stringify({ code: "update", key: "bench", index: 42, value: 12345.678 })),
  new Uint8Array([1, 2, 3, 4]),
);

type Way = "string" | "bytes" | "slab";

/** µs per message, one frame per feed. */
function measure(way: Way, messages: number): number {
  const slab = new ByteSlab();
  const decoder = new FrameDecoder({
    binary: "stream",
    text: way === "string" ? "string" : "zero-terminated",
    allocator: way === "slab" ? slab : undefined,
  });
  let bytes = 0;
  const start = performance.now();
  for (let i = 0; i < messages; i++) {
    for (const event of decoder.feed(FRAME)) {
      if (event.type === "text" && !event.text.includes("\0")) {
        bytes += encoder.encode(event.text + "\0").length;
      } else if (event.type === "terminated" && event.data.indexOf(0) === event.data.length - 1) {
        bytes += event.data.length;
      }
    }
  }
  const elapsed = performance.now() - start;
  if (bytes !== messages * (FRAME.length - 5)) throw new Error(`${way}: wrong bytes ${bytes}`);
  return (elapsed / messages) * 1000;
}

const rounds = Number(option("rounds", "5"));
const messages = Number(option("messages", "300000"));
const ways: Way[] = ["string", "bytes", "slab"];
const times = new Map<Way, number[]>(ways.map((way) => [way, []]));
for (let round = 0; round < rounds; round++) {
  for (const way of ways) times.get(way)!.push(measure(way, messages));
}
console.log(`# Reading one WebSocket text message (${FRAME.length - 6} bytes), µs\n`);
console.log(markdownTable(
  ["way", "median µs/message", `each round (${rounds})`],
  ways.map((way) => [
    way,
    formatNumber(median(times.get(way)!), 3),
    times.get(way)!.map((time) => formatNumber(time, 3)).join(", "),
  ]),
));
