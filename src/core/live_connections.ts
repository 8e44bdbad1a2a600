/**
 * How the server core keeps its connections, and the read-only view of them it shows.
 *
 * @module
 */
import type { ConnectionPolicy } from "./connection_policy.ts";
import type { Decoder } from "../parser/parser.ts";
import type { Registry } from "./registry.ts";
import type { Index } from "./types.ts";

/** A connection as the server keeps it. */
export interface Live {
  /** The identity's index; a resumed connection takes over the one it resumes. */
  index: Index;
  readonly decoder: Decoder;
  /** The limits it lives under; `policy.outbound` is the guarded side to write to. */
  readonly policy: ConnectionPolicy;
  /** This connection's events, handled one after another. */
  inbound: Promise<void>;
  /** Set once: the disconnect in progress or done. */
  leaving?: Promise<void>;
}

/**
 * What tests, the simulator and benchmarks may read of the server's connections.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application, ManualClock, Server } from "../../mod.ts";
 * const application = new Application({ storage: null });
 * const server = new Server({ application, clock: new ManualClock() });
 * assert.equal(server.connections.count, 0);
 * assert.deepEqual(server.connections.indexes(), []);
 * ```
 */
export class ConnectionsView {
  readonly #registry: Registry<Live>;

  constructor(registry: Registry<Live>) {
    this.#registry = registry;
  }

  /** How many connections are live. */
  get count(): number {
    return this.#registry.size;
  }

  /** Whether `index` is live. */
  has(index: Index): boolean {
    return this.#registry.has(index);
  }

  /** The live indexes, oldest first. */
  indexes(): Index[] {
    return this.#registry.indexes();
  }

  /** Bytes written to `index` and not yet taken by its peer (0 when not live). */
  unsentBytes(index: Index): number {
    return this.#registry.get(index)?.policy.outbound.bufferedBytes ?? 0;
  }

  /** Bytes of an unfinished message held for `index` (0 when not live). */
  pendingInputBytes(index: Index): number {
    return this.#registry.get(index)?.decoder.bufferedBytes ?? 0;
  }

  /** The live indexes that sending currently goes on without (see `OutboundGuard`). */
  lagging(): Index[] {
    return this.indexes().filter((index) => this.#registry.get(index)!.policy.outbound.lagging);
  }
}
