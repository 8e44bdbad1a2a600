/**
 * Memory under the byte-per-read attack: connections that each send a 60 KB `save` one byte
 * per read, and the server's resident memory (RSS) before, while they are halfway and after
 * they are gone, per connection. The senders live in this process; the server in its own.
 *
 * Run: `node --import tsx bench/byte_senders.ts [--targets node,deno] [--connections 200]
 * [--seconds 10]`
 *
 * @module
 */
import { connect, type Socket } from "node:net";
import { rssBytes } from "./proc_stats.ts";
import { denoScript, nodeScript, startServer } from "./processes.ts";
import { formatMiB, formatNumber, markdownTable } from "./stats.ts";
import { option } from "./targets.ts";

const targets = option("targets", "node,deno").split(",");
const connections = Number(option("connections", "200"));
const seconds = Number(option("seconds", "10"));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One byte of `text` per socket per tick, for `ms`; returns how many bytes each sent. */
async function trickle(sockets: Socket[], text: string, ms: number): Promise<number> {
  const until = performance.now() + ms;
  let sent = 0;
  while (performance.now() < until && sent < text.length) {
    for (const socket of sockets) if (!socket.destroyed) socket.write(text[sent]);
    sent++;
    await sleep(1);
  }
  return sent;
}

const rows: string[][] = [];
for (const target of targets) {
  const script = "bench/framework_server.ts";
  // The default limits, but a partial message may take as long as the run.
  const args = ["--default-limits"];
  const server = await startServer(
    target === "deno" ? denoScript(script, ...args) : nodeScript(script, ...args),
  );
  try {
    const { port, pid } = server.ready;
    await sleep(500);
    const idle = rssBytes(pid) ?? 0;
    const sockets = await Promise.all(
      Array.from({ length: connections }, () =>
        new Promise<Socket>((resolve) => {
          const socket = connect(port, "127.0.0.1", () => resolve(socket));
          socket.on("error", () => {}).on("data", () => {});
        })),
    );
    const text = JSON.stringify({ code: "save", key: "k", state: "s".repeat(60_000) });
    const sent = await trickle(sockets, text, seconds * 1000);
    const loaded = rssBytes(pid) ?? 0;
    for (const socket of sockets) socket.destroy();
    await sleep(1000);
    const after = rssBytes(pid) ?? 0;
    rows.push([
      target,
      formatNumber(sent),
      formatMiB(idle),
      formatMiB(loaded),
      formatNumber((loaded - idle) / connections / 1024, 1),
      formatNumber((loaded - idle) / connections / sent, 1),
      formatMiB(after),
    ]);
  } finally {
    await server.stop();
  }
}
console.log(`# ${connections} connections sending a 60 KB save one byte per read, ${seconds} s\n`);
console.log(markdownTable(
  [
    "server",
    "bytes sent each",
    "RSS idle",
    "RSS loaded",
    "KiB per conn",
    "x bytes held",
    "RSS after",
  ],
  rows,
));
