/**
 * Parsing one HTTP/1.x request head (request line and header fields), strictly enough for an
 * upgrade request: whatever does not parse is answered with the status to send.
 *
 * @module
 */

/** A parsed HTTP request head. */
export interface HttpRequestHead {
  /** The method token, as sent (methods are case-sensitive). */
  readonly method: string;
  /** The request target as sent, query included. */
  readonly target: string;
  /** The target before any `?`. */
  readonly path: string;
  /** The target after the first `?`, without it; empty when there is none. */
  readonly query: string;
  /** `HTTP/1.0`, `HTTP/1.1`, or another `HTTP/1.x`. */
  readonly version: string;
  /** Header fields by lower-cased name; repeated fields joined with `, `. */
  readonly headers: ReadonlyMap<string, string>;
}

/** A head that cannot be served: the status and a short reason to answer with, then close. */
export interface HeadError {
  readonly kind: "error";
  readonly status: number;
  readonly reason: string;
  /** Extra response header fields, such as `Allow` or `Sec-WebSocket-Version`. */
  readonly headers: Readonly<Record<string, string>>;
}

const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
const REQUEST_LINE = new RegExp(`^(${TOKEN}) ([^ ]+) HTTP/([0-9])\\.([0-9])$`);
const FIELD = new RegExp(`^(${TOKEN}):[ \\t]*(.*?)[ \\t]*$`);
// Controls other than horizontal tab: a bare CR or LF inside a line, NUL, DEL.
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * Parses a request head given without its final `\r\n\r\n`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRequestHead } from "./http_head.ts";
 * const bytes = new TextEncoder().encode("GET /room?id=1 HTTP/1.1\r\nHost: a\r\nX-A: 1\r\nx-a: 2");
 * const head = parseRequestHead(bytes);
 * assert.ok(head.kind === "head");
 * assert.equal(head.path, "/room");
 * assert.equal(head.query, "id=1");
 * assert.equal(head.headers.get("x-a"), "1, 2");
 * ```
 */
export function parseRequestHead(
  bytes: Uint8Array,
): HeadError | (HttpRequestHead & { readonly kind: "head" }) {
  const lines = headLines(bytes);
  const requestLine = REQUEST_LINE.exec(lines[0]);
  if (requestLine === null) return headError(400, "malformed request line");
  if (requestLine[3] !== "1") return headError(505, "only HTTP/1.x is served");
  const headers = parseFields(lines);
  if (typeof headers === "string") return headError(400, headers);
  const target = requestLine[2];
  const question = target.indexOf("?");
  return {
    kind: "head",
    method: requestLine[1],
    target,
    path: question < 0 ? target : target.slice(0, question),
    query: question < 0 ? "" : target.slice(question + 1),
    version: `HTTP/1.${requestLine[4]}`,
    headers,
  };
}

/**
 * The lines of a head given without its final `\r\n\r\n`, its bytes read as Latin-1: the
 * only reading HTTP allows for field values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { headLines } from "./http_head.ts";
 * const lines = headLines(new Uint8Array([0x47, 0x0d, 0x0a, 0x58, 0x3a, 0xe9]));
 * assert.deepEqual(lines, ["G", "X:\u00e9"]);
 * ```
 */
export function headLines(bytes: Uint8Array): string[] {
  let text = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    text += String.fromCharCode(...bytes.subarray(i, i + 4096));
  }
  return text.split("\r\n");
}

/**
 * The header fields of a head's lines (the first line, request or status, is skipped) by
 * lower-cased name, repeated fields joined with `, `; or the reason they are malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFields } from "./http_head.ts";
 * const fields = parseFields(["HTTP/1.1 101 Switching Protocols", "Upgrade:  websocket "]);
 * assert.deepEqual(fields, new Map([["upgrade", "websocket"]]));
 * assert.equal(parseFields(["GET / HTTP/1.1", "Host : h"]), "malformed header field");
 * ```
 */
export function parseFields(lines: readonly string[]): Map<string, string> | string {
  const headers = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (CONTROL.test(line)) return "control character in a header field";
    if (line[0] === " " || line[0] === "\t") return "obsolete line folding";
    const field = FIELD.exec(line);
    if (field === null) return "malformed header field";
    const name = field[1].toLowerCase();
    const previous = headers.get(name);
    headers.set(name, previous === undefined ? field[2] : `${previous}, ${field[2]}`);
  }
  return headers;
}

/**
 * A {@linkcode HeadError} value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { headError } from "./http_head.ts";
 * assert.deepEqual(headError(405, "GET only", { Allow: "GET" }), {
 *   kind: "error",
 *   status: 405,
 *   reason: "GET only",
 *   headers: { Allow: "GET" },
 * });
 * ```
 */
export function headError(
  status: number,
  reason: string,
  headers: Record<string, string> = {},
): HeadError {
  return { kind: "error", status, reason, headers };
}

/**
 * Whether a comma-separated header value lists `token`, compared case-insensitively (as for
 * `Connection: keep-alive, Upgrade`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hasToken } from "./http_head.ts";
 * assert.equal(hasToken("keep-alive, Upgrade", "upgrade"), true);
 * assert.equal(hasToken("upgraded", "upgrade"), false);
 * assert.equal(hasToken(undefined, "upgrade"), false);
 * ```
 */
export function hasToken(value: string | undefined, token: string): boolean {
  if (value === undefined) return false;
  return value.split(",").some((part) => part.trim().toLowerCase() === token);
}

/**
 * One header field line, CRLF included. Throws on CR or LF in the name or value, which would
 * let a caller's data split the head.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatField } from "./http_head.ts";
 * assert.equal(formatField("Upgrade", "websocket"), "Upgrade: websocket\r\n");
 * assert.throws(() => formatField("X", "a\r\nSet-Cookie: b"), TypeError);
 * ```
 */
export function formatField(name: string, value: string): string {
  if (/[\r\n]/.test(name + value)) throw new TypeError(`CR or LF in header ${name}`);
  return `${name}: ${value}\r\n`;
}
