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
 * const connection = { bufferedBytes: 0, write() {}, drain: async () => {}, close: async () => {} };
 * const decoder = new JsonParser().createDecoder();
 * const entry = registry.add((index) => ({ index, connection, decoder }));
 * registry.get(entry.index) === entry; // true
 * ```
 */
export class Registry<E extends Registered = Registered> {
  readonly #byIndex = new Map<Index, E>();
  #lastIndex = 0;

  /** Registers the entry that `create` makes for the next index. */
  add(create: (index: Index) => E): E {
    const entry = create(++this.#lastIndex);
    if (entry.index !== this.#lastIndex) throw new Error("entry must keep the index it was given");
    this.#byIndex.set(entry.index, entry);
    return entry;
  }

  /** The live entry for an index, if any. */
  get(index: Index): E | undefined {
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
