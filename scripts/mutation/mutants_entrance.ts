/**
 * Main-set mutants of the port's entrance (sniffing, the HTTP upgrade and its timer), of the
 * WebSocket close handshake, keep-alive and frame checks, and of a refusal's reason, written
 * with the edge-http story (`sim/scenarios/edge_http.ts`) and the close codes, entrance
 * answers and keep-alive invariants (and reply accounting, which now knows why a refused
 * client was refused): each is caught by them, so they count as tuned against.
 *
 * @module
 */
import type { Mutant } from "./mutant.ts";

const TRANSPORT = "src/transport";
const WEBSOCKET = "src/websocket";

/** Mutants of what the edge-http story reaches. */
export const ENTRANCE_MUTANTS: readonly Mutant[] = [
  {
    id: "echo-always-normal",
    file: `${TRANSPORT}/websocket_socket.ts`,
    description: "the answer to a peer's close frame is always 1000, not the peer's code",
    patches: [{
      find:
        "this.#close(this.#peerCode === CloseCode.NoStatus ? undefined : this.#peerCode ?? 1000);",
      replace: "this.#close(1000);",
    }],
  },
  {
    id: "upgrade-timer-unchecked",
    file: `${TRANSPORT}/http_upgrade.ts`,
    description: "the head timer's callback answers 408 whatever the state, and the upgrade " +
      "only drops the reader: a live WebSocket connection gets HTTP bytes",
    patches: [
      {
        find:
          '      if (this.#reader) this.#answer(errorResponse(headError(408, "request head too slow")));',
        replace: '      this.#answer(errorResponse(headError(408, "request head too slow")));',
      },
      {
        find: "    this.#done();\n    this.#raw.write(switchingProtocolsResponse(result.key));\n",
        replace:
          "    this.#reader = undefined;\n    this.#raw.write(switchingProtocolsResponse(result.key));\n",
      },
    ],
  },
  {
    id: "head-timer-restarts",
    file: `${TRANSPORT}/http_upgrade.ts`,
    description: "each read of an incomplete head starts the head timeout again: a head " +
      "trickled a byte now and then is never answered 408",
    patches: [{
      find: '    if (result === undefined || result.kind === "incomplete") return DONE;\n',
      replace: '    if (result === undefined || result.kind === "incomplete") {\n' +
        "      this.#cancel?.();\n" +
        "      const { clock } = this.#options;\n" +
        "      this.#cancel = clock.schedule(clock.now() + this.#options.handshakeTimeoutMs, () => {\n" +
        '        if (this.#reader) this.#answer(errorResponse(headError(408, "request head too slow")));\n' +
        "      });\n" +
        "      return DONE;\n" +
        "    }\n",
    }],
  },
  {
    id: "answer-keeps-socket",
    file: `${TRANSPORT}/http_upgrade.ts`,
    description: "an HTTP answer other than 101 leaves the socket open",
    patches: [{
      find: "    this.#raw.write(bytes);\n    this.#raw.end();\n",
      replace: "    this.#raw.write(bytes);\n",
    }],
  },
  {
    id: "sniff-hands-over-heard",
    file: `${TRANSPORT}/entrance.ts`,
    description: "a socket that sent a few bytes of GET and went silent is served as raw at " +
      "the sniff timeout, not ended",
    patches: [{
      find: "      if (this.#heard || httpOnly) raw.end();",
      replace: "      if (httpOnly) raw.end();",
    }],
  },
  {
    id: "sniff-waits-handshake",
    file: `${TRANSPORT}/entrance.ts`,
    description: "a sniffing port waits the handshake timeout, not the sniff timeout, before " +
      "serving a silent socket as raw",
    patches: [{
      find: "    const wait = httpOnly ? handshakeTimeoutMs : sniffTimeoutMs;",
      replace: "    const wait = httpOnly ? sniffTimeoutMs : handshakeTimeoutMs;",
    }],
  },
  {
    id: "close-1005-allowed",
    file: `${WEBSOCKET}/close_codes.ts`,
    description: "a close frame that carries 1005 or 1006, codes never to be sent, is taken",
    patches: [{
      find:
        "  return code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006;",
      replace: "  return code >= 1000 && code <= 1014 && code !== 1004;",
    }],
  },
  {
    id: "close-reason-unchecked",
    file: `${WEBSOCKET}/close_codes.ts`,
    description: "a close reason is not checked as UTF-8",
    patches: [{
      find: "  if (reason === undefined) {\n",
      replace: "  if (reason === undefined && data.length > 125) {\n",
    }],
  },
  {
    id: "silent-never-given-up",
    file: `${TRANSPORT}/keep_alive.ts`,
    description: "a silent peer is pinged but not marked pinged: it is pinged again at each " +
      "check, never given up",
    patches: [{
      find: "        peer.pinged = true;\n        peer.ping();",
      replace: "        peer.ping();",
    }],
  },
  {
    id: "unwatch-stops-all",
    file: `${TRANSPORT}/keep_alive.ts`,
    description: "a connection that ends stops the port's checks for every other connection",
    patches: [{
      find: "    this.#peers.delete(peer);\n    if (this.#peers.size === 0) {",
      replace: "    this.#peers.delete(peer);\n    {",
    }],
  },
  {
    id: "held-lost-at-end",
    file: `${TRANSPORT}/websocket_socket.ts`,
    description: "a WebSocket peer that never sent a frame loses what was held for it when the " +
      "server closes: no mode was picked",
    patches: [{
      find:
        '    if (this.#mode === undefined) this.#pick("message"); // what was held goes as text\n',
      replace: "",
    }],
  },
  {
    id: "control-length-unchecked",
    file: `${WEBSOCKET}/frame_decoder.ts`,
    description: "a control frame of 126 bytes is taken (an off-by-one on the limit)",
    patches: [{
      find: "    if (isControlOpcode(this.#first) && length > 125) {",
      replace: "    if (isControlOpcode(this.#first) && length > 126) {",
    }],
  },
  {
    id: "rsv-first-bit-only",
    file: `${WEBSOCKET}/frame_decoder.ts`,
    description: "only the first reserved bit is checked (as if the others were an extension's)",
    patches: [{
      find:
        'if ((byte & 0x70) !== 0) return this.#fail(CloseCode.ProtocolError, "reserved bits set");',
      replace:
        'if ((byte & 0x40) !== 0) return this.#fail(CloseCode.ProtocolError, "reserved bits set");',
    }],
  },
  {
    id: "unmasked-client-taken",
    file: `${WEBSOCKET}/frame_decoder.ts`,
    description: "a server decoder only refuses masked frames it should not get, and takes a " +
      "client's unmasked ones",
    patches: [{
      find: "    if (this.#masked !== this.#server) {",
      replace: "    if (this.#masked && !this.#server) {",
    }],
  },
  {
    id: "http-port-serves-raw",
    file: `${TRANSPORT}/entrance.ts`,
    description: "a port of HTTP alone hands a socket whose first bytes are not GET to the " +
      "layer as raw TCP instead of answering 400",
    patches: [{
      find:
        "    else if (!this.#httpOnly) this.#next = this.#entrance.handOver(this.#raw, this.#raw);",
      replace:
        "    else if (this.#raw) this.#next = this.#entrance.handOver(this.#raw, this.#raw);",
    }],
  },
  {
    id: "refusal-generic",
    file: "src/core/server.ts",
    description: "a refused connection is told a generic reason",
    patches: [{
      find: "    tryWrite(connection, this.parser.serialize([{ error: reason }]));",
      replace:
        '    tryWrite(connection, this.parser.serialize([{ error: "connection refused" }]));',
    }],
  },
  {
    id: "close-timeout-no-abort",
    file: `${TRANSPORT}/socket_connection.ts`,
    description: "the close timeout lets the close be done but never resets the peer that " +
      "took nothing: its socket stays open, its queue held",
    patches: [{
      find: "        this.#socket.abort();\n        resolve();",
      replace: "        resolve();",
    }],
  },
];
