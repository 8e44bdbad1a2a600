/**
 * A child process for the crash test: saves to a FileStore in a directory as fast as it can,
 * several saves at once, and prints `ack <key> <n>` once each save has resolved, until it is
 * killed. Usage: `save_flood.ts <directory> <seed>`.
 */
import process from "node:process";
import { FileStore } from "../../src/store/file_store.ts";

/** The state of save number `n`: its size follows from `n`, so a reader can check it whole. */
export function floodState(n: number): { n: number; pad: string } {
  return { n, pad: "s".repeat((n * 7919) % 20_000) };
}

if (import.meta.main ?? process.argv[1]?.endsWith("save_flood.ts")) {
  const [directory, seedText] = process.argv.slice(2);
  let seed = Number(seedText) >>> 0 || 1;
  const random = (below: number) => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed % below;
  };
  const store = await FileStore.open(directory);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const key = `k${random(12)}`;
      const n = next++;
      await store.set(key, floodState(n));
      process.stdout.write(`ack ${key} ${n}\n`);
    }
  };
  process.stdout.write("ready\n");
  await Promise.all(Array.from({ length: 8 }, worker));
}
