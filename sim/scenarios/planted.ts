/**
 * Known bugs, planted in the connection layer, in the send path (a copy of it, or the core's own with its result
 * readdressed) and in the rooms controller, to show that the simulator catches what it is
 * for. Never use these outside tests and replays.
 *
 * @module
 */
import {
  type DeliverPath,
  deliverResult,
  type Index,
  type LayerConnection,
  type Logger,
  type Result,
  SocketConnection,
  type TransportOptions,
} from "../../mod.ts";
import { createRoomsController, type RoomsStorage } from "../../examples/rooms/mod.ts";
import type { Controller } from "../../mod.ts";
import type { SwarmAppOptions } from "./swarm_app.ts";

/**
 * The defect the design warns of: each recipient is written and then drained before the
 * next is written, so every recipient waits for the slow ones before it.
 */
export const sequentialDrainSend: DeliverPath = async (result, target) => {
  for (const [indexes, commands] of result) {
    if (indexes.length === 0 || commands.length === 0) continue;
    const bytes = target.serialize(commands);
    for (const index of indexes) {
      const connection = target.connectionOf(index);
      if (!connection) continue;
      try {
        connection.write(bytes);
        await connection.drain();
      } catch (error) {
        target.fail(index, error);
      }
    }
  }
};

/** The core's send path, forgetting the last recipient of every delivery that has several. */
export const dropRecipientSend: DeliverPath = (result, target) =>
  deliverResult(
    readdress(result, (indexes) => indexes.length > 1 ? indexes.slice(0, -1) : indexes),
    target,
  );

/** The core's send path, sending each reply meant for one index to a live neighbour instead. */
export const wrongIndexSend: DeliverPath = (result, target) =>
  deliverResult(
    readdress(result, (indexes) => {
      if (indexes.length !== 1) return indexes;
      const neighbour = [indexes[0] + 1, indexes[0] - 1].find((other) =>
        target.connectionOf(other)
      );
      return neighbour === undefined ? indexes : [neighbour];
    }),
    target,
  );

/** The rooms controller with an onDisconnect that forgets to take the index out of its room. */
export function forgetfulRoomsController(logger: Logger): Controller<RoomsStorage> {
  return { ...createRoomsController({ logger, maxListLength: 64 }), onDisconnect: () => [] };
}

/** How the connection layer builds each connection. */
type Connect = NonNullable<TransportOptions["connect"]>;

/** The name of a planted bug, as `SIM_PLANT` gives it. */
export type PlantedBug =
  | "sequential-drain"
  | "drop-recipient"
  | "wrong-index"
  | "forgetful-controller";

/** A planted bug: where it lives, and which invariants must catch it. */
export interface Plant extends SwarmAppOptions {
  /** A buggy copy of the send path, if the bug lives there. */
  readonly send?: DeliverPath;
  readonly description: string;
  /** The invariants that flag it in the targeted scenario, for every seed. */
  readonly caughtBy: readonly string[];
}

/** The planted bugs by name. */
export const PLANTED_BUGS: Readonly<Record<PlantedBug, Plant>> = {
  "sequential-drain": {
    send: sequentialDrainSend,
    description: "the send path drains recipients one after another",
    caughtBy: ["concurrent drain"],
  },
  "drop-recipient": {
    send: dropRecipientSend,
    description: "the send path drops the last recipient of each delivery",
    caughtBy: ["per-index delivery"],
  },
  "wrong-index": {
    send: wrongIndexSend,
    description: "the send path sends replies to a neighbouring index",
    caughtBy: ["per-index delivery", "hidden information"],
  },
  "forgetful-controller": {
    roomsController: forgetfulRoomsController,
    description: "the rooms controller forgets to leave the room on disconnect",
    caughtBy: ["hooks"],
  },
};

/** Whether `name` names a planted bug. */
export function isPlantedBug(name: string): name is PlantedBug {
  return Object.hasOwn(PLANTED_BUGS, name);
}

/** The result with each delivery's recipients replaced by `pick`'s choice. */
function readdress(result: Result, pick: (indexes: readonly Index[]) => readonly Index[]): Result {
  return result.map(([indexes, commands]) => [pick(indexes), commands] as const);
}

/**
 * The connection layer with its buffered-bytes count forgetting what is held for the end of
 * the iteration: the slow-consumer cap then lets a lagging socket's backlog pass it.
 */
export const uncountedHeldBytes: Connect = (socket, options) => {
  const real = new SocketConnection(socket, options);
  return delegate(real, () => socket.unsentBytes);
};

/** The connection layer flushing every write at once: no batching per iteration. */
export const writeThrough: Connect = (socket, options) => {
  const real = new SocketConnection(socket, options);
  const planted = delegate(real, () => real.bufferedBytes);
  planted.write = (bytes) => {
    real.write(bytes);
    real.drain().catch(() => {}); // a drain sends what is held: here, every write alone
  };
  return planted;
};

/** `real` with its buffered-bytes count replaced. */
function delegate(real: LayerConnection, bufferedBytes: () => number): LayerConnection {
  return {
    get bufferedBytes() {
      return bufferedBytes();
    },
    write: (bytes) => real.write(bytes),
    drain: () => real.drain(),
    close: () => real.close(),
    failed: (error) => real.failed(error),
    closed: () => real.closed(),
  };
}
