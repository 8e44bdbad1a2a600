/**
 * The file store entry point (`zerobyte/file-store`): a state store that keeps each key in a
 * JSON file of one directory, on `node:fs`, so it runs on Node and on Deno. It touches the
 * file system, which is why it is not part of the pure core.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mkdtemp, rm } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { FileStore } from "./file_store.ts";
 * const directory = await mkdtemp(join(tmpdir(), "zerobyte-"));
 * await (await FileStore.open(directory)).set("dresser", [1, 2, 3]);
 * // A new store on the same directory, as after a restart, reads the state back.
 * assert.deepEqual(await new FileStore(directory).get("dresser"), [1, 2, 3]);
 * await rm(directory, { recursive: true });
 * ```
 *
 * @module
 */
export * from "./src/store/file_store.ts";
