/**
 * Timed commands judged from the client's side: what a client armed, replaced and cancelled
 * (as its acknowledgements say) against the firings it read.
 *
 * @module
 */
import type { Command } from "../../mod.ts";
import type { Invariant, Violation } from "../engine/invariant.ts";
import { clip, formatTime } from "../engine/trace.ts";
import { readFrames } from "./wire.ts";

/** Options of {@linkcode timedCommands}. */
export interface TimedCommandsOptions {
  /** Firings due before this (virtual ms) must have come, on a link that lost nothing. */
  dueBeforeMs: number;
  /**
   * How late the server's timers may fire (`SimulationOptions.lateTimersMs`). Default 0. A
   * late run must not move the next: tick k is still due at first + (k - 1) x period.
   */
  lateMs?: number;
}

/** Times are fractions of a ms: equal within this. */
const EPSILON = 1e-6;

function near(a: number, b: number): boolean {
  return Math.abs(a - b) < EPSILON;
}

/**
 * The virtual clock keeps whole microseconds: a job fires at its due time, rounded up, and at
 * most `lateMs` after it.
 */
function onTime(at: number, due: number, lateMs: number): boolean {
  return at > due - EPSILON && at < due + lateMs + 0.001 + EPSILON;
}

interface Periodic {
  readonly first: number;
  readonly period: number;
  k: number;
  /** When its next tick was queued (the ack's start, then its last tick's due to its run). */
  queuedFrom: number;
  queuedTo: number;
}

/** A one-shot job, and when it was queued, when known (a delay: due less the delay). */
interface OneShot {
  readonly due: number;
  readonly seq: number;
  readonly queuedAt?: number;
}

/**
 * Timed commands: a one-shot job fires once, exactly at its due time, unless it was cancelled
 * or replaced first (then never); a periodic one ticks k = 1, 2, ... exactly at
 * first + (k - 1) * period, until cancelled; jobs fire in order of due time, and of arming
 * for equal ones; each firing's command carries the timer id it was armed under; the two
 * internal commands of a `pair` each run once, in order; a `chain` of n nested internal
 * commands ends with `linked` (n). Acks are `arm` (id, due), `every`
 * (id, start, periodMs, afterMs? or at?), `cancel` (id), `pair`; firings `fired` (id, due, at,
 * armedAs), `tick` (id, k, at, armedAs), `noted` (n); `hello` (index) gives the client's index.
 *
 * @example
 * ```ts
 * import { timedCommands } from "./timer_invariants.ts";
 * const invariant = timedCommands({ dueBeforeMs: 200 });
 * ```
 */
export function timedCommands(options: TimedCommandsOptions): Invariant {
  const name = "timed commands";
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      for (const client of sim.clients) {
        if (client.index === undefined) continue;
        const problem = judge(
          readFrames(client).flatMap((frame) =>
            (frame.commands ?? []).map((command) => ({ time: frame.time, command }))
          ),
          client.link.lossless ? options.dueBeforeMs : -Infinity,
          options.lateMs ?? 0,
        );
        if (problem) violations.push({ invariant: name, client: client.name, ...problem });
      }
      return violations;
    },
  };
}

