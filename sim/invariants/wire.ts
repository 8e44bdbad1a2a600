/**
 * What a client sent and what it read, framed and parsed here, from the raw bytes, without the
 * server's parser: the client-side invariants judge the core by these, not by what the core
 * says it addressed.
 *
 * @module
 */
import type { Command } from "../../mod.ts";
import { valueProblem } from "./value_problems.ts";
import type { SimClient } from "../engine/client.ts";

/** One message a client sent: a command, or a bad message (its text). */
export interface SentItem {
  /** Its position among the client's items (commands and bad messages), from 0. */
  readonly n: number;
  /** Virtual µs of the send that completed its message (its zero byte). */
  readonly time: number;
  readonly command?: Command;
  /** The error a bad message must get, as the protocol names it. */
  readonly bad?: string;
  /** Over the parser's size limit: the connection ends with it. */
  readonly tooLarge?: boolean;
  /** A Flash policy request: answered with the policy (servers answer by default), then closed. */
  readonly policy?: boolean;
}

/** One message a client read: its commands, or why it is not a message of the protocol. */
export interface ReadFrame {
  /** Virtual µs of the read that completed it. */
  readonly time: number;
  readonly commands?: Command[];
  /** A Flash cross-domain policy (the answer to a policy request). */
  readonly policy?: string;
  readonly broken?: string;
}

/** What a Flash client sends first, as the parser knows it. */
const POLICY_REQUEST = "<policy-file-request/>";

const strict = new TextDecoder("utf-8", { fatal: true });

/** The zero-ended frames of a byte stream given in timed pieces; an unfinished tail is left. */
export function frames(pieces: readonly { time: number; bytes: Uint8Array }[]): {
  time: number;
  bytes: Uint8Array;
}[] {
  const out: { time: number; bytes: Uint8Array }[] = [];
  let held: number[] = [];
  for (const { time, bytes } of pieces) {
    for (const byte of bytes) {
      if (byte !== 0) {
        held.push(byte);
        continue;
      }
      out.push({ time, bytes: Uint8Array.from(held) });
      held = [];
    }
  }
  return out;
}

/**
 * The items a client sent, in order: every command of every message, and every bad message,
 * each with the error the protocol gives it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { itemsOf } from "./wire.ts";
 * const client = { log: [{ kind: "sent", time: 5, bytes: new TextEncoder().encode("[]\0{}\0") }] };
 * const items = itemsOf(client as never);
 * assert.equal(items.length, 2);
 * assert.deepEqual(items[1].command, {});
 * ```
 */
export function itemsOf(
  client: SimClient,
  maxMessageBytes = Infinity,
  maxDepth = 32,
): SentItem[] {
  const pieces = client.log.filter((entry) => entry.kind === "sent" && entry.note === undefined)
    .map((entry) => ({ time: entry.time, bytes: entry.bytes ?? new Uint8Array() }));
  const items: SentItem[] = [];
  for (const frame of frames(pieces)) {
    const add = (item: Omit<SentItem, "n" | "time">) =>
      items.push({ n: items.length, time: frame.time, ...item });
    if (frame.bytes.length > maxMessageBytes) {
      add({ bad: `message is larger than ${maxMessageBytes} bytes`, tooLarge: true });
      continue;
    }
    let value: unknown;
    let text = "";
    try {
      text = strict.decode(frame.bytes);
      if (text === POLICY_REQUEST) {
        add({ policy: true });
        continue;
      }
      value = JSON.parse(text);
    } catch (error) {
      add({
        bad: error instanceof TypeError
          ? "message is not valid UTF-8"
          : "message is not valid JSON",
      });
      continue;
    }
    const list = isObject(value) ? [value] : value;
    if (!Array.isArray(list) || !list.every(isObject)) {
      add({ bad: "a message must be a command object or an array of command objects" });
    } else if (list.length === 0) {
      add({ bad: "empty batch: a message must hold at least one command" });
    } else {
      const problem = valueProblem(list as object[], text, maxDepth);
      if (problem) add({ bad: problem });
      else for (const command of list) add({ command: command as Command });
    }
  }
  return items;
}

/**
 * Every complete message a client read, parsed here: a message that is not a non-empty array
 * of command objects is broken (the protocol has no empty message, in either direction).
 */
export function readFrames(client: SimClient): ReadFrame[] {
  const pieces = client.inbox.reads().map((read) => ({ time: read.time, bytes: read.bytes }));
  return frames(pieces).map(({ time, bytes }): ReadFrame => {
    try {
      const text = strict.decode(bytes);
      if (text.startsWith("<cross-domain-policy>")) return { time, policy: text };
      const value = JSON.parse(text);
      // What the server writes must be a message it would itself take: `[]` is not one.
      if (Array.isArray(value) && value.length === 0) return { time, broken: "an empty array" };
      if (Array.isArray(value) && value.every(isObject)) {
        return { time, commands: value as Command[] };
      }
      return { time, broken: "not an array of commands" };
    } catch (error) {
      return { time, broken: `not JSON: ${String(error).slice(0, 80)}` };
    }
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Whether `actual` is `expected` with any value at the keys of `anyOf` (which must be there).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sameCommand } from "./wire.ts";
 * assert.ok(sameCommand({ a: 1, state: [2] }, { a: 1 }, ["state"]));
 * assert.ok(!sameCommand({ a: 1, b: 2 }, { a: 1 }));
 * ```
 */
export function sameCommand(
  actual: Command,
  expected: Command,
  anyOf: readonly string[] = [],
): boolean {
  const keys = Object.keys(actual).sort();
  const wanted = [...new Set([...Object.keys(expected), ...anyOf])].sort();
  if (keys.join("\0") !== wanted.join("\0")) return false;
  return Object.keys(expected).every((key) => canonical(actual[key]) === canonical(expected[key]));
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (isObject(value)) {
    return `{${
      Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
        .join(",")
    }}`;
  }
  return JSON.stringify(value);
}
