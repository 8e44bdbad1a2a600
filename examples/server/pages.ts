/**
 * The browser pages of the example games (`examples/web/`), served to plain `GET` requests on
 * the server's HTTP ports: a fixed list of files per game, read once at start through the
 * runtime's own file reading, so this module does no IO of its own.
 *
 * @module
 */
import type { PageHandler } from "../../src/transport/http_upgrade.ts";
import { httpResponse } from "../../src/websocket/http_response.ts";
import type { Game } from "./options.ts";

/** Reads a file of `examples/web/` by its name (the runtime's entry point resolves it). */
export type ReadWebFile = (name: string) => Promise<Uint8Array>;

/** The files of each game's page, by the path they are served at. Nothing else is served. */
export const WEB_FILES: Readonly<Record<Game, Readonly<Record<string, string>>>> = {
  rooms: { "/": "rooms.html", "/rooms.js": "rooms.js", "/connection.js": "connection.js" },
  cards: { "/": "cards.html", "/cards.js": "cards.js", "/connection.js": "connection.js" },
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
};

// The pages load their own scripts and talk to the port that served them, nothing else.
const HEADERS = {
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "Referrer-Policy": "no-referrer",
};

/**
 * Reads `game`'s files and answers each of their paths with the whole response, built once;
 * any other path gets 404 (a WebSocket upgrade on any path never reaches this).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPages } from "./pages.ts";
 * const page = await loadPages("cards", (name) => Promise.resolve(new TextEncoder().encode(name)));
 * const answer = (path: string) => {
 *   const bytes = page({ method: "GET", target: path, path, query: "", version: "HTTP/1.1", headers: new Map() });
 *   return new TextDecoder().decode(bytes);
 * };
 * assert.match(answer("/"), /^HTTP\/1\.1 200 OK\r\nContent-Type: text\/html;[^]*\r\n\r\ncards\.html$/);
 * assert.match(answer("/cards.js"), /Content-Type: text\/javascript/);
 * assert.match(answer("/rooms.js"), /^HTTP\/1\.1 404 /);
 * ```
 */
export async function loadPages(game: Game, readFile: ReadWebFile): Promise<PageHandler> {
  const responses = new Map<string, Uint8Array>();
  for (const [path, name] of Object.entries(WEB_FILES[game])) {
    const type = CONTENT_TYPES[name.slice(name.lastIndexOf(".") + 1)];
    responses.set(
      path,
      httpResponse(200, { "Content-Type": type, ...HEADERS }, await readFile(name)),
    );
  }
  const notFound = httpResponse(
    404,
    { "Content-Type": "text/plain; charset=utf-8" },
    "not found\n",
  );
  return (request) => responses.get(request.path) ?? notFound;
}
