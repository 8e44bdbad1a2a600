/**
 * The memory benchmark: resident memory (RSS) of each server process with 1,000 and 10,000
 * idle connections, against the same server with none. The clients live in a process of
 * their own. Each server process and each client process holds one descriptor per
 * connection, so the open-file limit must exceed the largest count: the benchmark stops at
 * once when it does not (bench/run.sh raises it). A WebSocket target is also given as a
 * multiple of its TCP twin's figure (the same server on the same runtime, over TCP).
 *
 * Run: `node --import tsx bench/memory.ts [--counts 1000,10000]
 * [--targets raw,node,deno,ws-node,ws-deno,socketio]`
 *
 * @module
 */
import type { IdleClientsOptions } from "./idle_clients.ts";
import { describeMachine } from "./machine.ts";
import { openFileLimit, rssBytes } from "./proc_stats.ts";
import { nodeScript, startProcess, startServer } from "./processes.ts";
import { formatMiB, formatNumber, markdownTable } from "./stats.ts";
import { option, selectedTargets, type Target } from "./targets.ts";

/** What bench/idle_clients.ts prints once its connections have settled. */
interface IdleClientsReady {
  connected: number;
  open: number;
}

/** Time for a server to settle (finish accepting, collect garbage) before its RSS is read. */
const SETTLE_MS = 500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(target: Target, count: number) {
  const server = await startServer(target.server);
  try {
    await sleep(SETTLE_MS);
    const before = rssBytes(server.ready.pid);
    const options: IdleClientsOptions = { wire: target.wire, port: server.ready.port, count };
    const clients = await startProcess(
      nodeScript("bench/idle_clients.ts", JSON.stringify(options)),
      (value) =>
        (value as Partial<IdleClientsReady> | undefined)?.connected === undefined
          ? undefined
          : value as IdleClientsReady,
      120_000,
    );
    try {
      await sleep(SETTLE_MS);
      return { before, after: rssBytes(server.ready.pid), open: clients.ready.open };
    } finally {
      await clients.stop();
    }
  } finally {
    await server.stop();
  }
}

/** Descriptors a process needs besides its connections (stdio, the runtime's own). */
const SPARE_DESCRIPTORS = 100;

/** Throws, saying what to do, when the open-file limit cannot hold `count` connections. */
function checkOpenFileLimit(count: number): void {
  const soft = openFileLimit()?.soft;
  if (soft === undefined || soft === "unlimited") return;
  if (Number(soft) >= count + SPARE_DESCRIPTORS) return;
  throw new Error(
    `the open-file limit (${soft}) is below the ${count + SPARE_DESCRIPTORS} descriptors ` +
      `${formatNumber(count)} connections need: run \`ulimit -n ${count + SPARE_DESCRIPTORS}\` ` +
      `first (or \`bash bench/run.sh memory\`, which raises it to the hard limit)`,
  );
}

async function main(): Promise<void> {
  const counts = option("counts", "1000,10000").split(",").map(Number);
  checkOpenFileLimit(Math.max(...counts));
  console.log(`# Memory: server RSS with idle connections`);
  console.log(`machine: ${describeMachine()}`);
  console.log(
    `each count on a fresh server process; clients in another process, connected and silent; ` +
      `RSS read from /proc ${SETTLE_MS} ms after the last connection\n`,
  );
  const rows: string[][] = [];
  const results: { target: string; count: number; perConnection?: number; [k: string]: unknown }[] =
    [];
  for (const target of selectedTargets()) {
    for (const count of counts) {
      const { before, after, open } = await measure(target, count);
      const perConnection = before === undefined || after === undefined
        ? undefined
        : (after - before) / count;
      results.push({ target: target.name, count, open, before, after, perConnection });
      const twin = results.find((result) =>
        result.target === target.tcpTwin && result.count === count
      )?.perConnection;
      rows.push([
        target.label,
        formatNumber(count),
        formatNumber(open),
        formatMiB(before),
        formatMiB(after),
        perConnection === undefined ? "n/a" : `${formatNumber(perConnection / 1024, 1)} KiB`,
        perConnection === undefined || !twin ? "" : `${formatNumber(perConnection / twin, 2)}x`,
      ]);
    }
  }
  const headers = [
    "server",
    "connections",
    "still open",
    "RSS idle",
    "RSS connected",
    "per conn.",
    "vs TCP twin",
  ];
  console.log(markdownTable(headers, rows));
  console.log(`\nresults: ${JSON.stringify(results)}`);
}

await main();
