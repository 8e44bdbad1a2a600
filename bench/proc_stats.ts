/**
 * What the benchmarks read about processes from Linux's /proc: CPU time, resident memory and
 * the open-file limit. Elsewhere each reader returns undefined and the figure prints as n/a.
 *
 * @module
 */
import { readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat's CPU fields (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * User plus system CPU time of a process so far (or user time only), in seconds.
 *
 * @example
 * ```ts
 * import { cpuSeconds } from "./proc_stats.ts";
 * const used = cpuSeconds(1); // a number on Linux, undefined elsewhere
 * ```
 */
export function cpuSeconds(pid: number, part: "user" | "both" = "both"): number | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // The command name (field 2) may hold spaces; the fields after its ")" are fixed.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const user = Number(fields[11]);
  return (part === "user" ? user : user + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Resident set size of a process, in bytes. */
export function rssBytes(pid: number): number | undefined {
  const match = readProc(`/proc/${pid}/status`)?.match(/^VmRSS:\s+(\d+) kB/m);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** The soft and hard limits on open files of this process, as /proc reports them. */
export function openFileLimit(): { soft: string; hard: string } | undefined {
  const match = readProc("/proc/self/limits")?.match(/^Max open files\s+(\S+)\s+(\S+)/m);
  return match ? { soft: match[1], hard: match[2] } : undefined;
}

/**
 * CPU time the whole machine has spent busy so far (every CPU, every process and the kernel),
 * in seconds.
 */
export function machineBusySeconds(): number | undefined {
  const line = readProc("/proc/stat")?.split("\n", 1)[0];
  if (!line?.startsWith("cpu ")) return undefined;
  // user nice system idle iowait irq softirq steal ...: all but idle and iowait are busy.
  const [user, nice, system, , , irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + (steal || 0)) / TICKS_PER_SECOND;
}

/**
 * Measures the CPU share a process (or the machine) used between `start()` and `stop()`
 * (1 = one core).
 *
 * @example
 * ```ts
 * import { CpuMeter } from "./proc_stats.ts";
 * const meter = new CpuMeter("machine");
 * meter.start();
 * const share = meter.stop(); // e.g. 0.02 on an idle machine
 * ```
 */
export class CpuMeter {
  #startCpu: number | undefined;
  #startWall = 0;
  readonly #read: () => number | undefined;

  /**
   * Meters process `pid` (its user time only, with `part` "user"), or with "machine" the busy
   * time of the whole machine.
   */
  constructor(pid: number | "machine", part: "user" | "both" = "both") {
    this.#read = pid === "machine" ? machineBusySeconds : () => cpuSeconds(pid, part);
  }

  /** Marks the beginning of the window. */
  start(): void {
    this.#startCpu = this.#read();
    this.#startWall = performance.now();
  }

  /** The share of one core used since `start()`, or undefined where /proc is missing. */
  stop(): number | undefined {
    const end = this.#read();
    if (end === undefined || this.#startCpu === undefined) return undefined;
    return (end - this.#startCpu) / ((performance.now() - this.#startWall) / 1000);
  }
}

/**
 * Waits (at most `maxWaitMs`) until the machine is quiet: less than `threshold` of one core
 * busy over a quarter of a second. Other work on the machine skews every figure, so the
 * benchmarks start each run in a quiet moment when there is one. Returns the last busy
 * share seen (undefined where /proc is missing).
 */
export async function waitForQuiet(
  threshold = 0.15,
  maxWaitMs = 20_000,
): Promise<number | undefined> {
  const deadline = performance.now() + maxWaitMs;
  for (;;) {
    const meter = new CpuMeter("machine");
    meter.start();
    await new Promise((resolve) => setTimeout(resolve, 250));
    const busy = meter.stop();
    if (busy === undefined || busy < threshold || performance.now() > deadline) return busy;
  }
}
