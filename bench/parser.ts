/**
 * The parser benchmark: decoding throughput (MB/s and messages/s) of JsonParser's decoder on
 * a realistic stream of rooms-protocol messages cut into reads of random sizes (seeded),
 * against JSON.parse alone on the same messages as ready strings (no framing, no UTF-8), and
 * against a fatal TextDecoder + JSON.parse on ready frames (no framing), and against the
 * floor of any decoder handed the same reads (framing, decoding and parsing, no check). Runs
 * on the runtime that runs it, in several fresh processes (bench/parser_rounds.ts), because
 * on Node a process now and then settles into a slow mode for its whole life
 * (young-generation sizing: it did not happen with `--max-semi-space-size=32`); the table
 * gives the median process and lists every process's ratio.
 *
 * Run: `node --import tsx bench/parser.ts [--processes 3]` or
 * `node_modules/.bin/deno run --allow-run --allow-read --allow-env bench/parser.ts`
 *
 * @module
 */
import type { ParserRoundsResult } from "./parser_rounds.ts";
import { denoScript, nodeScript, runForJson } from "./processes.ts";
import { formatNumber, markdownTable, median } from "./stats.ts";
import { option } from "./targets.ts";

const count = Number(option("processes", "3"));
const script = "bench/parser_rounds.ts";
const command = "Deno" in globalThis ? denoScript(script) : nodeScript(script);
const results: ParserRoundsResult[] = [];
for (let n = 0; n < count; n++) {
  results.push(await runForJson<ParserRoundsResult>(command, 120_000));
}

const ratios = results.map((result) => result.decoder / result.parse);
// The target's yardstick: the decoder against TextDecoder (fatal) + JSON.parse on ready frames.
const targetRatios = results.map((result) => result.decoder / result.decodeAndParse);
// The floor against the same yardstick: framing alone, no check.
const floorRatios = results.map((result) => result.framing / result.decodeAndParse);
// The median process by the decoder's ratio, whole: its rates were measured together.
const typical = results[ratios.indexOf(median(ratios))];
const { bytes, messages, reads, seed, rounds, roundMs } = typical;
const row = (name: string, passes: number) => [
  name,
  formatNumber((passes * bytes) / 1e6, 1),
  formatNumber(passes * messages),
  `${formatNumber(passes / typical.parse, 2)}x`,
];
console.log(`# Parser on ${typical.runtime}`);
console.log(
  `${formatNumber(messages)} messages, ${formatNumber(bytes / 1e6, 2)} MB, ` +
    `${formatNumber(reads)} reads of 1 B to 64 KiB (log-uniform, seed ${seed + 1}); rates per ` +
    `CPU second, median of ${rounds} interleaved rounds of ${roundMs} ms in each of ${count} ` +
    `processes; the median process (decoder vs JSON.parse in each: ` +
    `${ratios.map((ratio) => `${formatNumber(ratio, 2)}x`).join(", ")}; against TextDecoder + ` +
    `JSON.parse on ready frames, the target's yardstick: ` +
    `${targetRatios.map((ratio) => `${formatNumber(ratio, 2)}x`).join(", ")}; the framing ` +
    `floor against it: ${floorRatios.map((ratio) => `${formatNumber(ratio, 2)}x`).join(", ")})\n`,
);
console.log(markdownTable(["contestant", "MB/s", "messages/s", "vs JSON.parse"], [
  row("JsonParser decoder (bytes in reads)", typical.decoder),
  row("JSON.parse alone (ready strings)", typical.parse),
  row("TextDecoder (fatal) + JSON.parse (ready frames)", typical.decodeAndParse),
  row("framing, TextDecoder + JSON.parse, no check (reads)", typical.framing),
]));
console.log(`\nresults: ${JSON.stringify(results)}`);
