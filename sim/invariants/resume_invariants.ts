/**
 * What a resumed client must see, judged from its raw bytes: nothing from before its resume
 * after the resume reply, a view equal to a fresh view of its seat, and no secret of another
 * identity (across the resume, as the identity it is at each message).
 *
 * @module
 */
import type { Command, Index } from "../../mod.ts";
import type { Invariant, SimulationView, Violation } from "../engine/invariant.ts";
import type { Addressed } from "../engine/records.ts";
import { formatTime } from "../engine/trace.ts";
import { followIdentity, type Heard, isEntry, ResumeReplies } from "./resume_stream.ts";
import { contains, type HiddenAsAddressedOptions } from "./secret_invariants.ts";

const encoder = new TextEncoder();

/** Whether `bytes` are a whole message of `entry`, or the tail of one. */
function isTailOf(bytes: Uint8Array, entry: Addressed): boolean {
  const wanted = entry.bytes.at(-1) === 0 ? entry.bytes.subarray(0, -1) : entry.bytes;
  if (bytes.length === 0 || bytes.length > wanted.length) return false;
  const from = wanted.length - bytes.length;
  return bytes.every((byte, k) => byte === wanted[from + k]);
}

/**
 * Nothing stale after a resume: from its resume reply on, a client reads exactly what the core
 * addressed to the resumed identity after that reply, in order (and what the core wrote to
 * its connection directly). A message from before the resume (one the old connection was
 * sent, whole or its unsent tail) arriving after the reply breaks it.
 *
 * @example
 * ```ts
 * import { freshAfterResume } from "./resume_invariants.ts";
 * const invariants = [freshAfterResume()];
 * ```
 */
export function freshAfterResume(): Invariant {
  return overResumes("fresh after resume", new ResumeReplies(), (heard, sim) => {
    const k = heard.findIndex((message) => message.resume && !message.entry);
    if (k < 0) return undefined;
    const resume = heard[k].resume!;
    const list = sim.records.expected(resume.index);
    const before = list.slice(0, list.indexOf(resume.entry));
    const stale = before.find((entry) => isTailOf(heard[k].bytes, entry));
    const after = k - heard.findIndex((message) => message.resume);
    return {
      time: resume.entry.time,
      message:
        `message ${after} after its resume reply (index ${resume.index}, at ${
          formatTime(resume.entry.time)
        }ms) ` + (stale
          ? `is from before the resume: ${
            isEntry(heard[k].bytes, stale) ? "a copy" : "the tail"
          } of one addressed at ${formatTime(stale.time)}ms`
          : "was never addressed to it after its resume"),
    };
  });
}

/** An invariant that judges each client's stream, placed by identity (see `followIdentity`). */
function overResumes(
  name: string,
  replies: ResumeReplies,
  judge: (heard: Heard[], sim: SimulationView) => Omit<Violation, "invariant"> | undefined,
): Invariant {
  return {
    name,
    attach: (sim) => sim.observe(replies.observer),
    check: (sim) =>
      sim.clients.flatMap((client) => {
        const found = judge(followIdentity(client, replies, sim.records), sim);
        return found ? [{ invariant: name, client: client.name, ...found }] : [];
      }),
  };
}

/** Options of {@linkcode resumeViews}: `T` is what a fresh look at a seat holds. */
export interface ResumeViewsOptions<T> {
  /**
   * A fresh view of `index`'s seat at this moment, from the game's ground truth (not from the
   * code that answered the resume); undefined: no view is due.
   */
  freshView(index: Index): T | undefined;
  /**
   * What is wrong with the message after the resume reply (its `commands`), against `fresh`;
   * undefined when it is that view.
   */
  judge(commands: readonly Command[], fresh: T): string | undefined;
}

/**
 * A resumed client's view equals a fresh view of its seat: the message after its resume
 * reply is judged against `freshView`, taken when the core addressed the reply.
 *
 * @example
 * ```ts
 * import { resumeViews } from "./resume_invariants.ts";
 * const invariant = resumeViews({ freshView: () => undefined, judge: () => undefined });
 * ```
 */
