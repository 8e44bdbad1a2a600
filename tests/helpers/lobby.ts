/**
 * A small lobby application for tests of the server core: everyone connected hears `say`,
 * `whisper` goes to one index, anything else is echoed; hooks are recorded.
 */
import { Application, type Controller, deliver } from "../../mod.ts";
import { Harness } from "./harness.ts";

/** The lobby's storage: who is connected, and every hook that ran. */
export interface Lobby {
  connected: Set<number>;
  hooks: string[];
}

/** say -> everyone, whisper -> `to`, anything else -> echo to the sender. */
export const lobby: Controller<Lobby> = {
  handleCommand(command, { index, storage }) {
    if (command.code === "say") return deliver([...storage.connected], { ...command, from: index });
    if (command.code === "whisper") return deliver([Number(command.to)], command);
    return deliver([index], command);
  },
  onConnect({ index, storage }) {
    storage.hooks.push(`connect ${index}`);
    storage.connected.add(index);
    return deliver([index], { welcome: index });
  },
  onDisconnect({ index, storage }) {
    storage.hooks.push(`disconnect ${index}`);
    storage.connected.delete(index);
    return deliver([...storage.connected], { left: index });
  },
};

/** A harness over a fresh lobby. */
export function lobbyHarness(options: ConstructorParameters<typeof Harness<Lobby>>[1] = {}) {
  const storage: Lobby = { connected: new Set(), hooks: [] };
  const harness = new Harness(new Application({ storage, defaultController: lobby }), options);
  return { harness, storage };
}
