/**
 * The WebSocket message limit as the options promise it: a larger message closes its
 * connection with 1009, however its bytes came (one frame, several, several reads).
 *
 * @module
 */
import type { Invariant, Violation } from "../engine/invariant.ts";
import { formatTime } from "../engine/trace.ts";
import { itemsOf } from "./wire.ts";

/**
 * WebSocket limit: a WebSocket client on a lossless link that sent a message of more than
 * `maxMessageBytes` (the zero byte not counted), before the server closed it for any other
 * reason, is closed with 1009; one that sent none is never closed with 1009.
 *
 * @example
 * ```ts
 * import { webSocketLimit } from "./ws_limit.ts";
 * const invariant = webSocketLimit(300);
 * ```
 */
export function webSocketLimit(maxMessageBytes: number): Invariant {
  const name = "WebSocket limit";
  return {
    name,
    check(sim) {
      const violations: Violation[] = [];
      for (const client of sim.clients) {
        if (client.protocol === "tcp" || client.index === undefined) continue;
        const large = itemsOf(client, maxMessageBytes).find((item) => item.tooLarge);
        const events = client.log.filter((entry) => entry.kind === "event");
        const closed = events.find((entry) => entry.note === "server closed the connection");
        const with1009 = events.find((entry) =>
          entry.note === "the server closed the WebSocket with 1009"
        );
        const add = (message: string, time?: number) =>
          violations.push({ invariant: name, client: client.name, time, message });
        if (!large) {
          if (with1009) {
            add("it was closed with 1009 but sent no message that large", with1009.time);
          }
          continue;
        }
        const before = closed === undefined || closed.time >= large.time;
        if (with1009 || !before || !client.link.lossless) continue;
        add(
          `its message of more than ${maxMessageBytes} bytes (sent at ${
            formatTime(large.time)
          }ms) was not closed with 1009`,
          large.time,
        );
      }
      return violations;
    },
  };
}
