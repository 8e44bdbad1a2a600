/**
 * A scratch directory under the OS temp folder for tests that touch the file system.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Runs `body` with a fresh empty directory, and removes the directory afterwards. */
export async function withTempDir<T>(body: (directory: string) => Promise<T>): Promise<T> {
  const directory = await mkdtemp(join(tmpdir(), "zerobyte-test-"));
  try {
    return await body(directory);
  } finally {
    // Retried: a test that failed may leave a write finishing in it.
    await rm(directory, { recursive: true, force: true, maxRetries: 5 });
  }
}
