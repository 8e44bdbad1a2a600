/**
 * A state store on disk: one JSON file per key in one directory. It uses only `node:fs` and
 * `node:path`, so it runs unchanged on Node and on Deno. It touches the file system, so it
 * is its own entry point and not part of the pure core.
 *
 * @module
 */
import { mkdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { JsonValue } from "../core/types.ts";
import { startDirectory } from "./file_store_start.ts";
import { GroupSync, syncDirectory } from "./group_sync.ts";
import { LruCache } from "./lru_cache.ts";
import { fileNameForKey } from "./file_names.ts";
import { readStateFile, STATE_FILE_OVERHEAD, stateFileText, writeStateFile } from "./state_file.ts";
import type { StateStore, StoreWrite } from "./state_store.ts";
import {
  checkKey,
  DEFAULT_STORE_LIMITS,
  type StoreLimits,
  storeLimitsWith,
  utf8Length,
} from "./store_limits.ts";
import { StoreUsage } from "./store_usage.ts";
import { StateSizes } from "./state_sizes.ts";

/** The FileStore's defaults: states as in memory, 100,000 files and 1 GiB on disk. */
export const DEFAULT_FILE_STORE_LIMITS: Readonly<StoreLimits> = Object.freeze({
  ...DEFAULT_STORE_LIMITS,
  maxKeys: 100_000,
  maxTotalBytes: 1024 * 1024 * 1024,
});

export { fileNameForKey };

/** Options of {@linkcode FileStore}: its limits (see {@linkcode DEFAULT_FILE_STORE_LIMITS}). */
export interface FileStoreOptions extends Partial<StoreLimits> {
  /**
   * Flush each state file, and the directory after renaming it into place, before a write
   * resolves, so that even a power cut keeps every acknowledged state. Default true; false
   * is faster and still safe against a crash of the process.
   */
  sync?: boolean;
  /** States kept in memory, the least recently used forgotten first. Default 1,000. */
  maxCachedStates?: number;
  /** Bytes of JSON of the states kept in memory. Default 16 MiB. */
  maxCachedBytes?: number;
}

/** A write of one key not started yet: the latest state set, for every caller waiting. */
interface Queued {
  /**
   * The file's text, if the state was serialized to measure it; else it is written when the
   * write starts, so a state replaced meanwhile is never serialized.
   */
  text: string | undefined;
  value: JsonValue;
  /** The state's bytes of JSON, for the cache. */
  bytes: number;
  readonly done: Promise<void>;
  readonly settle: (error?: unknown) => void;
}

function queued(text: string | undefined, value: JsonValue, bytes: number): Queued {
  let settle!: (error?: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => error === undefined ? resolve() : reject(error);
  });
  return { text, value, bytes, done, settle };
}

/**
 * A {@linkcode StateStore} that keeps each key in its own file (see {@linkcode fileNameForKey}),
 * as `{"key":...,"state":...}`. A write goes to a temp file in the same directory, which is
 * flushed, renamed over the state file, and the directory flushed: a crash leaves the old
 * state or the new one, never half a file, and a write resolves only once it is on the disk.
 * The file system is used only through asynchronous calls, so the process goes on serving
 * while a write waits for the disk.
 *
 * A state set is read back at once, before its write is done. Writes to one key happen in
 * call order; while one is on its way, later sets of the key are merged into the next write,
 * and their promises resolve when it is done. A set is measured against the limits at once
 * (a list copied from the stored one by the elements that differ, see {@linkcode StateSizes})
 * and serialized when its write starts, so a state merged away is never serialized. States
 * read or written are kept in a bounded cache. At start (the first call) the store removes
 * temp files left by a crash and moves files of the earlier `k_<hex>.json` naming to the new
 * one. One store per directory at once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mkdtemp, rm } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { FileStore } from "./file_store.ts";
 * const directory = await mkdtemp(join(tmpdir(), "file-store-"));
 * const store = await FileStore.open(directory);
 * await store.set("dresser", [1, 2, 3]);
 * assert.deepEqual(await new FileStore(directory).get("dresser"), [1, 2, 3]);
 * await rm(directory, { recursive: true });
 * ```
 */
export class FileStore implements StateStore {
  /** The directory, as an absolute path. */
  readonly directory: string;
  /** The limits this store applies. */
  readonly limits: Readonly<StoreLimits>;
  readonly #sync: boolean;
  readonly #cache: LruCache<string, JsonValue>;
  /** The latest state set for each key whose writes are not all done. */
  readonly #unwritten = new Map<string, JsonValue>();
  /** For each key being written, the next write, if one is waiting. */
  readonly #writing = new Map<string, { next?: Queued }>();
  readonly #usage: StoreUsage<string>;
  readonly #sizes = new StateSizes();
  readonly #directorySync: GroupSync;
  /** Counts sets, so a read that overlapped one does not cache what it read. */
  #sets = 0;
  #ready: Promise<void> | undefined;

  /** A store in `directory`, which is created (with its parents) on the first call. */
  constructor(directory: string, options: FileStoreOptions = {}) {
    this.directory = resolve(directory);
    this.limits = Object.freeze(storeLimitsWith(options, DEFAULT_FILE_STORE_LIMITS));
    this.#sync = options.sync ?? true;
    this.#cache = new LruCache(options.maxCachedStates ?? 1000, options.maxCachedBytes ?? 16 << 20);
    this.#usage = new StoreUsage(this.limits);
    this.#directorySync = new GroupSync(() => syncDirectory(this.directory));
  }

