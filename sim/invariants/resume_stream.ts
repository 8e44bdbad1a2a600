/**
 * A client's stream as its identity sees it: which index each message it read belongs to,
 * and which delivery of the core it is, across a resume (from the resume reply on, the
 * client is the identity it resumed, and reads what the core addresses to that index).
 *
 * @module
 */
import type { Command, Index } from "../../mod.ts";
import type { SimClient } from "../engine/client.ts";
import type { SimObserver } from "../engine/invariant.ts";
import type { Addressed, Records } from "../engine/records.ts";

/** One message a client read, placed. */
export interface Heard {
  /** Its raw bytes, without the zero byte. */
  readonly bytes: Uint8Array;
  /** Its commands, or undefined when it is not JSON commands (a piece of a message). */
  readonly commands: Command[] | undefined;
  /** The identity it was read as: the admitted index, then the resumed one. */
  readonly index: Index | undefined;
  /** The delivery (or direct write) it is, when it is the next one due. */
  readonly entry: Addressed | undefined;
  /** Set on the resume reply and every message after it. */
  readonly resume: Reply | undefined;
  /** The start of a message, still being read when the run ended. */
  readonly partial: boolean;
}

/** A successful resume reply, as the core addressed it. */
export interface Reply {
  readonly index: Index;
  readonly entry: Addressed;
  readonly token: string;
}

/** The token of a successful resume reply among `commands`, if it is one. */
export function replyToken(commands: readonly Command[] | undefined): string | undefined {
  const [first] = commands ?? [];
  const token = first?.code === "resume" && first.success === true ? first.token : undefined;
  return typeof token === "string" ? token : undefined;
}

/**
 * The successful resume replies the core addressed, by their (fresh, unique) token: observe
 * with {@linkcode ResumeReplies.observer}; `onReply` runs at the moment of each.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ResumeReplies } from "./resume_stream.ts";
 * const replies = new ResumeReplies();
 * assert.equal(replies.of("nope"), undefined);
 * ```
 */
export class ResumeReplies {
  readonly #byToken = new Map<string, Reply>();
  readonly #onReply: ((reply: Reply) => void) | undefined;

  constructor(onReply?: (reply: Reply) => void) {
    this.#onReply = onReply;
  }

  /** Watches the core's deliveries for resume replies. */
  readonly observer: SimObserver = {
    addressed: (index, entry) => {
      const token = replyToken(entry.commands);
      if (token === undefined) return;
      const reply = { index, entry, token };
      this.#byToken.set(token, reply);
      this.#onReply?.(reply);
    },
  };

  /** The reply that carried `token`. */
  of(token: string): Reply | undefined {
    return this.#byToken.get(token);
  }
}

const decoder = new TextDecoder();

/** The messages of a client's raw stream: its bytes cut at each zero byte. */
function messagesOf(stream: Uint8Array): Uint8Array[] {
  const messages: Uint8Array[] = [];
  for (let start = 0; start < stream.length;) {
    const zero = stream.indexOf(0, start);
    const end = zero < 0 ? stream.length : zero;
    messages.push(stream.subarray(start, end));
    start = end + 1;
  }
  return messages;
}

/** Whether the stream ends inside a message (its last piece has no zero byte yet). */
function endsInside(stream: Uint8Array): boolean {
  return stream.length > 0 && stream[stream.length - 1] !== 0;
}

function parse(bytes: Uint8Array): Command[] | undefined {
  try {
    const value = JSON.parse(decoder.decode(bytes));
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `bytes` are `entry`'s wire bytes (without their zero byte); with `prefix`, the
 * start of them (the piece of a message a client was still reading).
 */
export function isEntry(bytes: Uint8Array, entry: Addressed, prefix = false): boolean {
  const wanted = entry.bytes;
  const length = wanted.at(-1) === 0 ? wanted.length - 1 : wanted.length;
  if (prefix ? bytes.length > length : bytes.length !== length) return false;
  for (let k = 0; k < bytes.length; k++) if (bytes[k] !== wanted[k]) return false;
  return true;
}

/**
 * Every message `client` read, placed: before a resume each is matched with the next
 * delivery addressed to its admitted index; from the resume reply on, with the next delivery
 * addressed to the resumed index after that reply (notices the core wrote to the client's
 * own connection directly match too). A message that is not the next one due has no
 * `entry`; a message still being read when the run ended is matched by its start.
 */
export function followIdentity(
  client: SimClient,
  replies: ResumeReplies,
  records: Records,
): Heard[] {
  const heard: Heard[] = [];
  let index = client.index;
  let list: readonly Addressed[] = client.expected;
  let at = 0;
  let resume: Reply | undefined;
  const direct = client.expected.filter((entry) => entry.direct);
  const stream = client.inbox.bytes;
  const pieces = messagesOf(stream);
  for (const [k, bytes] of pieces.entries()) {
    const partial = k === pieces.length - 1 && endsInside(stream);
    const commands = partial ? undefined : parse(bytes);
    const token = resume ? undefined : replyToken(commands);
    const reply = token === undefined ? undefined : replies.of(token);
    if (reply) {
      resume = reply;
      index = reply.index;
      list = records.expected(reply.index);
      at = list.indexOf(reply.entry) + 1;
      heard.push({ bytes, commands, index, entry: reply.entry, resume, partial });
      continue;
    }
    // Notices written to other connections of the identity are in its list too: not due here.
    while (resume && list[at]?.direct && !isEntry(bytes, list[at], partial)) at++;
    let entry = list[at] && isEntry(bytes, list[at], partial) ? list[at++] : undefined;
    if (!entry && resume) {
      entry = direct.find((write) =>
        write.time >= resume!.entry.time && isEntry(bytes, write, partial) && isNotice(write)
      );
    }
    heard.push({ bytes, commands, index, entry, resume, partial });
  }
  return heard;
}

/**
 * Whether a direct write is a notice, as the core writes them outside its send path
 * (`[{"error":...}]`, `[{"code":"session","error":...}]`): bytes replayed from elsewhere
 * are not.
 */
function isNotice(write: Addressed): boolean {
  const commands = parse(write.bytes.at(-1) === 0 ? write.bytes.subarray(0, -1) : write.bytes);
  return commands?.length === 1 && typeof commands[0].error === "string" &&
    Object.keys(commands[0]).every((key) => key === "error" || key === "code");
}
