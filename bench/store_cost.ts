/**
 * The CPU a stored state costs per command: the rooms game's `update` (an element of a stored
 * list set) and `save` (a whole state replaced), on small and large states, in one process,
 * without sockets. Each case runs on this checkout and, with `--base DIR`, on another
 * checkout (the code before a change), interleaved round by round, and the table gives
 * the medians and the median of the per-round ratios.
 *
 * Cases: `update` of a list of N timestamps (the fan-out benchmark's state with N clients),
 * `save` of an object of about the given size, each on the MemoryStore; and the same on the
 * FileStore (`sync: false`, the disk in a temp directory), whose writes to one key merge
 * while one is on its way, as they do under the server: commands come in turns of 32 and the
 * writes they started are awaited after each turn.
 *
 * Run: `node --import tsx bench/store_cost.ts [--base DIR] [--rounds 5] [--commands 4000]
 * [--stores memory,file]`
 *
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { ROOT } from "./processes.ts";
import { formatNumber, markdownTable, median } from "./stats.ts";
import { option } from "./targets.ts";

const TURN = 32;

interface Case {
  readonly name: string;
  readonly code: "update" | "save";
  /** List length (update) or approximate JSON bytes (save). */
  readonly size: number;
  /** Commands run, as a multiple of `--commands`: small states take longer to add up. */
  readonly scale: number;
}

const CASES: Case[] = [
  { name: "update, list of 10", code: "update", size: 10, scale: 10 },
  { name: "update, list of 1,000 (9 KB)", code: "update", size: 1000, scale: 2 },
  { name: "update, list of 5,000 (45 KB)", code: "update", size: 5000, scale: 2 },
  { name: "save, 100 B object", code: "save", size: 100, scale: 10 },
  { name: "save, 40 KB object", code: "save", size: 40_000, scale: 1 },
];

/** A dress-up state of about `bytes` of JSON: slots with names, colours and positions. */
function dressUp(bytes: number, seed: number): Record<string, unknown> {
  const state: Record<string, unknown> = {};
  for (let i = 0, size = 2; size < bytes; i++) {
    const slot = { item: `shirt-${(i * 7 + seed) % 50}`, color: "#a0b0c0", x: i, y: seed };
    state[`slot${i}`] = slot;
    size += JSON.stringify(slot).length + `"slot${i}":,`.length;
  }
  return state;
}

/** The commands of one run, made before the clock starts, as a parser would hand them. */
function commandsOf(c: Case, count: number): Record<string, unknown>[] {
  const key = "bench";
  if (c.code === "update") {
    return Array.from({ length: count }, (_, n) => ({
      code: "update",
      key,
      index: n % c.size,
      value: Math.round((1_700_000_000 + n * 1.37) * 1000) / 1000,
    }));
  }
  const distinct = Array.from({ length: 64 }, (_, seed) => JSON.stringify(dressUp(c.size, seed)));
  return Array.from({ length: count }, (_, n) => ({
    code: "save",
    key,
    state: JSON.parse(distinct[n % distinct.length]),
  }));
}

/** CPU µs (user and system, the whole process) per command, for one case on one checkout. */
async function measure(root: string, c: Case, store: string, count: number): Promise<number> {
  const { MemoryStore } = await import(`${root}/mod.ts`);
  const { FileStore } = await import(`${root}/src/store/file_store.ts`);
  const { createRoomsApplication } = await import(`${root}/examples/rooms/mod.ts`);
  const directory = await mkdtemp(join(tmpdir(), "store-cost-"));
  try {
    const application = createRoomsApplication({
      store: store === "file" ? new FileStore(directory, { sync: false }) : new MemoryStore(),
      maxListLength: 10_000,
    });
    await application.onConnect(1);
    await application.handleCommands(1, [{ code: "goto", key: "bench" }]);
    const run = async (commands: Record<string, unknown>[]) => {
      for (let at = 0; at < commands.length; at += TURN) {
        const held: Promise<unknown>[] = [];
        // As the server does: the answer waits for the disk, the next turn does not.
        const hold = (answer: { until: Promise<unknown> }) => void held.push(answer.until);
        for (const command of commands.slice(at, at + TURN)) {
          await application.handleCommands(1, [command], hold);
        }
        await Promise.all(held);
      }
    };
    // The list at its full length first: the measured updates replace its elements.
    if (c.code === "update") {
      const list = Array.from({ length: c.size }, (_, n) => 1_700_000_000 + n / 1000);
      await application.handleCommands(1, [{ code: "save", key: "bench", state: list }]);
    }
    await run(commandsOf(c, Math.max(200, count / 5)));
    const commands = commandsOf(c, count);
    const start = process.cpuUsage();
    await run(commands);
    const used = process.cpuUsage(start);
    return (used.user + used.system) / count;
  } finally {
    await rm(directory, { recursive: true, force: true, maxRetries: 5 });
  }
}

async function main(): Promise<void> {
  const roots = [ROOT, option("base", "")].filter((root) => root !== "").map((root) =>
    root.replace(/\/$/, "")
  );
  const rounds = Number(option("rounds", "5"));
  const count = Number(option("commands", "4000"));
  const stores = option("stores", "memory,file").split(",");
  const results = new Map<string, number[]>();
  // Every case once on every checkout first, unrecorded: the first rounds would pay the JIT.
  for (const root of roots) {
    for (const store of stores) for (const c of CASES) await measure(root, c, store, 500);
  }
  for (let round = 0; round < rounds; round++) {
    for (const store of stores) {
      for (const c of CASES) {
        // Alternate which checkout goes first, so neither always runs on a warmer process.
        const order = round % 2 === 0 ? roots : [...roots].reverse();
        for (const root of order) {
          const id = `${store}|${c.name}|${root}`;
          if (!results.has(id)) results.set(id, []);
          results.get(id)!.push(await measure(root, c, store, count * c.scale));
        }
      }
    }
  }
  console.log(
    `# CPU per command, in process, rooms game (${rounds} rounds, ${count} commands per scale)\n`,
  );
  console.log(`this: ${roots[0]}${roots[1] ? `; base: ${roots[1]}` : ""}\n`);
  const rows = stores.flatMap((store) =>
    CASES.map((c) => {
      const mine = results.get(`${store}|${c.name}|${roots[0]}`)!;
      const row = [store, c.name, formatNumber(median(mine), 2)];
      if (roots.length === 1) return row;
      const base = results.get(`${store}|${c.name}|${roots[1]}`)!;
      const ratios = mine.map((value, round) => value / base[round]);
      return [...row, formatNumber(median(base), 2), formatNumber(median(ratios), 2)];
    })
  );
  const head = ["store", "case", "µs/command (this)"];
  if (roots.length > 1) head.push("µs/command (base)", "ratio this/base (median of rounds)");
  console.log(markdownTable(head, rows));
}

await main();
process.exit(0);
