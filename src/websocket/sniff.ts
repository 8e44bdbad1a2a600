/**
 * Telling, from the first bytes of a TCP connection, an HTTP request (a WebSocket upgrade or a
 * page) from the raw zero-byte protocol, Flash policy request included.
 *
 * @module
 */

/** What the first bytes of a connection are: decided, or not yet. */
export type SniffResult = "http" | "raw" | "undecided";

const GET = [0x47, 0x45, 0x54, 0x20]; // "GET "

/**
 * Decides from the connection's first bytes (all of them so far, in order). Only `GET `
 * counts as HTTP, the one method a WebSocket upgrade or a page load uses; raw protocol
 * messages begin with `{`, `[`, white space or `<policy-file-request/>`. Undecided only while
 * every byte so far is a prefix of `GET `, so a single byte often suffices.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sniffProtocol } from "./sniff.ts";
 * const bytes = (text: string) => new TextEncoder().encode(text);
 * assert.equal(sniffProtocol(bytes("GE")), "undecided");
 * assert.equal(sniffProtocol(bytes("GET /")), "http");
 * assert.equal(sniffProtocol(bytes("{")), "raw");
 * assert.equal(sniffProtocol(bytes("<policy-file-request/>\0")), "raw");
 * ```
 */
export function sniffProtocol(bytes: Uint8Array): SniffResult {
  const n = Math.min(bytes.length, GET.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== GET[i]) return "raw";
  return n === GET.length ? "http" : "undecided";
}

/**
 * {@linkcode sniffProtocol} over chunks as they arrive: holds the (at most three) undecided
 * bytes and, once decided, hands back every byte read so far so none is lost.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProtocolSniffer } from "./sniff.ts";
 * const sniffer = new ProtocolSniffer();
 * assert.equal(sniffer.feed(new TextEncoder().encode("GE")), undefined);
 * const decided = sniffer.feed(new TextEncoder().encode("T / HTTP/1.1\r\n"));
 * assert.equal(decided?.protocol, "http");
 * assert.equal(new TextDecoder().decode(decided?.bytes), "GET / HTTP/1.1\r\n");
 * ```
 */
export class ProtocolSniffer {
  #held: Uint8Array = new Uint8Array(0);

  /** Adds a chunk; `undefined` while undecided. Not to be fed after it has decided. */
  feed(chunk: Uint8Array): { protocol: "http" | "raw"; bytes: Uint8Array } | undefined {
    let bytes = chunk;
    if (this.#held.length > 0) {
      bytes = new Uint8Array(this.#held.length + chunk.length);
      bytes.set(this.#held);
      bytes.set(chunk, this.#held.length);
    }
    const protocol = sniffProtocol(bytes);
    if (protocol === "undecided") {
      this.#held = bytes.slice();
      return undefined;
    }
    this.#held = new Uint8Array(0);
    return { protocol, bytes };
  }
}
