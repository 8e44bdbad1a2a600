/**
 * The connection registry: index -> connection and its decoder.
 *
 * @module
 */
import type { Connection } from "./connection.ts";
import type { Decoder } from "../parser/parser.ts";
import type { Index } from "./types.ts";

/** One registered connection. */
export interface Registered {
  readonly index: Index;
  readonly connection: Connection;
  readonly decoder: Decoder;
}

/**
 * Gives each connection the next index (1, 2, 3, ...; never reused) and finds it again.
 *
 * @example
 * ```ts
 * import { JsonParser, Registry } from "../../mod.ts";
 * const registry = new Registry();
 * const connection = { write() {}, drain: async () => {}, close: async () => {} };
 * const entry = registry.add(connection, new JsonParser().createDecoder());
 * registry.get(entry.index) === entry; // true
 * ```
 */
export class Registry {
  readonly #byIndex = new Map<Index, Registered>();
  #lastIndex = 0;

  /** Registers a connection under the next index. */
  add(connection: Connection, decoder: Decoder): Registered {
    const entry = { index: ++this.#lastIndex, connection, decoder };
    this.#byIndex.set(entry.index, entry);
    return entry;
  }

  /** The live entry for an index, if any. */
  get(index: Index): Registered | undefined {
    return this.#byIndex.get(index);
  }

  /** Forgets an index; returns whether it was registered. */
  delete(index: Index): boolean {
    return this.#byIndex.delete(index);
  }

  /** Whether an index is registered. */
  has(index: Index): boolean {
    return this.#byIndex.has(index);
  }

  /** How many connections are registered. */
  get size(): number {
    return this.#byIndex.size;
  }

  /** The registered indexes, oldest first. */
  indexes(): Index[] {
    return [...this.#byIndex.keys()];
  }
}
