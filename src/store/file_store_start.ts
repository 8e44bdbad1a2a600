/**
 * What a FileStore does to its directory before its first read or write: clear what a crash
 * left, move files of the old naming to the new one, and count what is stored.
 *
 * @module
 */
import { readdir, readFile, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { STATE_NAME, TEMP_PREFIX } from "./file_names.ts";
import type { StoreUsage } from "./store_usage.ts";

/** State files of earlier versions: `k_`, the hex of the key's UTF-8, `.json`, the bare state. */
const LEGACY_NAME = /^k_((?:[0-9a-f]{2})*)\.json$/;

/** How many files are looked at together: enough to keep the disk busy, not the whole pool. */
const BATCH = 32;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** What starting needs of the store. */
export interface StartTarget {
  readonly directory: string;
  /** Counts each state file found, by name. */
  readonly usage: StoreUsage<string>;
  /** The name of a key's file (`h_...json`). */
  fileNameOf(key: string): string;
  /** Writes a state file durably, as the store does. */
  writeFile(name: string, text: string): Promise<void>;
}

/**
 * Removes every temp file (a write cut by a crash: its state was never acknowledged),
 * rewrites each file of the old naming under the new one (its text does not parse: left
 * alone, as it was unreadable before), and records the size of each state file.
 */
export async function startDirectory(target: StartTarget): Promise<void> {
  const names = await readdir(target.directory);
  const current = new Set(names.filter((name) => STATE_NAME.test(name)));
  const jobs = names.map((name) => () => {
    if (name.startsWith(TEMP_PREFIX)) return removeIfThere(join(target.directory, name));
    if (current.has(name)) return count(target, name);
    const legacy = LEGACY_NAME.exec(name);
    return legacy ? migrate(target, name, legacy[1], current) : Promise.resolve();
  });
  for (let from = 0; from < jobs.length; from += BATCH) {
    await Promise.all(jobs.slice(from, from + BATCH).map((job) => job()));
  }
}

async function count(target: StartTarget, name: string): Promise<void> {
  try {
    target.usage.record(name, (await stat(join(target.directory, name))).size);
  } catch (error) {
    if ((error as { code?: unknown }).code !== "ENOENT") throw error;
  }
}

async function migrate(
  target: StartTarget,
  name: string,
  hex: string,
  current: ReadonlySet<string>,
): Promise<void> {
  const path = join(target.directory, name);
  let key: string;
  let state: string;
  try {
    key = strictUtf8.decode(Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16)));
    state = await readFile(path, "utf8");
    JSON.parse(state);
  } catch {
    return; // not a key, or not a state: nothing a reader could have had from it
  }
  const newName = target.fileNameOf(key);
  // A newer file for the key means a crash came between writing it and removing this one.
  if (!current.has(newName)) {
    const text = `{"key":${JSON.stringify(key)},"state":${state}}`;
    await target.writeFile(newName, text);
    await count(target, newName);
  }
  await removeIfThere(path);
}

async function removeIfThere(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as { code?: unknown }).code !== "ENOENT") throw error;
  }
}
