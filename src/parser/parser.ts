/**
 * The seam between bytes and commands. A {@linkcode Parser} makes one {@linkcode Decoder}
 * per connection (the decoder keeps that connection's unparsed tail) and serializes
 * outgoing commands.
 *
 * @module
 */
import type { Command } from "../core/types.ts";

/**
 * One complete message taken off the wire, in arrival order:
 * - `commands`: a well-formed message (one object, or an array of objects);
 * - `error`: a bad message; when `fatal`, the connection must be closed after the error is sent;
 * - `policy-request`: a legacy Flash `<policy-file-request/>`.
 */
export type Decoded =
  | { readonly kind: "commands"; readonly commands: Command[] }
  | { readonly kind: "error"; readonly message: string; readonly fatal: boolean }
  | { readonly kind: "policy-request" };

/** A per-connection, stateful decoder: feed it reads, get back complete messages. */
export interface Decoder {
  /**
   * Takes the next read, however it is split, and returns the messages it completes.
   * After a fatal error it returns nothing more. `now`, the time of the read on the
   * caller's clock, is only kept as {@linkcode Decoder.pendingSince}.
   */
  decode(bytes: Uint8Array, now?: number): Decoded[];
  /** Bytes held back as an unfinished message (never more than the size limit). */
  readonly bufferedBytes: number;
  /**
   * Bytes of memory held for that unfinished message (its buffer's size), where the decoder
   * knows: JsonParser's holds at most twice `bufferedBytes` (at least 256 while it holds any),
   * never more than its size limit, and nothing once the message is complete.
   */
  readonly retainedBytes?: number;
  /**
   * While bytes are held, the `now` given with the read that began the unfinished message
   * (or with the first later read that gave one); undefined when nothing is held. A server
   * can close a sender whose message stays unfinished too long.
   */
  readonly pendingSince?: number;
}

/** Turns bytes into commands (through a decoder per connection) and commands into bytes. */
export interface Parser {
  /** A fresh decoder for one connection. */
  createDecoder(): Decoder;
  /** The bytes of one outgoing message carrying these commands. */
  serialize(commands: readonly Command[]): Uint8Array;
}
