/**
 * The parser benchmark: decoding throughput of JsonParser's decoder on a realistic stream of
 * rooms-protocol messages cut into reads of random sizes (seeded), against JSON.parse alone
 * on the same messages as ready-made strings (no framing, no UTF-8 decoding), and against
 * TextDecoder + JSON.parse on ready frames (no framing). Runs on Node and on Deno.
 *
 * Run: `node --import tsx bench/parser.ts` or `node_modules/.bin/deno run --allow-env bench/parser.ts`
 *
 * @module
 */
import process from "node:process";
import { JsonParser } from "../mod.ts";
import { chunk, frame, generateMessages } from "./message_stream.ts";
import { formatNumber, markdownTable, median } from "./stats.ts";

const MESSAGES = 40_000;
const SEED = 20240611;
const ROUNDS = 7;
/** Each round repeats a contestant until this much time has passed. */
const ROUND_MS = 400;

const messages = generateMessages(MESSAGES, SEED);
const bytes = frame(messages);
const chunks = chunk(bytes, SEED + 1);
const parser = new JsonParser();

/** One pass of the decoder over the whole stream; returns the commands decoded. */
function decodeStream(): number {
  const decoder = parser.createDecoder();
  let commands = 0;
  for (const read of chunks) {
    for (const decoded of decoder.decode(read)) {
      if (decoded.kind !== "commands") throw new Error(`unexpected ${decoded.kind}`);
      commands += decoded.commands.length;
    }
  }
  return commands;
}

/** One pass of JSON.parse over the same messages as strings; returns the commands parsed. */
function parseStrings(): number {
  let commands = 0;
  for (const message of messages) {
    const value = JSON.parse(message);
    commands += Array.isArray(value) ? value.length : 1;
  }
  return commands;
}

const frames = messages.map((message) => new TextEncoder().encode(message));
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The least any server of this protocol must do per message once it is framed: UTF-8
 * decoding, then JSON.parse (frames handed over ready, so no zero-byte search or buffering).
 */
function decodeAndParseFrames(): number {
  let commands = 0;
  for (const frame of frames) {
    const value = JSON.parse(utf8.decode(frame));
    commands += Array.isArray(value) ? value.length : 1;
  }
  return commands;
}

/**
 * CPU time of this process in milliseconds (user and system): unlike wall time, it does not
 * count the moments another process had the CPU.
 */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Passes per CPU second of `pass`, over repeated passes for about ROUND_MS. */
function rate(pass: () => number): number {
  let passes = 0;
  const start = cpuMs();
  let elapsed = 0;
  do {
    pass();
    passes++;
    elapsed = cpuMs() - start;
  } while (elapsed < ROUND_MS);
  return passes / (elapsed / 1000);
}

const contestants = [decodeStream, parseStrings, decodeAndParseFrames];
const expected = parseStrings();
for (const pass of contestants) {
  if (pass() !== expected) throw new Error(`${pass.name} disagrees with JSON.parse`);
}
for (let warm = 0; warm < 3; warm++) for (const pass of contestants) pass();
const rates = contestants.map(() => [] as number[]);
for (let round = 0; round < ROUNDS; round++) {
  contestants.forEach((pass, i) => rates[i].push(rate(pass)));
}
const [decoder, parse, decodeAndParse] = rates.map(median);
const runtime = "Deno" in globalThis
  ? `Deno ${(globalThis as unknown as { Deno: { version: { deno: string } } }).Deno.version.deno}`
  : `Node ${process.version}`;
const row = (name: string, passes: number) => [
  name,
  formatNumber((passes * bytes.length) / 1e6, 1),
  formatNumber(passes * messages.length),
  `${formatNumber(passes / parse, 2)}x`,
];
console.log(`# Parser on ${runtime}`);
console.log(
  `${formatNumber(messages.length)} messages, ${formatNumber(bytes.length / 1e6, 2)} MB, ` +
    `${formatNumber(chunks.length)} reads of 1 B to 64 KiB (log-uniform, seed ${SEED + 1}); ` +
    `rates per CPU second, median of ${ROUNDS} interleaved rounds of ${ROUND_MS} ms\n`,
);
console.log(markdownTable(["contestant", "MB/s", "messages/s", "vs JSON.parse"], [
  row("JsonParser decoder (bytes in reads)", decoder),
  row("JSON.parse alone (ready strings)", parse),
  row("TextDecoder + JSON.parse (ready frames)", decodeAndParse),
]));
const mbps = (passes: number) => (passes * bytes.length) / 1e6;
console.log(`\nresults: ${
  JSON.stringify({
    runtime,
    decoderMBps: mbps(decoder),
    parseMBps: mbps(parse),
    decodeAndParseMBps: mbps(decodeAndParse),
    ratio: decoder / parse,
  })
}`);
