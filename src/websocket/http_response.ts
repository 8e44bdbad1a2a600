/**
 * Plain HTTP/1.1 responses: the answers to bad handshakes and the pages served on the
 * WebSocket port. Each one closes the connection, as nothing here reads a second request.
 *
 * @module
 */
import { formatField, type HeadError } from "./http_head.ts";

const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: "OK",
  204: "No Content",
  301: "Moved Permanently",
  304: "Not Modified",
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  426: "Upgrade Required",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
  505: "HTTP Version Not Supported",
};

const encoder = new TextEncoder();

/**
 * The bytes of a complete response. `Content-Length` is always set from the body, and
 * `Connection: close` unless `headers` names `Connection`. Throws on a header name or value
 * holding CR or LF, which would let a caller's data split the response.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { httpResponse } from "./http_response.ts";
 * const bytes = httpResponse(200, { "Content-Type": "text/html; charset=utf-8" }, "<p>é</p>");
 * assert.equal(
 *   new TextDecoder().decode(bytes),
 *   "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 9\r\n" +
 *     "Connection: close\r\n\r\n<p>é</p>",
 * );
 * ```
 */
export function httpResponse(
  status: number,
  headers: Readonly<Record<string, string>> = {},
  body: Uint8Array | string = "",
): Uint8Array {
  if (!Number.isInteger(status) || status < 100 || status > 999) {
    throw new RangeError(`not an HTTP status: ${status}`);
  }
  const payload = typeof body === "string" ? encoder.encode(body) : body;
  let head = `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Unknown"}\r\n`;
  let connection = false;
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === "content-length") continue;
    if (lower === "connection") connection = true;
    head += formatField(name, value);
  }
  head += `Content-Length: ${payload.length}\r\n`;
  if (!connection) head += "Connection: close\r\n";
  const headBytes = encoder.encode(head + "\r\n");
  const out = new Uint8Array(headBytes.length + payload.length);
  out.set(headBytes);
  out.set(payload, headBytes.length);
  return out;
}

/**
 * The response to a head that failed: its status, its extra headers, its reason as text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { headError } from "./http_head.ts";
 * import { errorResponse } from "./http_response.ts";
 * const text = new TextDecoder().decode(errorResponse(headError(431, "head too large")));
 * assert.ok(text.startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
 * assert.ok(text.endsWith("\r\n\r\nhead too large\n"));
 * ```
 */
export function errorResponse(error: HeadError): Uint8Array {
  return httpResponse(
    error.status,
    { ...error.headers, "Content-Type": "text/plain; charset=utf-8" },
    error.reason + "\n",
  );
}

/**
 * The `426 Upgrade Required` answer to a plain request for a path that only speaks WebSocket.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { upgradeRequiredResponse } from "./http_response.ts";
 * const text = new TextDecoder().decode(upgradeRequiredResponse());
 * assert.ok(text.startsWith("HTTP/1.1 426 Upgrade Required\r\n"));
 * assert.ok(text.includes("\r\nSec-WebSocket-Version: 13\r\n"));
 * ```
 */
export function upgradeRequiredResponse(): Uint8Array {
  return httpResponse(426, {
    Upgrade: "websocket",
    "Sec-WebSocket-Version": "13",
    "Content-Type": "text/plain; charset=utf-8",
  }, "this path speaks WebSocket only\n");
}