function judge(
  read: { time: number; command: Command }[],
  dueBeforeMs: number,
  lateMs: number,
): { time?: number; message: string } | undefined {
  const armed = new Map<string, OneShot>();
  const periodic = new Map<string, Periodic>();
  const notes: number[] = [];
  const chains: number[] = []; // the depths of the chains acknowledged, not yet linked
  let seq = 0;
  let lastDue = -Infinity;
  let self: unknown; // the client's index, from its greeting
  // A firing's command comes back with the id it was armed under (`Timing.id`).
  const misnamed = (command: Command, id: string) =>
    command.armedAs === `${self}:${id}`
      ? undefined
      : `${clip(JSON.stringify(command))}: its command lost the timer id ${self}:${id}`;
  const nextOf = (p: Periodic) => p.first + p.k * p.period;
  for (const { time, command } of read) {
    const id = String(command.id);
    const at = Number(command.at);
    const show = clip(JSON.stringify(command));
    // Whether a job due before this one (or as early, armed before it) is still waiting.
    // For equal due times, the one queued first runs first: a periodic job is queued again
    // for each tick, when the tick before it runs (`queued`: from, to; a one-shot's instant).
    const early = (due: number, seqOf?: number, queued?: [number, number]) => {
      for (const [other, job] of armed) {
        if (other === id && seqOf !== undefined) continue;
        const queuedFirst = queued !== undefined && job.queuedAt !== undefined &&
          job.queuedAt < queued[0] - EPSILON;
        const before = job.due < due - EPSILON ||
          (near(job.due, due) && ((seqOf !== undefined && job.seq < seqOf) || queuedFirst));
        if (before) return `${show} came before job ${other}, due at ${job.due}ms`;
      }
      for (const [other, job] of periodic) {
        const queuedFirst = queued !== undefined && seqOf !== undefined &&
          job.queuedTo < queued[1] - EPSILON;
        if (
          other !== id && (nextOf(job) < due - EPSILON || (near(nextOf(job), due) && queuedFirst))
        ) {
          return `${show} came before tick ${job.k + 1} of ${other}, due at ${nextOf(job)}ms`;
        }
      }
      return due < lastDue - EPSILON
        ? `${show} was due at ${due}ms, after a job due at ${lastDue}ms had fired`
        : undefined;
    };
    if (command.code === "hello") self = command.index;
    if (command.ok === true) {
      if (command.code === "arm") {
        periodic.delete(id);
        const due = Number(command.due);
        const queuedAt = command.afterMs === undefined ? undefined : due - Number(command.afterMs);
        armed.set(id, { due, seq: seq++, queuedAt });
      } else if (command.code === "every") {
        armed.delete(id);
        const period = Number(command.periodMs);
        const after = command.afterMs === undefined ? period : Number(command.afterMs);
        const first = command.at === undefined ? Number(command.start) + after : Number(command.at);
        const start = Number(command.start);
        periodic.set(id, { first, period, k: 0, queuedFrom: start, queuedTo: start });
      } else if (command.code === "cancel") {
        armed.delete(id);
        periodic.delete(id);
      } else if (command.code === "chain") {
        chains.push(Number(command.n));
      } else if (command.code === "pair") {
        if (notes.length > 0) {
          return { time, message: `a pair was acknowledged with notes ${notes} still owed` };
        }
        notes.push(1, 2);
      }
      continue;
    }
    if (command.code === "linked") {
      const wanted = chains.shift();
      if (command.n !== wanted) {
        return { time, message: `${show} came; expected a chain of ${wanted}` };
      }
      continue;
    }
    if (command.code === "noted") {
      const wanted = notes.shift();
      if (command.n !== wanted) {
        return {
          time,
          message: `${show} came; expected ${wanted === undefined ? "no note" : `note ${wanted}`}`,
        };
      }
      continue;
    }
    if (command.code === "fired") {
      const job = armed.get(id);
      if (!job) {
        return {
          time,
          message: `${show}: job ${id} was not armed (never, cancelled, replaced or fired already)`,
        };
      }
      if (!near(Number(command.due), job.due) || !onTime(at, job.due, lateMs)) {
        return { time, message: `${show}: job ${id} was due at ${job.due}ms` };
      }
      const queued = job.queuedAt === undefined ? undefined : [job.queuedAt, job.queuedAt];
      const wrong = early(job.due, job.seq, queued as [number, number] | undefined) ??
        misnamed(command, id);
      if (wrong) return { time, message: wrong };
      armed.delete(id);
      // Its command cancelled another timer as it ran: that one never fires after it.
      if (typeof command.cancels === "string") {
        armed.delete(command.cancels);
        periodic.delete(command.cancels);
      }
      lastDue = job.due;
      continue;
    }
    if (command.code === "tick") {
      const job = periodic.get(id);
      if (!job) return { time, message: `${show}: no periodic job ${id} is running` };
      const due = nextOf(job);
      if (command.k !== job.k + 1 || !onTime(at, due, lateMs)) {
        return {
          time,
          message: `${show}: tick ${
            job.k + 1
          } of ${id} was due at ${due}ms (first ${job.first}ms, every ${job.period}ms)`,
        };
      }
      const wrong = early(due, undefined, [job.queuedFrom, job.queuedTo]) ??
        misnamed(command, id);
      if (wrong) return { time, message: wrong };
      job.k++;
      [job.queuedFrom, job.queuedTo] = [due, at];
      lastDue = due;
    }
  }
  if (notes.length > 0 && dueBeforeMs > -Infinity) return { message: `notes ${notes} never came` };
  if (chains.length > 0 && dueBeforeMs > -Infinity) {
    return { message: `chains of ${chains} internal commands never ended` };
  }
  for (const [id, job] of armed) {
    if (job.due < dueBeforeMs) {
      return { message: `job ${id}, due at ${formatTime(job.due * 1000)}ms, never fired` };
    }
  }
  for (const [id, job] of periodic) {
    if (nextOf(job) < dueBeforeMs) {
      return {
        message: `tick ${job.k + 1} of ${id}, due at ${
          formatTime(nextOf(job) * 1000)
        }ms, never came`,
      };
    }
  }
  return undefined;
}
