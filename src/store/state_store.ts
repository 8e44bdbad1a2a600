/**
 * Where games keep the states their clients share, by key. The store holds only what clients
 * stored: the framework's own data (rooms, connected indexes) lives elsewhere, so no key can
 * collide with it.
 *
 * @module
 */
import type { JsonValue } from "../core/types.ts";

/**
 * A key-value store of JSON states. Stored values are immutable by convention: whoever
 * changes a state builds a new value and sets it, so a value once handed out never changes
 * under its reader.
 *
 * @example
 * ```ts
 * import { MemoryStore, type StateStore } from "../../mod.ts";
 * const store: StateStore = new MemoryStore();
 * await store.set("dresser", [1, 2, 3]);
 * await store.get("dresser"); // [1, 2, 3]
 * await store.get("nothing"); // undefined
 * ```
 */
export interface StateStore {
  /** The state stored under `key`, or undefined if none. */
  get(key: string): Promise<JsonValue | undefined>;
  /**
   * Stores `value` under `key`. Rejects with a {@linkcode StateKeyError} for a key this store
   * cannot hold; then nothing is written.
   */
  set(key: string, value: JsonValue): Promise<void>;
}

/**
 * A key this store cannot hold (too long for a file name, not well-formed Unicode). The
 * client chose the key, so its message is meant for the client.
 */
export class StateKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StateKeyError";
  }
}

/** Stored state that cannot be read back (a corrupt file): the store's fault, not the key's. */
export class StateStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StateStoreError";
  }
}
