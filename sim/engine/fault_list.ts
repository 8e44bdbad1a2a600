/**
 * A fault list written down: as a compact string a shell takes unquoted (for `SIM_REPLAY`),
 * and as a schedule a person reads, one line per fault in virtual time.
 *
 * @module
 */
import type { FaultEvent } from "./fault_plan.ts";
import { formatTime } from "./trace.ts";

/** A run named by its scenario, seed and planted bug, with the faults to replay in it. */
export interface ListedRun {
  readonly scenario: string;
  readonly seed: number;
  readonly plant?: string;
  readonly faults: readonly FaultEvent[];
}

/**
 * `scenario:seed:plant:faults`, each fault `client.kind#seq=value` (no `#seq` when 0),
 * separated by commas. When the faults strike is the run's business, so it is left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeRun, encodeRun } from "./fault_list.ts";
 * const faults = [{ at: 0, client: "c1", kind: "window", seq: 0, value: 128 }];
 * const text = encodeRun({ scenario: "targeted", seed: 3, plant: "wrong-index", faults });
 * assert.equal(text, "targeted:3:wrong-index:c1.window=128");
 * assert.deepEqual(decodeRun(text).faults, faults);
 * ```
 */
export function encodeRun(run: ListedRun): string {
  const faults = run.faults.map((fault) =>
    `${fault.client}.${fault.kind}${fault.seq === 0 ? "" : `#${fault.seq}`}=${fault.value}`
  );
  return `${run.scenario}:${run.seed}:${run.plant ?? ""}:${faults.join(",")}`;
}

/** Reads what {@linkcode encodeRun} wrote; throws on anything else. */
export function decodeRun(text: string): ListedRun {
  const [scenario, seedText, plant, list, ...rest] = text.trim().split(":");
  const seed = Number(seedText);
  if (!scenario || list === undefined || rest.length > 0 || !Number.isSafeInteger(seed)) {
    throw new Error(`not a fault list: ${text.slice(0, 80)}`);
  }
  const faults = list === "" ? [] : list.split(",").map(decodeFault);
  return { scenario, seed, ...(plant ? { plant } : {}), faults };
}

function decodeFault(text: string): FaultEvent {
  const match = /^(.+)\.([a-zA-Z-]+)(?:#(\d+))?=(-?[\d.e+-]+)$/.exec(text);
  const value = Number(match?.[4]);
  if (!match || Number.isNaN(value)) throw new Error(`not a fault: ${text}`);
  return { at: 0, client: match[1], kind: match[2], seq: Number(match[3] ?? 0), value };
}

/**
 * The faults as a schedule, one line per fault in order of virtual time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSchedule } from "./fault_list.ts";
 * const lines = formatSchedule([
 *   { at: 50_000, client: "c5", kind: "half-close", seq: 0, value: 50 },
 *   { at: 0, client: "c1", kind: "window", seq: 0, value: 128 },
 * ]);
 * assert.deepEqual(lines, [
 *   " 0.000ms c1: receive window of 128 bytes",
 *   "50.000ms c5: half-closes its connection",
 * ]);
 * ```
 */
export function formatSchedule(faults: readonly FaultEvent[]): string[] {
  const sorted = [...faults].sort((a, b) => a.at - b.at);
  const times = sorted.map((fault) => `${formatTime(fault.at)}ms`);
  const width = Math.max(0, ...times.map((time) => time.length));
  return sorted.map((fault, n) =>
    `${times[n].padStart(width)} ${fault.client}: ${describeFault(fault)}`
  );
}

/**
 * What one fault does, in words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeFault } from "./fault_list.ts";
 * const cut = { at: 0, client: "c2", kind: "down-cut", seq: 120, value: 5 };
 * assert.equal(describeFault(cut), "server→client segment at byte 120 cut after 5 bytes");
 * ```
 */
export function describeFault(fault: FaultEvent): string {
  const { kind, value, seq } = fault;
  const direction = kind.startsWith("up-") ? "client→server" : "server→client";
  switch (kind) {
    case "up-delay":
    case "down-delay":
      return `${direction} delay of ${value}ms`;
    case "up-jitter":
    case "down-jitter":
      return `${direction} segment at byte ${seq} late by ${value / 1000}ms more`;
    case "up-cut":
    case "down-cut":
      return `${direction} segment at byte ${seq} cut after ${value} bytes`;
    case "up-coalesce":
    case "down-coalesce":
      return `${direction} writes from byte ${seq} sent as one segment`;
    case "window":
      return `receive window of ${value} bytes`;
    case "read-rate":
      return value === 0 ? "never reads" : `reads ${value} bytes/ms`;
    case "high-water-mark":
      return `server drains wait above ${value} unsent bytes`;
    case "server-window":
      return `server receive window of ${value} bytes`;
    case "storm":
      return `connect storm of ${value} clients`;
    default:
      if (kind.startsWith("limit-")) return `tight limit ${kind.slice(6)} = ${value}`;
      return TRIGGERS.has(kind)
        ? `${kind.replaceAll("-", " ")}${value === 1 ? "" : ` (write ${value})`}`
        : `${kind === "half-close" ? "half-closes its connection" : kind.replaceAll("-", " ")}`;
  }
}

const TRIGGERS = new Set([
  "abort-after-connect",
  "reset-before-write",
  "abort-after-write",
  "abort-while-draining",
]);
