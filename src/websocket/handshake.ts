/**
 * The server side of the RFC 6455 opening handshake: an incremental reader of the request head
 * that tells an upgrade from a plain request or an error, and the 101 answer.
 *
 * @module
 */
import { base64Encode } from "./base64.ts";
import { HeadBuffer, MAX_HEAD_BYTES } from "./head_buffer.ts";
import {
  hasToken,
  type HeadError,
  headError,
  type HttpRequestHead,
  parseRequestHead,
} from "./http_head.ts";
import { sha1 } from "./sha1.ts";

/** What {@linkcode HandshakeReader.feed} found. */
export type HandshakeResult =
  | { readonly kind: "incomplete" }
  /** A valid WebSocket upgrade; `rest` holds the bytes after the head (early frames). */
  | {
    readonly kind: "upgrade";
    readonly request: HttpRequestHead;
    readonly key: string;
    readonly rest: Uint8Array;
  }
  /** A plain `GET` without upgrade: serve a page, or answer `upgradeRequiredResponse()`. */
  | { readonly kind: "request"; readonly request: HttpRequestHead; readonly rest: Uint8Array }
  /** Answer `errorResponse(result)`, then close. */
  | HeadError;

// Exactly 16 bytes in base64, as ws accepts it.
const KEY = /^[+/0-9A-Za-z]{22}==$/;
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/**
 * Reads one request head from bytes fed in any split. Holds at most {@linkcode MAX_HEAD_BYTES}:
 * a head that does not end within them is a 431 error. `rest` in a result is a view into the
 * bytes fed. Once it has answered anything but `incomplete`, it must not be fed again.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HandshakeReader } from "./handshake.ts";
 * const reader = new HandshakeReader();
 * const bytes = new TextEncoder().encode(
 *   "GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
 *     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n\x01",
 * );
 * assert.equal(reader.feed(bytes.subarray(0, 30)).kind, "incomplete");
 * const result = reader.feed(bytes.subarray(30));
 * assert.ok(result.kind === "upgrade");
 * assert.equal(result.key, "dGhlIHNhbXBsZSBub25jZQ==");
 * assert.deepEqual(result.rest, new Uint8Array([0x01]));
 * ```
 */
export class HandshakeReader {
  readonly #buffer = new HeadBuffer(MAX_HEAD_BYTES);
  #done = false;

  /** Bytes held while the head is incomplete. */
  get bufferedBytes(): number {
    return this.#buffer.bufferedBytes;
  }

  /** Adds bytes; answers as soon as the head is complete or cannot be. */
  feed(bytes: Uint8Array): HandshakeResult {
    if (this.#done) throw new Error("HandshakeReader fed after its result");
    const found = this.#buffer.feed(bytes);
    if (found.kind === "incomplete") return found;
    this.#done = true;
    if (found.kind === "too-large") return headError(431, "request head over 8 KiB");
    const head = parseRequestHead(found.head);
    return head.kind === "error" ? head : classify(head, found.rest);
  }
}

function classify(request: HttpRequestHead, rest: Uint8Array): HandshakeResult {
  const headers = request.headers;
  if (request.method !== "GET") return headError(405, "only GET is served", { Allow: "GET" });
  if (request.version !== "HTTP/1.0" && !headers.has("host")) {
    return headError(400, "missing Host header");
  }
  if (!hasToken(headers.get("upgrade"), "websocket")) return { kind: "request", request, rest };
  if (request.version === "HTTP/1.0") return headError(400, "WebSocket needs HTTP/1.1");
  if (!hasToken(headers.get("connection"), "upgrade")) {
    return headError(400, "Connection header lacks Upgrade");
  }
  if (headers.get("sec-websocket-version") !== "13") {
    return headError(400, "unsupported WebSocket version", { "Sec-WebSocket-Version": "13" });
  }
  const key = headers.get("sec-websocket-key");
  if (key === undefined || !KEY.test(key)) return headError(400, "invalid Sec-WebSocket-Key");
  return { kind: "upgrade", request, key, rest };
}

/**
 * The `Sec-WebSocket-Accept` value for a client's key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { acceptKey } from "./handshake.ts";
 * assert.equal(acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
 * ```
 */
export function acceptKey(key: string): string {
  return base64Encode(sha1(new TextEncoder().encode(key + GUID)));
}

/**
 * The bytes of the `101 Switching Protocols` answer to an upgrade with this key. No
 * subprotocol and no extension are selected.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { switchingProtocolsResponse } from "./handshake.ts";
 * const text = new TextDecoder().decode(switchingProtocolsResponse("dGhlIHNhbXBsZSBub25jZQ=="));
 * assert.equal(
 *   text,
 *   "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
 *     "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
 * );
 * ```
 */
export function switchingProtocolsResponse(key: string): Uint8Array {
  return new TextEncoder().encode(
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
  );
}
