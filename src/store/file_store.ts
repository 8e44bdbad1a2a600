/**
 * A state store on disk: one JSON file per key in one directory. It uses only
 * `node:fs/promises` and `node:path`, so it runs unchanged on Node and on Deno. It touches
 * the file system, so it is its own entry point and not part of the pure core.
 *
 * @module
 */
import { mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { JsonValue } from "../core/types.ts";
import { StateKeyError, type StateStore, StateStoreError } from "./state_store.ts";

/**
 * The longest key a {@linkcode FileStore} holds, in UTF-8 bytes: its file name (`k_`, two
 * hex digits per byte, `.json`) then fits the 255-byte limit of common file systems.
 */
export const MAX_FILE_KEY_BYTES = 124;

const STATE_PREFIX = "k_";
const STATE_SUFFIX = ".json";
/** Temp files never start with the state prefix, so a leftover one is never read as state. */
const TEMP_PREFIX = ".tmp-";
const textEncoder = new TextEncoder();
// In a `u` regex a paired surrogate is one code point, so this matches only lone halves,
// which UTF-8 cannot carry (TextEncoder would turn them into U+FFFD and make keys collide).
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * The file name that holds `key`: `k_`, the lowercase hex of the key's UTF-8 bytes, `.json`.
 * Hex never makes a separator, a dot segment or a reserved name, and stays distinct on
 * case-insensitive file systems, so no two keys share a file and none reaches outside the
 * directory. Throws a {@linkcode StateKeyError} for a key longer than
 * {@linkcode MAX_FILE_KEY_BYTES} or one that is not well-formed Unicode.
 *
 * @example
 * ```ts
 * import { fileNameForKey } from "./file_store.ts";
 * fileNameForKey("a/.."); // "k_612f2e2e.json"
 * fileNameForKey(""); // "k_.json"
 * ```
 */
export function fileNameForKey(key: string): string {
  if (LONE_SURROGATE.test(key)) throw new StateKeyError("key is not well-formed Unicode");
  const bytes = textEncoder.encode(key);
  if (bytes.length > MAX_FILE_KEY_BYTES) {
    throw new StateKeyError(`key is too long (at most ${MAX_FILE_KEY_BYTES} UTF-8 bytes)`);
  }
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return STATE_PREFIX + hex + STATE_SUFFIX;
}

/** Options of {@linkcode FileStore}. */
export interface FileStoreOptions {
  /**
   * Flush each temp file to the disk before renaming it over the state, so that even a power
   * cut leaves the old state or the new one. Default true; false is faster and still safe
   * against a crash of the process.
   */
  sync?: boolean;
}

/**
 * A {@linkcode StateStore} that keeps each key in its own JSON file (see
 * {@linkcode fileNameForKey}). A write goes to a temp file in the same directory that is then
 * renamed over the state file, so a crash leaves the old state or the new one, never half a
 * file. Writes to one key run one after another, in call order; a read waits for the writes
 * to its key that were called before it. States read or written are cached in memory.
 *
 * @example
 * ```ts
 * import { FileStore } from "./file_store.ts";
 * const store = await FileStore.open("./data");
 * await store.set("dresser", [1, 2, 3]);
 * await store.get("dresser"); // [1, 2, 3], now and after a restart
 * ```
 */
export class FileStore implements StateStore {
  /** The directory, as an absolute path. */
  readonly directory: string;
  readonly #sync: boolean;
  readonly #cache = new Map<string, JsonValue>();
  /** The last write queued for each key with a write in progress. */
  readonly #writes = new Map<string, Promise<void>>();
  #ready: Promise<unknown> | undefined;

  /** A store in `directory`, which is created (with its parents) on the first write. */
  constructor(directory: string, options: FileStoreOptions = {}) {
    this.directory = resolve(directory);
    this.#sync = options.sync ?? true;
  }

  /** A store in `directory`, created now if missing, so a bad path fails at start-up. */
  static async open(directory: string, options?: FileStoreOptions): Promise<FileStore> {
    const store = new FileStore(directory, options);
    await store.#ensureDirectory();
    return store;
  }

  /**
   * The state under `key`, or undefined. Rejects with a {@linkcode StateStoreError} when its
   * file is not valid JSON or cannot be read, and a {@linkcode StateKeyError} for a key this
   * store cannot hold.
   */
  async get(key: string): Promise<JsonValue | undefined> {
    const path = join(this.directory, fileNameForKey(key));
    await this.#writes.get(key)?.catch(() => {});
    if (this.#cache.has(key)) return this.#cache.get(key);
    const value = await this.#read(key, path);
    // A write that began while reading has newer news: leave the cache to it.
    if (value !== undefined && !this.#writes.has(key)) this.#cache.set(key, value);
    return value;
  }

  /** Stores `value` under `key`; resolves once its file is in place. */
  set(key: string, value: JsonValue): Promise<void> {
    let name: string;
    let text: string;
    try {
      name = fileNameForKey(key);
      text = JSON.stringify(value);
    } catch (error) {
      return Promise.reject(error);
    }
    const previous = this.#writes.get(key) ?? Promise.resolve();
    const write = previous.catch(() => {}).then(async () => {
      await this.#write(name, text);
      this.#cache.set(key, value);
    });
    this.#writes.set(key, write);
    const forget = () => {
      if (this.#writes.get(key) === write) this.#writes.delete(key);
    };
    write.then(forget, forget);
    return write;
  }

  #ensureDirectory(): Promise<unknown> {
    this.#ready ??= mkdir(this.directory, { recursive: true }).catch((error) => {
      this.#ready = undefined; // let a later write try again
      throw error;
    });
    return this.#ready;
  }

  async #read(key: string, path: string): Promise<JsonValue | undefined> {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if ((error as { code?: unknown }).code === "ENOENT") return undefined;
      throw new StateStoreError(`cannot read the state of key ${JSON.stringify(key)}`, {
        cause: error,
      });
    }
    try {
      return JSON.parse(text) as JsonValue;
    } catch (error) {
      throw new StateStoreError(
        `corrupt state file for key ${JSON.stringify(key)}: ${path} is not valid JSON`,
        { cause: error },
      );
    }
  }

  async #write(name: string, text: string): Promise<void> {
    await this.#ensureDirectory();
    const temp = join(this.directory, TEMP_PREFIX + globalThis.crypto.randomUUID());
    try {
      const handle = await open(temp, "wx");
      try {
        await handle.writeFile(text, "utf8");
        if (this.#sync) await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, join(this.directory, name));
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw error;
    }
  }
}
