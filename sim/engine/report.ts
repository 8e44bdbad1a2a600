/**
 * The outcome of a run, and readable accounts of it: violations, and a client's log next
 * to what the core addressed to it.
 *
 * @module
 */
import type { SimClient } from "./client.ts";
import { describeLink } from "./faults.ts";
import type { Invariant, SimulationView, Violation } from "./invariant.ts";
import { clip, formatTime, showBytes } from "./trace.ts";

/** What a run came to. */
export interface SimulationReport {
  readonly seed: number;
  /** True when no invariant was violated. */
  readonly ok: boolean;
  readonly violations: readonly Violation[];
  /** The trace's FNV-1a hash: equal for equal runs, on any runtime. */
  readonly traceHash: string;
  /** Events the run took. */
  readonly events: number;
  /** Deliveries the core addressed to live indexes (one per recipient). */
  readonly deliveries: number;
  /** Virtual time at the end, in ms. */
  readonly virtualMs: number;
  /**
   * The longest run of quiet microtask turns after which the core still did something: how
   * close settling came to its bound (`quietTurns`).
   */
  readonly longestQuietGap: number;
}

/** A run and its trace hash, judged against `invariants`. */
export function checkAll(
  sim: SimulationView & { readonly trace: { readonly hash: string } },
  invariants: readonly Invariant[],
  counts: { events: number; longestQuietGap: number },
): SimulationReport {
  const violations = invariants.flatMap((invariant) => invariant.check(sim));
  return {
    seed: sim.seed,
    ok: violations.length === 0,
    violations,
    traceHash: sim.trace.hash,
    ...counts,
    deliveries: sim.records.deliveries,
    virtualMs: sim.now / 1000,
  };
}

/**
 * One line per violation: `[invariant] client at time: message`.
 *
 * @example
 * ```ts
 * import { formatViolation } from "./report.ts";
 * formatViolation({ invariant: "hooks", client: "c2", time: 1500, message: "two onConnect calls" });
 * // "[hooks] c2 at 1.500ms: two onConnect calls"
 * ```
 */
export function formatViolation(violation: Violation): string {
  const who = violation.client ? ` ${violation.client}` : "";
  const when = violation.time === undefined ? "" : ` at ${formatTime(violation.time)}ms`;
  return `[${violation.invariant}]${who}${when}: ${violation.message}`;
}

/**
 * A client's log, readable: its link, what it sent and read (raw bytes, and the messages
 * each read completed), what happened to it, and then every delivery the core addressed to
 * it, marked with whether (and when) it arrived.
 */
export function formatClientLog(client: SimClient): string {
  const lines = [
    `client ${client.name} (index ${client.index ?? "none"}), link ${client.link.state}: ${
      describeLink(client.link.faults)
    }`,
    "      time  what",
  ];
  for (const entry of client.log) {
    const time = formatTime(entry.time).padStart(10);
    if (entry.kind === "event") lines.push(`${time}  ${entry.note}`);
    else {
      const bytes = entry.bytes ?? new Uint8Array(0);
      lines.push(
        `${time}  ${entry.kind.padEnd(4)} ${String(bytes.length).padStart(5)}B  ${
          showBytes(bytes, 160)
        }${entry.note ? ` (${entry.note})` : ""}`,
      );
      for (const text of entry.decoded ?? []) lines.push(`${"".padStart(10)}    => ${clip(text)}`);
    }
  }
  const expected = client.expected;
  lines.push(
    `  the core addressed ${expected.length} deliveries to ${
      client.index === undefined ? "it" : `index ${client.index}`
    }:`,
  );
  const messages = client.messages;
  expected.forEach((entry, k) => {
    const got = messages[k];
    const mark = k < client.inbox.matched
      ? `received at ${formatTime(client.inbox.deliveredAt[k])}`
      : !got
      ? "not received"
      : `MISMATCH: got ${clip(got.text, 80)}`;
    const direct = entry.direct ? "(written directly) " : "";
    lines.push(
      `${formatTime(entry.time).padStart(10)}  #${k + 1} ${direct}${
        clip(entry.text, 100)
      }  [${mark}]`,
    );
  });
  for (let k = expected.length; k < messages.length; k++) {
    lines.push(
      `${formatTime(messages[k].time).padStart(10)}  #${k + 1} UNEXPECTED ${
        clip(messages[k].text, 100)
      }`,
    );
  }
  return lines.join("\n");
}

/** The clients a report's violations name, in order, each once. */
export function failingClients(sim: SimulationView, report: SimulationReport): SimClient[] {
  const names = new Set(report.violations.map((violation) => violation.client));
  return sim.clients.filter((client) => names.has(client.name));
}
