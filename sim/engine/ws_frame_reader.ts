/**
 * The simulated WebSocket client's reading of the server's frames: a small RFC 6455 frame
 * reader of its own, strict about what a server may send, and not the server's decoder, so
 * that the server's codec is judged by something other than itself.
 *
 * @module
 */

/** Where a {@linkcode ClientFrameReader} puts what it reads. */
export interface FrameSink {
  /** Payload bytes of a data message (1 text, 2 binary), as they arrive (views, not copies). */
  payload(kind: 1 | 2, bytes: Uint8Array): void;
  /** The last frame of a data message is complete. */
  messageEnd(kind: 1 | 2): void;
  /** A whole control frame: 8 close, 9 ping, 10 pong. */
  control(opcode: 8 | 9 | 10, payload: Uint8Array): void;
  /** The server broke the framing rules; nothing more is read. */
  error(reason: string): void;
}

const EMPTY = new Uint8Array(0);

/**
 * Reads server frames cut anywhere. A server frame must be unmasked, with no reserved bit
 * and a known opcode; its length in the shortest form; a control frame final and at most 125
 * bytes; a continuation only inside a message, a new message only after the last ended;
 * nothing after a close.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ClientFrameReader } from "./ws_frame_reader.ts";
 * const got: string[] = [];
 * const reader = new ClientFrameReader({
 *   payload: (kind, bytes) => got.push(`${kind}:${new TextDecoder().decode(bytes)}`),
 *   messageEnd: (kind) => got.push(`end ${kind}`),
 *   control: (opcode) => got.push(`control ${opcode}`),
 *   error: (reason) => got.push(reason),
 * });
 * reader.feed(new Uint8Array([0x81, 2, 0x68]));
 * reader.feed(new Uint8Array([0x69, 0x88, 0]));
 * assert.deepEqual(got, ["1:h", "1:i", "end 1", "control 8"]);
 * reader.feed(new Uint8Array([0x81, 0]));
 * assert.equal(got.at(-1), "a frame after the close frame");
 * ```
 */
export class ClientFrameReader {
  readonly #sink: FrameSink;
  readonly #header = new Uint8Array(10);
  #headerBytes = 0;
  /** Payload bytes still to come of the current frame; -1 while reading a header. */
  #left = -1;
  #opcode = 0;
  #fin = false;
  /** The data message in progress (1 or 2), or 0. */
  #message: 0 | 1 | 2 = 0;
  #control: Uint8Array = EMPTY;
  #controlAt = 0;
  #closed = false;
  #failed = false;

  constructor(sink: FrameSink) {
    this.#sink = sink;
  }

  /** Whether the server broke a rule (and reading stopped). */
  get failed(): boolean {
    return this.#failed;
  }

  /** Takes the next bytes from the server. */
  feed(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length && !this.#failed) {
      if (this.#left < 0) {
        this.#header[this.#headerBytes++] = bytes[at++];
        this.#parseHeader();
        continue;
      }
      const count = Math.min(this.#left, bytes.length - at);
      this.#payload(bytes.subarray(at, at + count));
      at += count;
      this.#left -= count;
      if (this.#left === 0) this.#frameEnd();
    }
  }

  #parseHeader(): void {
    const h = this.#header;
    const n = this.#headerBytes;
    if (n < 2) return;
    const short = h[1] & 0x7f;
    const needed = short === 126 ? 4 : short === 127 ? 10 : 2;
    if (n < needed) return;
    this.#headerBytes = 0;
    if (this.#closed) return this.#fail("a frame after the close frame");
    if (h[0] & 0x70) return this.#fail("a reserved bit set");
    if (h[1] & 0x80) return this.#fail("a masked frame from the server");
    let length = short;
    if (short === 126) {
      length = (h[2] << 8) | h[3];
      if (length < 126) return this.#fail("a length not in its shortest form");
    } else if (short === 127) {
      const high = ((h[2] << 24) | (h[3] << 16) | (h[4] << 8) | h[5]) >>> 0;
      const low = ((h[6] << 24) | (h[7] << 16) | (h[8] << 8) | h[9]) >>> 0;
      if (high >= 0x200000) return this.#fail("a length over 2^53");
      length = high * 0x100000000 + low;
      if (length < 0x10000) return this.#fail("a length not in its shortest form");
    }
    this.#fin = (h[0] & 0x80) !== 0;
    this.#opcode = h[0] & 0x0f;
    const problem = this.#check(length);
    if (problem) return this.#fail(problem);
    if (this.#opcode >= 8) {
      this.#control = new Uint8Array(length);
      this.#controlAt = 0;
    } else if (this.#opcode !== 0) this.#message = this.#opcode as 1 | 2;
    this.#left = length;
    if (length === 0) this.#frameEnd();
  }

  #check(length: number): string | undefined {
    const opcode = this.#opcode;
    if (opcode >= 8) {
      if (opcode > 10) return `unknown opcode ${opcode}`;
      if (!this.#fin) return "a fragmented control frame";
      if (length > 125) return `a control frame of ${length} bytes`;
      return undefined;
    }
    if (opcode > 2) return `unknown opcode ${opcode}`;
    if (opcode === 0 && this.#message === 0) return "a continuation outside a message";
    if (opcode !== 0 && this.#message !== 0) return "a new message inside a fragmented one";
    return undefined;
  }

  #payload(bytes: Uint8Array): void {
    if (this.#opcode >= 8) {
      this.#control.set(bytes, this.#controlAt);
      this.#controlAt += bytes.length;
    } else if (bytes.length > 0) this.#sink.payload(this.#message as 1 | 2, bytes);
  }

  #frameEnd(): void {
    this.#left = -1;
    if (this.#opcode >= 8) {
      if (this.#opcode === 8) this.#closed = true;
      this.#sink.control(this.#opcode as 8 | 9 | 10, this.#control);
    } else if (this.#fin) {
      const kind = this.#message as 1 | 2;
      this.#message = 0;
      this.#sink.messageEnd(kind);
    }
  }

  #fail(reason: string): void {
    this.#failed = true;
    this.#sink.error(reason);
  }
}