export function resumeViews<T>(options: ResumeViewsOptions<T>): Invariant {
  const fresh = new Map<string, T | undefined>();
  const replies = new ResumeReplies((reply) =>
    fresh.set(reply.token, options.freshView(reply.index))
  );
  return overResumes("resume view", replies, (heard) => {
    const k = heard.findIndex((message) => message.resume);
    if (k < 0) return undefined;
    const reply = heard[k].resume!;
    const due = fresh.get(reply.token);
    const next = heard[k + 1];
    // A connection that dropped right after the reply may never read the view.
    if (due === undefined || !next || next.partial) return undefined;
    const problem = next.commands
      ? options.judge(next.commands, due)
      : "the message after its resume reply is not commands";
    return problem === undefined ? undefined : {
      time: reply.entry.time,
      message: `index ${reply.index}, resumed at ${formatTime(reply.entry.time)}ms: ${problem}`,
    };
  });
}

/**
 * What {@linkcode ResumeViewsOptions.judge} says when `seen` (undefined: no view in the
 * message) is not `fresh`, both normalized alike: compared as JSON.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { differs } from "./resume_invariants.ts";
 * assert.equal(differs({ a: 1 }, { a: 1 }), undefined);
 * assert.match(differs(undefined, { a: 1 })!, /no view/);
 * ```
 */
export function differs(seen: unknown, fresh: unknown): string | undefined {
  if (seen === undefined) return "the message after its resume reply holds no view";
  const [a, b] = [JSON.stringify(seen), JSON.stringify(fresh)];
  return a === b ? undefined : `its view after the resume is ${a}, a fresh view of its seat ${b}`;
}

/**
 * Hidden information across resumes: each message a client read holds none of the tokens
 * `forbiddenNow` gave, when the core addressed it, for the identity the client was at that
 * message (its admitted index, then the one it resumed). A message that is not the next
 * one due is judged by the identity's latest rule.
 *
 * @example
 * ```ts
 * import { hiddenAcrossResumes } from "./resume_invariants.ts";
 * const invariant = hiddenAcrossResumes({ forbiddenNow: () => new Map() });
 * ```
 */
export function hiddenAcrossResumes(options: HiddenAsAddressedOptions): Invariant {
  const name = "hidden information";
  const replies = new ResumeReplies();
  const recorded = new Map<Addressed, Map<Index, ReadonlyMap<string, string>>>();
  const latest = new Map<Index, ReadonlyMap<string, string>>();
  return {
    name,
    attach(sim) {
      sim.observe(replies.observer);
      sim.observe({
        addressed(index, entry) {
          const forbidden = options.forbiddenNow(index);
          let byIndex = recorded.get(entry);
          if (!byIndex) recorded.set(entry, byIndex = new Map());
          byIndex.set(index, forbidden);
          latest.set(index, forbidden);
        },
      });
    },
    check(sim) {
      const violations: Violation[] = [];
      for (const client of sim.clients) {
        const heard = followIdentity(client, replies, sim.records);
        for (const [k, { bytes, index, entry }] of heard.entries()) {
          if (index === undefined) continue;
          const forbidden = (entry && recorded.get(entry)?.get(index)) ?? latest.get(index);
          if (!forbidden || forbidden.size === 0) continue;
          const tokens = options.tokensIn?.(bytes) ?? forbidden.keys();
          const token = [...tokens].find((token) =>
            forbidden.has(token) && contains(bytes, encoder.encode(token))
          );
          if (token === undefined) continue;
          violations.push({
            invariant: name,
            client: client.name,
            time: entry?.time,
            message: `the raw bytes of message ${k + 1} (as index ${index}) hold ${token}, ${
              forbidden.get(token)
            }`,
          });
          break;
        }
      }
      return violations;
    },
  };
}
