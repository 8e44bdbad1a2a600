/**
 * The server's instructions per churned connection, counted by valgrind's callgrind: the
 * rooms server of each checkout (that of `bench/churn_cost.ts --serve`) runs under callgrind,
 * takes `--warmup` connections one after another (connect, `{"code":"get","key":"x"}\0`,
 * reply, close), then has its counters zeroed, takes `--count` more and dumps them. Every
 * thread's user-space instructions count (the kernel's do not). On the shared, loaded machine,
 * where CPU time per connection moved 10% between rounds, four runs of the Deno server of one
 * checkout agreed within 0.5% (the JIT's work is in the count, hence the long warm-up); the
 * Node server's did not (two runs of one checkout: 1,666 and 1,044 k), so for Node this is a
 * hint, not a measure. Checkouts run side by side; the report gives each as a ratio to the
 * first.
 *
 * `node --import tsx bench/churn_instructions.ts [--targets deno] [--base DIR]
 * [--warmup 500] [--count 800]`. `--base DIR`: another checkout, measured first. Needs
 * valgrind (`callgrind_control`); a run takes about a minute under valgrind's slowdown.
 *
 * @module
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { churnedConnection } from "./churned_connection.ts";
import { denoScript, nodeScript, ROOT } from "./processes.ts";
import { formatNumber, markdownTable } from "./stats.ts";
import { option } from "./targets.ts";

/** A churned connection not answered in this long (under valgrind) fails the run. */
const LIFE_MS = 30_000;
/** After the last reply: the server's closes are done well within this, even under valgrind. */
const SETTLE_MS = 1500;

async function churn(port: number, count: number): Promise<void> {
  for (let k = 0; k < count; k++) await churnedConnection(port, LIFE_MS);
}

/** Runs callgrind's control command on the valgrind process `pid`. */
function control(flag: string, pid: number): void {
  const { status, stderr } = spawnSync("callgrind_control", [flag, String(pid)], {
    encoding: "utf8",
  });
  if (status !== 0) throw new Error(`callgrind_control ${flag} failed: ${stderr}`);
}

/** Instructions per connection of the server of checkout `root` on `target`. */
async function measure(target: string, root: string, warmup: number, count: number) {
  const dir = mkdtempSync(join(tmpdir(), "churn-callgrind-"));
  const { program, args } = (target === "deno" ? denoScript : nodeScript)(
    "bench/churn_cost.ts",
    "--serve",
    root,
  );
  const child = spawn(
    "valgrind",
    ["--tool=callgrind", `--callgrind-out-file=${join(dir, "out")}`, program, ...args],
    { cwd: ROOT, stdio: ["pipe", "pipe", "ignore"] },
  );
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let text = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        text += chunk;
        const line = text.split("\n").find((l) => l.startsWith("{"));
        if (line) resolve(JSON.parse(line).port);
      });
      child.once("exit", (code) => reject(new Error(`server exited early (${code})`)));
    });
    await churn(port, warmup);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    control("-z", child.pid!);
    await churn(port, count);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    control("-d", child.pid!);
    const dump = readdirSync(dir).find((name) => name.startsWith("out."));
    const totals = dump && /^totals: (\d+)/m.exec(readFileSync(join(dir, dump), "utf8"));
    if (!totals) throw new Error("no callgrind dump");
    return Number(totals[1]) / count;
  } finally {
    child.stdin.end();
    if (child.exitCode === null) await new Promise((resolve) => child.once("exit", resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

const targets = option("targets", "deno").split(",");
const base = option("base", "");
const warmup = Number(option("warmup", "500"));
const count = Number(option("count", "800"));
const roots = [...base === "" ? [] : [base.replace(/\/$/, "")], ROOT.replace(/\/$/, "")];
const rows: string[][] = [];
for (const target of targets) {
  const perConnection = await Promise.all(
    roots.map((root) => measure(target, root, warmup, count)),
  );
  roots.forEach((root, k) => {
    const ratio = k === 0 ? "" : `${formatNumber(perConnection[k] / perConnection[0], 3)}x`;
    rows.push([target, root, formatNumber(perConnection[k] / 1000, 1), ratio]);
  });
}
console.log(
  `# Server instructions per churned connection (callgrind, every thread, user space): ` +
    `${count} one after another after ${warmup} warm-up\n`,
);
console.log(markdownTable(["server", "checkout", "k instructions", "ratio to first"], rows));
process.exit(0);
