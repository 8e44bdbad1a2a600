/**
 * A disk whose flushes wait for the test: every `FileHandle.sync()` of `node:fs/promises` (on
 * Node and in Deno's `node:fs`) is held until the gate opens. What a FileStore does while its
 * saves are not yet durable can then be looked at without any timing.
 */
import { open } from "node:fs/promises";
import { join } from "node:path";

/** A closed gate on every file flush of this process; `open()` lets them through. */
export interface FsyncGate {
  /** Flushes started and not yet let through. */
  readonly waiting: number;
  /** Lets every held and later flush through. */
  open(): void;
  /** Puts the real `sync` back (opening the gate first). */
  restore(): void;
}

/**
 * Holds every file flush until `open()`; needs a directory to find the file handle's class.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { open } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { closeFsyncGate } from "./fsync_gate.ts";
 * const gate = await closeFsyncGate(tmpdir());
 * const handle = await open(join(tmpdir(), "fsync-gate-example"), "w");
 * let flushed = false;
 * const sync = handle.sync().then(() => (flushed = true));
 * await new Promise((resolve) => setTimeout(resolve, 10));
 * assert.equal(flushed, false);
 * gate.restore();
 * await sync;
 * await handle.close();
 * ```
 */
export async function closeFsyncGate(directory: string): Promise<FsyncGate> {
  const probe = await open(join(directory, ".fsync-gate-probe"), "w");
  const prototype = Object.getPrototypeOf(probe) as { sync(): Promise<void> };
  await probe.close();
  const real = prototype.sync;
  let release!: () => void;
  const opened = new Promise<void>((resolve) => (release = resolve));
  let waiting = 0;
  prototype.sync = async function (this: unknown) {
    waiting++;
    await opened;
    waiting--;
    return real.call(this);
  };
  return {
    get waiting() {
      return waiting;
    },
    open: release,
    restore() {
      release();
      prototype.sync = real;
    },
  };
}
