/**
 * What a simulated client did and read, in order: its log, and its messages as the reference
 * decoder reads them.
 *
 * @module
 */
import type { Command } from "../../mod.ts";
import { Inbox } from "./inbox.ts";
import { type ClientLogEntry, Received } from "./received.ts";
import { ReferenceDecoder } from "./reference_decoder.ts";

/**
 * A client's log and inbox. What it reads is kept raw (checked as it arrives, by the
 * {@linkcode Inbox}) and decoded, when asked, with the client's own
 * {@linkcode ReferenceDecoder}, never with the server's parser.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Transcript } from "./transcript.ts";
 * const transcript = new Transcript();
 * transcript.note(0, "event", "connected");
 * transcript.read(1000, new TextEncoder().encode('[{"code":"hi"}]\0'));
 * assert.deepEqual(transcript.messages.map((message) => message.text), ['[{"code":"hi"}]']);
 * assert.deepEqual(transcript.log.map((entry) => entry.kind), ["event", "read"]);
 * ```
 */
export class Transcript {
  /** What it read, and how that compares with what the core addressed to it. */
  readonly inbox: Inbox = new Inbox();
  readonly #entries: (ClientLogEntry & { sequence: number })[] = [];
  #sequence = 0;
  #decoded: { length: number; messages: Received[]; perRead: string[][] } | undefined;
  readonly #listeners: ((commands: Command[]) => void)[] = [];
  #live: ReferenceDecoder | undefined;

  /** It read `bytes` at `time` (µs); listeners hear the messages they complete. */
  read(time: number, bytes: Uint8Array): void {
    this.inbox.append(time, this.#sequence++, bytes);
    if (this.#listeners.length === 0) return;
    this.#live ??= new ReferenceDecoder();
    for (const message of this.#live.decode(bytes)) {
      if (!message.commands) continue;
      for (const listener of this.#listeners) listener(message.commands);
    }
  }

  /** A line of its log: something it sent, or lived through. */
  note(time: number, kind: "sent" | "event", note: string | undefined, bytes?: Uint8Array): void {
    this.#entries.push({ time, sequence: this.#sequence++, kind, note, bytes });
  }

  /** Calls `listener` with the commands of each message, as the read that completes it happens. */
  listen(listener: (commands: Command[]) => void): void {
    this.#listeners.push(listener);
  }

  /** Every message it read. */
  get messages(): Received[] {
    return this.#decode().messages;
  }

  /** Its log without the reads, in order: what it sent and what happened to it. */
  get notes(): readonly ClientLogEntry[] {
    return this.#entries;
  }

  /** Its log, in order: what it sent, each read (raw and decoded), what happened to it. */
  get log(): ClientLogEntry[] {
    const { perRead } = this.#decode();
    const reads = this.inbox.reads().map((read, k) => ({
      time: read.time,
      sequence: read.sequence,
      kind: "read" as const,
      bytes: read.bytes,
      decoded: perRead[k],
    }));
    return [...this.#entries, ...reads].sort((a, b) => a.sequence - b.sequence);
  }

  #decode(): { messages: Received[]; perRead: string[][] } {
    const length = this.inbox.length;
    if (this.#decoded?.length === length) return this.#decoded;
    const decoder = new ReferenceDecoder();
    const messages: Received[] = [];
    const perRead = this.inbox.reads().map((read) =>
      decoder.decode(read.bytes).map(({ text }) => {
        messages.push(new Received(read.time, text));
        return text;
      })
    );
    this.#decoded = { length, messages, perRead };
    return this.#decoded;
  }
}
