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
 * import assert from "node:assert/strict";
 * import { MemoryStore, type StateStore } from "../../mod.ts";
 * const store: StateStore = new MemoryStore();
 * await store.set("dresser", [1, 2, 3]);
 * assert.deepEqual(await store.get("dresser"), [1, 2, 3]);
 * assert.equal(await store.get("nothing"), undefined);
 * ```
 */
export interface StateStore {
  /** The state stored under `key`, or undefined if none. */
  get(key: string): Promise<JsonValue | undefined>;
  /**
   * Stores `value` under `key`. Rejects with a {@linkcode StateKeyError} for a key this store
   * cannot hold, or a {@linkcode StateQuotaError} (a StateKeyError too) for a state too large
   * or a store full; then nothing is written.
   */
  set(key: string, value: JsonValue): Promise<void>;
  /**
   * Like `set`, for a store whose writes take time (the disk): resolves as soon as the state
   * is taken (refused as by `set`; `get` returns it from now on), with `durable`, which
   * resolves once it is kept for good. A caller can answer others meanwhile.
   */
  write?(key: string, value: JsonValue): Promise<StoreWrite>;
  /**
   * The limits the store enforces on `set`, if it says: a caller that would check the same
   * state size need not serialize the state a second time.
   */
  readonly limits?: { readonly maxStateBytes: number };
}

/** A write taken by a store (see `StateStore.write`). */
export interface StoreWrite {
  /** Resolves once the state is kept for good (on the disk); rejects if it cannot be. */
  readonly durable: Promise<void>;
}

/**
 * A key this store cannot hold (too long, not well-formed Unicode), or a write it refuses
 * (see {@linkcode StateQuotaError}). The client chose the key and the state, so its message
 * is meant for the client.
 */
export class StateKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StateKeyError";
  }
}

/**
 * A write over a quota of the store: a state too large, too many keys, too many bytes. A
 * StateKeyError, so code that answers those to the client answers these too.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryStore, StateKeyError, StateQuotaError } from "../../mod.ts";
 * const store = new MemoryStore([], { maxKeys: 1 });
 * await store.set("a", 1);
 * await assert.rejects(store.set("b", 1), (error) => {
 *   assert.ok(error instanceof StateQuotaError && error instanceof StateKeyError);
 *   assert.equal(error.message, "the store is full (at most 1 keys)");
 *   return true;
 * });
 * ```
 */
export class StateQuotaError extends StateKeyError {
  constructor(message: string) {
    super(message);
    this.name = "StateQuotaError";
  }
}

/** Stored state that cannot be read back (a corrupt file): the store's fault, not the key's. */
export class StateStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StateStoreError";
  }
}
