/**
 * Flushing a directory to the disk, shared by the writes that wait for it.
 *
 * @module
 */
import { open } from "node:fs/promises";

/** Codes of systems where a directory cannot be opened or synced (Windows): nothing to do. */
const UNSYNCABLE = new Set(["EISDIR", "EPERM", "EACCES", "EINVAL", "ENOTSUP"]);

/**
 * Flushes `directory` itself (its entries: a rename into it), where the system allows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tmpdir } from "node:os";
 * import { syncDirectory } from "./group_sync.ts";
 * await syncDirectory(tmpdir());
 * await assert.rejects(syncDirectory("/no/such/directory/here"));
 * ```
 */
export async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, "r");
    await handle.sync();
  } catch (error) {
    if (!UNSYNCABLE.has(String((error as { code?: unknown }).code))) throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Runs `task` for many callers at once: a call joins the next run not yet started, so what
 * the caller did before calling is covered, and runs never overlap. Many writes that finish
 * together then share one directory flush instead of queueing one each.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { GroupSync } from "./group_sync.ts";
 * let runs = 0;
 * const sync = new GroupSync(async () => {
 *   runs++;
 * });
 * await Promise.all([sync.request(), sync.request(), sync.request()]);
 * assert.equal(runs, 2); // the first run, then one for both calls made while it ran
 * ```
 */
export class GroupSync {
  #running: Promise<void> | undefined;
  #next: Promise<void> | undefined;

  constructor(readonly task: () => Promise<void>) {}

  /** Resolves once a run that started after this call has finished. */
  request(): Promise<void> {
    if (this.#next) return this.#next;
    if (!this.#running) return this.#start();
    this.#next = this.#running.catch(() => {}).then(() => {
      this.#next = undefined;
      return this.#start();
    });
    return this.#next;
  }

  #start(): Promise<void> {
    const run = this.task().finally(() => {
      if (this.#running === run) this.#running = undefined;
    });
    this.#running = run;
    return run;
  }
}
