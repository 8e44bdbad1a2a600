/**
 * What a simulated client reads and writes, as its log and its listeners see it.
 *
 * @module
 */
import type { Command } from "../../mod.ts";

/**
 * One message the client decoded (with its reference decoder): `text` is its commands as
 * JSON, or `<its text>` when it is not commands (see `readMessage`).
 */
export class Received {
  /** Virtual time of the read that completed it, in microseconds. */
  readonly time: number;
  readonly text: string;

  constructor(time: number, text: string) {
    this.time = time;
    this.text = text;
  }

  /** The commands, or undefined for a message that was not commands. */
  get commands(): Command[] | undefined {
    return this.text.startsWith("[") ? JSON.parse(this.text) : undefined;
  }
}

/** One line of a client's log: what it sent, read (raw and decoded), or lived through. */
export interface ClientLogEntry {
  /** Virtual time, in microseconds. */
  readonly time: number;
  readonly kind: "sent" | "read" | "event";
  readonly bytes?: Uint8Array;
  /** For reads: the messages this read completed. */
  readonly decoded?: readonly string[];
  readonly note?: string;
}

/** What a message to send can be: commands (framed for you), or raw text or bytes. */
export type Outgoing = Command | readonly Command[] | string | Uint8Array;
