/**
 * The default state store: a Map in memory, gone when the process ends.
 *
 * @module
 */
import type { JsonValue } from "../core/types.ts";
import type { StateStore } from "./state_store.ts";

/**
 * A {@linkcode StateStore} in a Map. Any string is a key (`"__proto__"` and `""` included).
 * Values are kept as given, not copied: callers treat them as immutable.
 *
 * @example
 * ```ts
 * import { MemoryStore } from "../../mod.ts";
 * const store = new MemoryStore();
 * await store.set("__proto__", { x: 1 });
 * await store.get("__proto__"); // { x: 1 }
 * store.size; // 1
 * ```
 */
export class MemoryStore implements StateStore {
  readonly #values = new Map<string, JsonValue>();

  /** Creates a store, optionally filled with initial states. */
  constructor(initial: Iterable<readonly [string, JsonValue]> = []) {
    for (const [key, value] of initial) this.#values.set(key, value);
  }

  get(key: string): Promise<JsonValue | undefined> {
    return Promise.resolve(this.#values.get(key));
  }

  set(key: string, value: JsonValue): Promise<void> {
    this.#values.set(key, value);
    return Promise.resolve();
  }

  /** How many keys hold a state. */
  get size(): number {
    return this.#values.size;
  }

  /** The keys that hold a state, in the order they were first set. */
  keys(): string[] {
    return [...this.#values.keys()];
  }
}
