/**
 * What a WebSocket peer is promised of the server's close frame (RFC 6455 5.5.1, 7.4): the
 * server answers a close it read, before closing on its own, with the same code (none for
 * none: 1005 is never sent), and a close of its own, with no fault of the peer's, names none.
 *
 * @module
 */
import type { SimClient } from "../engine/client.ts";
import type { Invariant, Violation } from "../engine/invariant.ts";
import { closeCode } from "../engine/ws_close_frame.ts";

/**
 * The codes of a close the server may send before hearing anything of its peer: its own
 * (normal, going away, an error of its own) and those of a message over a limit.
 */
const OWN_CODES = new Set([1000, 1001, 1007, 1008, 1009, 1011]);

/** How a code reads in a message: `none` for a close frame without one. */
function named(code: number | undefined): string {
  return code === undefined ? "no code" : String(code);
}

/** What is wrong with the server's close frame to `client`, if anything. */
function closeProblem(client: SimClient): string | undefined {
  const socket = client.webSocket;
  const received = socket?.closeReceived;
  // A peer that wrote frames as they are may have broken the protocol: WebSocket faults
  // judges the code it earned.
  if (!socket || !received || socket.sentRaw) return undefined;
  const got = closeCode(received);
  const after = client.link.server.endedAfter;
  if (after === "end" && socket.closeSent) {
    const sent = closeCode(socket.closeSent);
    if (got === sent) return undefined;
    return `it closed with ${named(sent)} and the server's close, which answered it, ` +
      `carried ${named(got)}`;
  }
  // 1007, 1008 and 1009 are faults the layer may hear of only after it ended the socket
  // (WebSocket faults and limit judge them); 1002 and 1003 only a peer that broke the rules
  // earns; no code, 1005 or 1006 is never a server's answer to nothing.
  if (after === "none" && (got === undefined || !OWN_CODES.has(got))) {
    return `the server closed it on its own, with no fault of its, with ${named(got)}`;
  }
  return undefined;
}

/**
 * Close codes: a WebSocket client that kept the protocol (it wrote no frame as it is) and
 * sent a close frame that the server read before ending the connection (the layer was told
 * the peer's end, and of no fault, before it ended the WebSocket socket) is answered with a
 * close frame of the same code, none for none (a close frame without a code is not echoed
 * with 1005, which must never be sent); a close the server sends before hearing anything of
 * the peer carries a code of its own (1000, 1001, 1011) or of a message over a limit (1007,
 * 1008, 1009: WebSocket faults and limit judge those), never 1002 nor 1003, which only a peer
 * that broke the rules earns, and never no code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { closeCodes } from "./ws_close.ts";
 * assert.equal(closeCodes().name, "close codes");
 * ```
 */
export function closeCodes(): Invariant {
  const name = "close codes";
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      for (const client of sim.clients) {
        const message = closeProblem(client);
        if (message) violations.push({ invariant: name, client: client.name, message });
      }
      return violations;
    },
  };
}
