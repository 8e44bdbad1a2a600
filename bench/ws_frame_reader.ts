/**
 * The load clients' reader of a server's WebSocket frames: unmasked, so a frame is its
 * opcode, its length and its payload. Cheaper than a full decoder (no UTF-8 check, no copy of
 * whole payloads), as the load process must not be what limits the throughput measured; the
 * conformance tests check the server's frames with the project's `FrameDecoder`.
 *
 * @module
 */

/** Where a {@linkcode ServerFrameReader} hands the frames' payloads. */
export interface FrameSink {
  /**
   * A piece of a frame's payload, in order: `bytes` from `start` to `end`, the bytes fed
   * (no view is made, so that counting a message allocates nothing); `last` on the frame's
   * final piece (an empty payload comes as one empty, last piece).
   */
  payload(first: number, bytes: Uint8Array, start: number, end: number, last: boolean): void;
}

const HEADER_MAX = 10;

/**
 * Cuts unmasked frames out of reads cut anywhere; a masked frame throws (a server never
 * sends one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ServerFrameReader } from "./ws_frame_reader.ts";
 * const seen: string[] = [];
 * const reader = new ServerFrameReader({
 *   payload: (first, bytes, start, end, last) =>
 *     seen.push(`${first}:${bytes.subarray(start, end).join(",")}:${last}`),
 * });
 * const frames = new Uint8Array([0x81, 2, 7, 8, 0x82, 0]);
 * reader.take(frames.subarray(0, 3));
 * reader.take(frames.subarray(3));
 * assert.deepEqual(seen, ["129:7:false", "129:8:true", "130::true"]);
 * ```
 */
export class ServerFrameReader {
  readonly #sink: FrameSink;
  /** A header cut by the end of a read, until it is whole. */
  readonly #header = new Uint8Array(HEADER_MAX);
  #headerLength = 0;
  /** The current frame's first byte, and its payload bytes still to come (-1: a header). */
  #first = 0;
  #remaining = -1;

  constructor(sink: FrameSink) {
    this.#sink = sink;
  }

  /** Takes the next bytes; they are not kept. */
  take(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length) {
      if (this.#remaining < 0) {
        at = this.#readHeader(bytes, at);
        if (this.#remaining === 0) this.#sink.payload(this.#first, bytes, at, at, true);
        if (this.#remaining === 0) this.#remaining = -1;
        continue;
      }
      const end = Math.min(bytes.length, at + this.#remaining);
      this.#remaining -= end - at;
      this.#sink.payload(this.#first, bytes, at, end, this.#remaining === 0);
      if (this.#remaining === 0) this.#remaining = -1;
      at = end;
    }
  }

  /** Reads a header from `at` (or completes a cut one); returns where its payload starts. */
  #readHeader(bytes: Uint8Array, at: number): number {
    if (this.#headerLength === 0 && bytes.length - at >= HEADER_MAX) {
      const size = this.#parse(bytes, at);
      return at + size;
    }
    while (at < bytes.length) {
      this.#header[this.#headerLength++] = bytes[at++];
      const size = this.#headerLength >= 2 ? headerSize(this.#header[1]) : HEADER_MAX;
      if (this.#headerLength === size) {
        this.#parse(this.#header, 0);
        this.#headerLength = 0;
        break;
      }
    }
    return at;
  }

  /** Parses a whole header at `at`; returns its size. */
  #parse(bytes: Uint8Array, at: number): number {
    const second = bytes[at + 1];
    if (second & 0x80) throw new Error("the server sent a masked frame");
    this.#first = bytes[at];
    const length = second & 0x7f;
    if (length < 126) this.#remaining = length;
    else if (length === 126) this.#remaining = (bytes[at + 2] << 8) | bytes[at + 3];
    else {
      let value = 0;
      for (let k = 2; k < 10; k++) value = value * 256 + bytes[at + k];
      this.#remaining = value;
    }
    return headerSize(second);
  }
}

function headerSize(second: number): number {
  const length = second & 0x7f;
  return length < 126 ? 2 : length === 126 ? 4 : 10;
}
