/**
 * Small byte arrays cut from shared slabs.
 *
 * @module
 */

const SLAB_BYTES = 64 * 1024;
const MAX_SLICE_BYTES = 4 * 1024;

/**
 * Hands out zeroed byte arrays: small ones as slices of a 64 KiB slab, larger ones on their
 * own. On Node every new `Uint8Array` over 64 bytes costs about a microsecond, a slice of a
 * slab a small part of that. A slice is never handed out twice, so it may be kept; a kept one
 * keeps its slab alive, which is why one slab is shared by the connections of a port rather
 * than made per connection.
 *
 * @example
 * ```ts
 * import { ByteSlab } from "./byte_slab.ts";
 * const slab = new ByteSlab();
 * const [a, b] = [slab.allocate(100), slab.allocate(100)];
 * a.fill(1);
 * if (a.length !== 100 || b[0] !== 0 || a.buffer !== b.buffer) throw new Error("not sliced");
 * if (slab.allocate(100_000).length !== 100_000) throw new Error("no large array");
 * ```
 */
export class ByteSlab {
  #slab = new Uint8Array(0);
  #used = 0;

  /** A new array of `size` zero bytes, for the caller alone. */
  allocate(size: number): Uint8Array {
    if (size > MAX_SLICE_BYTES) return new Uint8Array(size);
    if (this.#used + size > this.#slab.length) {
      this.#slab = new Uint8Array(SLAB_BYTES);
      this.#used = 0;
    }
    const start = this.#used;
    this.#used += size;
    return this.#slab.subarray(start, this.#used);
  }
}
