/**
 * UTF-8 encoding of outgoing messages into slices of a shared slab.
 *
 * @module
 */

/** The size of each slab. */
const SLAB_BYTES = 64 * 1024;
/** Texts that might need more than this are encoded into arrays of their own. */
const MAX_SLICE_BYTES = 8 * 1024;

const textEncoder = new TextEncoder();

/**
 * Encodes a text and a zero byte after it. Small messages get a slice of a 64 KiB slab
 * instead of an array of their own: on Node, every new Uint8Array over 64 bytes costs a
 * microsecond of allocation outside the heap, more than encoding it, and a server sends a
 * message per update. A slice is never written again once returned: a full slab is left to
 * the slices that still use it, and a new one begins.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SlabEncoder } from "./slab_encoder.ts";
 * const encoder = new SlabEncoder();
 * const first = encoder.encodeFrame('{"a":1}');
 * assert.deepEqual([...first], [123, 34, 97, 34, 58, 49, 125, 0]);
 * const second = encoder.encodeFrame("[]");
 * assert.equal(second.buffer, first.buffer); // slices of one slab
 * ```
 */
export class SlabEncoder {
  #slab = new Uint8Array(0);
  #used = 0;

  /** The UTF-8 bytes of `text`, followed by a zero byte. */
  encodeFrame(text: string): Uint8Array {
    // A UTF-16 code unit takes at most three bytes in UTF-8.
    const most = text.length * 3 + 1;
    if (most > MAX_SLICE_BYTES) return textEncoder.encode(text + "\0");
    if (this.#used + most > this.#slab.length) {
      this.#slab = new Uint8Array(SLAB_BYTES);
      this.#used = 0;
    }
    const start = this.#used;
    const { written } = textEncoder.encodeInto(text, this.#slab.subarray(start));
    this.#slab[start + written] = 0;
    this.#used = start + written + 1;
    return this.#slab.subarray(start, this.#used);
  }
}
