/**
 * One process's measurement for the parser benchmark (bench/parser.ts runs several): the
 * JsonParser decoder on a realistic stream of rooms-protocol messages cut into reads of
 * random sizes (seeded), JSON.parse alone on the same messages as ready strings, a fatal
 * TextDecoder + JSON.parse on the same messages as ready frames, and the least any decoder of
 * this wire does on the reads (framing, decoding and parsing, no check). Prints one JSON line
 * ({@linkcode ParserRoundsResult}): passes per CPU second of each, median of the rounds.
 *
 * Run: `node --import tsx bench/parser_rounds.ts`, or
 * `node_modules/.bin/deno run bench/parser_rounds.ts`
 *
 * @module
 */
import process from "node:process";
import { JsonParser } from "../mod.ts";
import { concat } from "../src/transport/concat_bytes.ts";
import { chunk, frame, generateMessages } from "./message_stream.ts";
import { median } from "./stats.ts";

/** The stream: this many messages, from this seed (the reads' sizes from the next one). */
const MESSAGES = 40_000;
const SEED = 20240611;
/** Rounds per contestant, interleaved; each repeats the contestant for about ROUND_MS. */
const ROUNDS = 5;
/** How long one round of one contestant lasts, in CPU milliseconds. */
const ROUND_MS = 300;

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

const lenientUtf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * The floor of a decoder handed the reads: split them on the zero byte, join a message cut
 * across reads, decode each run of whole messages with one (lenient) TextDecoder call and
 * `JSON.parse` each message. No check of any kind (UTF-8, shape, depth, numbers, sizes) and
 * no result objects: what framing itself costs over ready frames. Returns the commands parsed.
 */
function frameAndParse(): number {
  let commands = 0;
  const parse = (text: string) => {
    const value = JSON.parse(text);
    commands += Array.isArray(value) ? value.length : 1;
  };
  let held: Uint8Array | undefined; // the start of a message the read ended in
  for (const read of chunks) {
    let start = 0;
    if (held !== undefined) {
      const zero = read.indexOf(0);
      held = concat([held, zero === -1 ? read : read.subarray(0, zero)]);
      if (zero === -1) continue;
      parse(lenientUtf8.decode(held));
      held = undefined;
      start = zero + 1;
    }
    const last = read.lastIndexOf(0);
    if (last >= start) {
      for (const message of lenientUtf8.decode(read.subarray(start, last)).split("\0")) {
        parse(message);
      }
      start = last + 1;
    }
    if (start < read.length) held = read.slice(start);
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

const contestants = [decodeStream, parseStrings, decodeAndParseFrames, frameAndParse];
const expected = parseStrings();
for (const pass of contestants) {
  if (pass() !== expected) throw new Error(`${pass.name} disagrees with JSON.parse`);
}
for (let warm = 0; warm < 3; warm++) for (const pass of contestants) pass();
const rates = contestants.map(() => [] as number[]);
for (let round = 0; round < ROUNDS; round++) {
  contestants.forEach((pass, i) => rates[i].push(rate(pass)));
}
const [decoder, parse, decodeAndParse, framing] = rates.map(median);

/** What one measuring process prints: passes per CPU second, and what a pass holds. */
export interface ParserRoundsResult {
  runtime: string;
  bytes: number;
  messages: number;
  reads: number;
  seed: number;
  rounds: number;
  roundMs: number;
  decoder: number;
  parse: number;
  decodeAndParse: number;
  /** The floor: the reads framed, decoded and parsed, with no check ({@linkcode frameAndParse}). */
  framing: number;
}

const result: ParserRoundsResult = {
  runtime: "Deno" in globalThis
    ? `Deno ${(globalThis as unknown as { Deno: { version: { deno: string } } }).Deno.version.deno}`
    : `Node ${process.version}`,
  bytes: bytes.length,
  messages: messages.length,
  reads: chunks.length,
  seed: SEED,
  rounds: ROUNDS,
  roundMs: ROUND_MS,
  decoder,
  parse,
  decodeAndParse,
  framing,
};
console.log(JSON.stringify(result));
