/**
 * One state file of a FileStore: its text, reading it back, and replacing it atomically.
 *
 * @module
 */
import { open, readFile, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { JsonValue } from "../core/types.ts";
import { fileNameForKey, TEMP_PREFIX } from "./file_names.ts";
import { StateStoreError } from "./state_store.ts";

const textDecoder = new TextDecoder();

/** Bytes of a state file besides its key's and state's JSON: `{"key":,"state":}`. */
export const STATE_FILE_OVERHEAD = 17;

/**
 * A state file's text, `{"key":...,"state":...}`, from the key's and the state's JSON.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { STATE_FILE_OVERHEAD, stateFileText } from "./state_file.ts";
 * const text = stateFileText('"a"', "[1]");
 * assert.deepEqual(JSON.parse(text), { key: "a", state: [1] });
 * assert.equal(text.length, STATE_FILE_OVERHEAD + 3 + 3);
 * ```
 */
export function stateFileText(keyText: string, stateText: string): string {
  return `{"key":${keyText},"state":${stateText}}`;
}

/**
 * The state kept for `key` in `directory` and the file's size in bytes, or undefined when
 * there is no file. Rejects with a {@linkcode StateStoreError} when the file cannot be read,
 * is not JSON, or holds another key (a file is never trusted to be the one its name says).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mkdtemp, rm } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { readStateFile, stateFileText, writeStateFile } from "./state_file.ts";
 * import { fileNameForKey } from "./file_names.ts";
 * const directory = await mkdtemp(join(tmpdir(), "state-file-"));
 * assert.equal(await readStateFile(directory, "a"), undefined);
 * await writeStateFile(directory, fileNameForKey("a"), stateFileText('"a"', "[1]"), false);
 * assert.deepEqual(await readStateFile(directory, "a"), { value: [1], bytes: 23 });
 * await rm(directory, { recursive: true });
 * ```
 */
export async function readStateFile(
  directory: string,
  key: string,
): Promise<{ value: JsonValue; bytes: number } | undefined> {
  const path = join(directory, fileNameForKey(key));
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return undefined;
    throw new StateStoreError(`cannot read the state of key ${JSON.stringify(key)}`, {
      cause: error,
    });
  }
  let file: { key?: unknown; state?: JsonValue };
  try {
    file = JSON.parse(textDecoder.decode(bytes));
  } catch (error) {
    throw new StateStoreError(
      `corrupt state file for key ${JSON.stringify(key)}: ${path} is not valid JSON`,
      { cause: error },
    );
  }
  if (file?.key !== key || !Object.hasOwn(file, "state")) {
    throw new StateStoreError(
      `corrupt state file for key ${JSON.stringify(key)}: ${path} holds no state of that key`,
    );
  }
  return { value: file.state as JsonValue, bytes: bytes.length };
}

/**
 * Replaces `directory/name` with `text`: written to a temp file of the same directory,
 * flushed when `sync` is set, then renamed over the old file, so a crash leaves the old text
 * or the new one, never half a file. The temp file is removed when a step fails. Flushing the
 * directory after the rename is the caller's (one flush can serve many writes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { writeStateFile } from "./state_file.ts";
 * const directory = await mkdtemp(join(tmpdir(), "state-file-"));
 * await writeStateFile(directory, "x.json", "old", true);
 * await writeStateFile(directory, "x.json", "new", true);
 * assert.equal(await readFile(join(directory, "x.json"), "utf8"), "new");
 * assert.deepEqual(await readdir(directory), ["x.json"]);
 * await rm(directory, { recursive: true });
 * ```
 */
export async function writeStateFile(
  directory: string,
  name: string,
  text: string,
  sync: boolean,
): Promise<void> {
  const temp = join(directory, TEMP_PREFIX + globalThis.crypto.randomUUID());
  try {
    const handle = await open(temp, "wx");
    try {
      await handle.writeFile(text, "utf8");
      if (sync) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, join(directory, name));
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}
