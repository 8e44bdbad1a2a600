/**
 * V8's `--trace-gc` lines, as a benchmark's server process prints them: which collection, the
 * heap before and after, and the pause. Node takes the flag as it is, Deno as
 * `--v8-flags=--trace-gc`.
 *
 * @module
 */

/** One garbage collection as `--trace-gc` prints it. */
export interface Gc {
  /** `Scavenge`, `Mark-Compact`, … */
  readonly kind: string;
  readonly beforeMb: number;
  readonly afterMb: number;
  /** How long the main thread was stopped, in ms. */
  readonly pauseMs: number;
}

const GC_LINE =
  /: (Scavenge|Mark-Compact|Mark-sweep|Minor Mark-Compact)[^\d]*([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ [\d.]+ ms/;

/**
 * The collection a line reports, or undefined for any other line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseGc } from "./trace_gc.ts";
 * const line = "[7:0x5]  1041 ms: Scavenge 6.1 (7.2) -> 5.3 (8.2) MB, 0.62 / 0.00 ms  " +
 *   "(average mu = 1.000, current mu = 1.000) allocation failure;";
 * assert.deepEqual(parseGc(line), { kind: "Scavenge", beforeMb: 6.1, afterMb: 5.3, pauseMs: 0.62 });
 * assert.equal(parseGc('{"port":1}'), undefined);
 * ```
 */
export function parseGc(line: string): Gc | undefined {
  const match = GC_LINE.exec(line);
  if (!match) return undefined;
  const [, kind, before, after, pause] = match;
  return { kind, beforeMb: Number(before), afterMb: Number(after), pauseMs: Number(pause) };
}

/** Whether a collection is a young-generation one (a scavenge, or V8's minor mark-compact). */
export function isMinor(gc: Gc): boolean {
  return gc.kind === "Scavenge" || gc.kind.startsWith("Minor");
}

/** The flag that makes a server of `runtime` print its collections. */
export function traceGcFlag(runtime: "node" | "deno"): string {
  return runtime === "deno" ? "--v8-flags=--trace-gc" : "--trace-gc";
}

/**
 * Scavenges of `gcs`, their mean and longest pause, and the collections of the old generation.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summarizeGcs } from "./trace_gc.ts";
 * const gcs = [
 *   { kind: "Scavenge", beforeMb: 4, afterMb: 3, pauseMs: 1 },
 *   { kind: "Scavenge", beforeMb: 5, afterMb: 3, pauseMs: 3 },
 *   { kind: "Mark-Compact", beforeMb: 9, afterMb: 3, pauseMs: 10 },
 * ];
 * assert.deepEqual(summarizeGcs(gcs), { scavenges: 2, meanPauseMs: 2, maxPauseMs: 3, full: 1 });
 * ```
 */
export function summarizeGcs(gcs: readonly Gc[]): {
  scavenges: number;
  meanPauseMs: number;
  maxPauseMs: number;
  full: number;
} {
  const pauses = gcs.filter(isMinor).map((gc) => gc.pauseMs);
  return {
    scavenges: pauses.length,
    meanPauseMs: pauses.length ? pauses.reduce((a, b) => a + b, 0) / pauses.length : 0,
    maxPauseMs: Math.max(0, ...pauses),
    full: gcs.length - pauses.length,
  };
}

/**
 * `command` (a Node or Deno script, as `nodeScript` and `denoScript` make them) with the flag
 * that prints its collections.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withTraceGc } from "./trace_gc.ts";
 * const deno = withTraceGc({ program: "deno", args: ["run", "-A", "x.ts"] }, "deno");
 * assert.deepEqual(deno.args, ["run", "--v8-flags=--trace-gc", "-A", "x.ts"]);
 * const node = withTraceGc({ program: "node", args: ["--import", "tsx", "x.ts"] }, "node");
 * assert.deepEqual(node.args, ["--trace-gc", "--import", "tsx", "x.ts"]);
 * ```
 */
export function withTraceGc(
  command: { readonly program: string; readonly args: readonly string[] },
  runtime: "node" | "deno",
): { program: string; args: string[] } {
  const [first, ...rest] = command.args;
  const args = runtime === "deno"
    ? [first, traceGcFlag(runtime), ...rest]
    : [traceGcFlag(runtime), ...command.args];
  return { program: command.program, args };
}