  /** A store in `directory`, started now, so a bad path fails at start-up. */
  static async open(directory: string, options?: FileStoreOptions): Promise<FileStore> {
    const store = new FileStore(directory, options);
    await store.#start();
    return store;
  }

  /** State files, as counted against `maxKeys`. */
  get storedKeys(): number {
    return this.#usage.keys;
  }

  /** Bytes of the state files, as counted against `maxTotalBytes`. */
  get storedBytes(): number {
    return this.#usage.bytes;
  }

  /** States held in memory by the cache (not counting those still being written). */
  get cachedStates(): number {
    return this.#cache.size;
  }

  /**
   * The state under `key`, or undefined. Rejects with a {@linkcode StateStoreError} when its
   * file cannot be read or is not a state of this key, and a {@linkcode StateKeyError} for a
   * key no store holds.
   */
  async get(key: string): Promise<JsonValue | undefined> {
    checkKey(key, this.limits.maxKeyBytes);
    await this.#start();
    if (this.#unwritten.has(key)) return this.#unwritten.get(key);
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    const sets = this.#sets;
    const found = await readStateFile(this.directory, key);
    // A set since the read began has newer news, and may be written already.
    if (found && sets === this.#sets) this.#cache.set(key, found.value, found.bytes);
    return found?.value;
  }

  /**
   * Stores `value` under `key`; resolves once it (or a state set after it) is on the disk.
   * Rejects, storing nothing, with a {@linkcode StateKeyError} for a key no store holds or a
   * StateQuotaError for a state too large or a store full.
   */
  async set(key: string, value: JsonValue): Promise<void> {
    return (await this.write(key, value)).durable;
  }

  /**
   * Takes `value` for `key` (`get` returns it from now on) and resolves with `durable`, which
   * resolves once it (or a state set after it) is on the disk. Refuses as `set` does.
   */
  async write(key: string, value: JsonValue): Promise<StoreWrite> {
    checkKey(key, this.limits.maxKeyBytes);
    // Only a list is measured from the one before it.
    const before = !Array.isArray(value)
      ? undefined
      : this.#unwritten.has(key)
      ? this.#unwritten.get(key)
      : this.#cache.get(key);
    const state = this.#sizes.measure(value, this.limits.maxStateBytes, before);
    const keyText = JSON.stringify(key);
    const text = state.text === undefined ? undefined : stateFileText(keyText, state.text);
    const name = fileNameForKey(key);
    await this.#start();
    this.#usage.reserve(name, utf8Length(keyText) + state.bytes + STATE_FILE_OVERHEAD);
    this.#sets++;
    this.#unwritten.set(key, value);
    this.#cache.delete(key);
    const slot = this.#writing.get(key);
    if (!slot) return { durable: this.#writeAll(key, name, queued(text, value, state.bytes)) };
    // A write waiting for the key's turn takes the newest state instead of queueing another.
    if (slot.next) Object.assign(slot.next, { text, value, bytes: state.bytes });
    else slot.next = queued(text, value, state.bytes);
    return { durable: slot.next.done };
  }

  /** Writes `first`, then each write queued for the key meanwhile, then lets the key go. */
  #writeAll(key: string, name: string, first: Queued): Promise<void> {
    const slot: { next?: Queued } = {};
    this.#writing.set(key, slot);
    (async () => {
      for (let job: Queued | undefined = first; job; job = slot.next, slot.next = undefined) {
        try {
          const text = job.text ??
            stateFileText(JSON.stringify(key), JSON.stringify(job.value) ?? "null");
          await this.#writeFile(name, text);
          job.settle();
        } catch (error) {
          // The disk holds an older state, if any: count that, and read it from now on,
          // unless a newer write is on its way.
          if (!slot.next) {
            this.#unwritten.delete(key);
            await this.#recount(name);
          }
          job.settle(error);
          continue;
        }
        if (!slot.next) {
          this.#unwritten.delete(key);
          this.#cache.set(key, job.value, job.bytes);
        }
      }
      this.#writing.delete(key);
    })();
    return first.done;
  }

  /** Mkdir, then clear and count the directory, once (again after a failure). */
  #start(): Promise<void> {
    this.#ready ??= (async () => {
      await mkdir(this.directory, { recursive: true });
      await startDirectory({
        directory: this.directory,
        usage: this.#usage,
        fileNameOf: fileNameForKey,
        writeFile: (name, text) => this.#writeFile(name, text),
      });
    })().catch((error) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  /** Replaces the state file `name` with `text`, then flushes the directory if syncing. */
  async #writeFile(name: string, text: string): Promise<void> {
    await writeStateFile(this.directory, name, text, this.#sync);
    if (this.#sync) await this.#directorySync.request();
  }

  /** Counts what the disk holds under `name` after a failed write. */
  async #recount(name: string): Promise<void> {
    try {
      this.#usage.record(name, (await stat(join(this.directory, name))).size);
    } catch {
      this.#usage.forget(name);
    }
  }
}
