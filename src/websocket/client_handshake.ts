/**
 * The client side of the opening handshake, for the simulator's WebSocket clients and for
 * tests: the upgrade request, and a reader that checks the server's answer.
 *
 * @module
 */
import { base64Encode } from "./base64.ts";
import { acceptKey } from "./handshake.ts";
import { HeadBuffer } from "./head_buffer.ts";
import { formatField, hasToken, headLines, parseFields } from "./http_head.ts";

/** How {@linkcode upgradeRequest} builds a request. */
export interface UpgradeRequestOptions {
  /** The `Host` header: host and port. */
  host: string;
  /** The request target. Default `/`. */
  path?: string;
  /** The `Sec-WebSocket-Key`, as made by {@linkcode handshakeKey}. */
  key: string;
  /** More header fields, such as `Origin`. */
  headers?: Readonly<Record<string, string>>;
}

/**
 * A `Sec-WebSocket-Key`: the base64 of 16 bytes, given (deterministic, for the simulator) or
 * from `crypto.getRandomValues`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { handshakeKey } from "./client_handshake.ts";
 * assert.equal(handshakeKey(new Uint8Array(16)), "AAAAAAAAAAAAAAAAAAAAAA==");
 * assert.equal(handshakeKey().length, 24);
 * ```
 */
export function handshakeKey(
  nonce: Uint8Array = crypto.getRandomValues(new Uint8Array(16)),
): string {
  if (nonce.length !== 16) throw new RangeError("a handshake nonce is 16 bytes");
  return base64Encode(nonce);
}

/**
 * The bytes of a client's upgrade request.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { upgradeRequest } from "./client_handshake.ts";
 * const text = new TextDecoder().decode(upgradeRequest({ host: "h:80", key: "k" }));
 * assert.ok(text.startsWith("GET / HTTP/1.1\r\nHost: h:80\r\nUpgrade: websocket\r\n"));
 * assert.ok(text.endsWith("Sec-WebSocket-Key: k\r\nSec-WebSocket-Version: 13\r\n\r\n"));
 * ```
 */
export function upgradeRequest(options: UpgradeRequestOptions): Uint8Array {
  const fields: Record<string, string> = {
    Host: options.host,
    Upgrade: "websocket",
    Connection: "Upgrade",
    ...options.headers,
    "Sec-WebSocket-Key": options.key,
    "Sec-WebSocket-Version": "13",
  };
  let head = `GET ${options.path ?? "/"} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(fields)) head += formatField(name, value);
  return new TextEncoder().encode(head + "\r\n");
}

/** What {@linkcode UpgradeResponseReader.feed} found. */
export type UpgradeResponse =
  | { readonly kind: "incomplete" }
  /** The server switched to WebSocket; `rest` (a view into the bytes fed) is its first frames. */
  | {
    readonly kind: "accepted";
    readonly headers: ReadonlyMap<string, string>;
    readonly rest: Uint8Array;
  }
  /** Anything else: the status (0 when there was no valid status line) and why. */
  | { readonly kind: "refused"; readonly status: number; readonly reason: string };

const STATUS_LINE = /^HTTP\/1\.[0-9] ([0-9]{3})(?: (.*))?$/;

/**
 * Reads the server's answer to an upgrade request sent with `key`, in any split, and checks
 * it as RFC 6455 section 4.1 requires of a client. Not to be fed after it has answered.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UpgradeResponseReader } from "./client_handshake.ts";
 * import { switchingProtocolsResponse } from "./handshake.ts";
 * const key = "dGhlIHNhbXBsZSBub25jZQ==";
 * const reader = new UpgradeResponseReader(key);
 * const result = reader.feed(switchingProtocolsResponse(key));
 * assert.equal(result.kind, "accepted");
 * ```
 */
export class UpgradeResponseReader {
  readonly #buffer = new HeadBuffer();
  readonly #accept: string;
  #done = false;

  constructor(key: string) {
    this.#accept = acceptKey(key);
  }

  /** Adds bytes; answers as soon as the response head is complete or cannot be. */
  feed(bytes: Uint8Array): UpgradeResponse {
    if (this.#done) throw new Error("UpgradeResponseReader fed after its result");
    const found = this.#buffer.feed(bytes);
    if (found.kind === "incomplete") return found;
    this.#done = true;
    if (found.kind === "too-large") return refused(0, "response head over 8 KiB");
    const lines = headLines(found.head);
    const status = STATUS_LINE.exec(lines[0]);
    if (status === null) return refused(0, "malformed status line");
    if (status[1] !== "101") return refused(Number(status[1]), status[2] ?? "");
    const headers = parseFields(lines);
    if (typeof headers === "string") return refused(101, headers);
    if (!hasToken(headers.get("upgrade"), "websocket")) return refused(101, "no Upgrade");
    if (!hasToken(headers.get("connection"), "upgrade")) return refused(101, "no Connection");
    if (headers.get("sec-websocket-accept") !== this.#accept) {
      return refused(101, "wrong Sec-WebSocket-Accept");
    }
    return { kind: "accepted", headers, rest: found.rest };
  }
}

function refused(status: number, reason: string): UpgradeResponse {
  return { kind: "refused", status, reason };
}
