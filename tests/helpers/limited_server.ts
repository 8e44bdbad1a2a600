/** A rooms server on the real clock with some limits changed, for the TCP tests of limits. */
import { createLogger, type Limits, Server } from "../../mod.ts";
import { createRoomsApplication, type RoomsApplicationOptions } from "../../examples/rooms/mod.ts";
import { systemClock } from "../../src/adapter/system_clock.ts";
import { countHooks } from "./hook_counter.ts";

/**
 * A rooms server with `limits` (and the rooms game's `rooms` options: its store, its state
 * limits), its hook counts, its log lines and its rooms.
 */
export function limitedServer(limits: Partial<Limits>, rooms: RoomsApplicationOptions = {}) {
  const lines: string[] = [];
  const logger = createLogger({ level: "info", write: (line) => lines.push(line) });
  const application = createRoomsApplication(rooms);
  const hooks = countHooks(application);
  const server = new Server({ application, clock: systemClock, limits, logger });
  return { server, hooks, lines, rooms: application.storage.rooms };
}
