/**
 * What a WebSocket peer is promised when it breaks the protocol (RFC 6455 and the options):
 * a text message that is not UTF-8 closes the connection with 1007, a message in more
 * frames than `maxFragments` with 1008, and a peer that did neither is never closed so.
 *
 * @module
 */
import type { SimClient } from "../engine/client.ts";
import type { Invariant, Violation } from "../engine/invariant.ts";
import { formatTime } from "../engine/trace.ts";
import type { ReplyAccounting } from "./reply_accounting.ts";
import { itemsOf } from "./wire.ts";

/** The note of a frame sent as it is that must close the connection with a code. */
const OWES = /^raw frame, owes (\d+): /;

/** When the server closed a client's WebSocket with `code`, if it did. */
function closedWith(client: SimClient, code: number): number | undefined {
  const note = `the server closed the WebSocket with ${code}`;
  return client.log.find((entry) => entry.kind === "event" && entry.note === note)?.time;
}

/**
 * WebSocket faults, for the server's `maxFragments`: a client in message mode on a lossless
 * link that sent a text message that is not UTF-8 is closed with 1007, unless the server had
 * closed it before, or for a message in too many frames (1008) or too large (1009); one that
 * sent none is never closed with 1007 (a binary stream is not text: its bytes are the parser's
 * to judge). A client that sent a message in more than `maxFragments` frames is closed with
 * 1008 (or for another fault first); one that sent none is never closed with 1008. A frame
 * sent as it is that owes a close (`SimClient.sendFrames`) is closed with its code, and with
 * `accounting` (checked before it), nothing sent after it, in its read or later, is answered.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { webSocketFaults } from "./ws_faults.ts";
 * const invariant = webSocketFaults(4);
 * assert.equal(invariant.name, "WebSocket faults");
 * ```
 */
export function webSocketFaults(maxFragments: number, accounting?: ReplyAccounting): Invariant {
  const name = "WebSocket faults";
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      for (const client of sim.clients) {
        const socket = client.webSocket;
        if (!socket || client.index === undefined) continue;
        const add = (message: string, time?: number) =>
          violations.push({ invariant: name, client: client.name, time, message });
        const [with1007, with1008, with1009] = [1007, 1008, 1009].map((code) =>
          closedWith(client, code)
        );
        const closed = client.log.find((entry) =>
          entry.kind === "event" && entry.note === "server closed the connection"
        )?.time;
        const notText = socket.mode === "message"
          ? itemsOf(client).find((item) => item.bad === "message is not valid UTF-8")
          : undefined;
        const owed = client.log.findIndex((entry) => OWES.test(entry.note ?? ""));
        const owedCode = owed < 0 ? undefined : Number(OWES.exec(client.log[owed].note!)![1]);
        if (owedCode !== undefined) {
          const entry = client.log[owed];
          // Closed before, or for another fault first: that close is judged on its own.
          const earlier = (closed !== undefined && closed < entry.time) ||
            [with1007, with1008, with1009].some((time) => time !== undefined);
          if (closedWith(client, owedCode) === undefined && !earlier && client.link.lossless) {
            add(
              `its frame that broke the protocol (${entry.note}) was not closed with ${owedCode}`,
            );
          }
          const before = itemsOf({ log: client.log.slice(0, owed) } as SimClient).length;
          const late = (accounting?.fates.get(client.name) ?? []).find((fate) =>
            fate.item.n >= before && !fate.refused
          );
          if (late) {
            add(
              `item ${late.item.n + 1}, sent after its frame that broke the protocol, was answered`,
            );
          }
        }
        if (!notText && with1007 !== undefined && owedCode !== 1007) {
          add("it was closed with 1007 but sent no text message that is not UTF-8", with1007);
        }
        const otherFirst = (closed !== undefined && closed < (notText?.time ?? 0)) ||
          with1008 !== undefined || with1009 !== undefined;
        if (notText && with1007 === undefined && !otherFirst && client.link.lossless) {
          add(
            `its text message that is not UTF-8 (sent at ${
              formatTime(notText.time)
            }ms) was not closed with 1007`,
            notText.time,
          );
        }
        const tooMany = socket.mostFragments > maxFragments;
        if (!tooMany && with1008 !== undefined) {
          add(`it was closed with 1008 but sent no message in over ${maxFragments} frames`);
        }
        const other = with1007 !== undefined || with1009 !== undefined;
        if (tooMany && with1008 === undefined && !other && client.link.lossless) {
          add(
            `it sent a message in ${socket.mostFragments} frames (over ${maxFragments}) ` +
              "and was not closed with 1008",
          );
        }
      }
      return violations;
    },
  };
}
