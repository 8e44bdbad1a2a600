/**
 * The package as a user gets it: `npm pack` (which builds dist/ with tsc), the tarball
 * installed into a fresh ES module project outside the repository, and there, with plain
 * `node` (no tsx): the chat example and the line client, the README's other examples, every
 * entry point, and the starter's own test, type check and `npm start`. Runs on Node only (it
 * drives npm); it takes a while, every step bounded.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import process from "node:process";
import { ROOT } from "./helpers/cli_process.ts";
import { run, Started } from "./helpers/project.ts";
import { withTempDir } from "./helpers/temp_dir.ts";

const onDeno = typeof Deno !== "undefined";
const node = process.execPath;
const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
const ENTRY_POINTS = [
  "zerobyte",
  "zerobyte/node",
  "zerobyte/deno",
  "zerobyte/file-store",
  "zerobyte/cluster",
  "zerobyte/sim",
];

/**
 * A player of process b in a room process a owns, and a state saved by one process read by
 * another: the cluster subpath as a user's plain JavaScript imports it.
 */
const CLUSTER_SCRIPT = `
import { Application, deliver, ManualClock } from "zerobyte";
import { ClusterNode, MemoryRedis, RedisStore } from "zerobyte/cluster";
const clock = new ManualClock();
const redis = new MemoryRedis({ clock });
const application = new Application({
  storage: null,
  defaultController: { handleCommand: (command, { index }) => deliver([index], command) },
});
const roomOf = (command) => typeof command.key === "string" ? command.key : null;
const a = await ClusterNode.start({ redis: redis.client(), processId: "a", clock, application, roomOf });
const b = await ClusterNode.start({ redis: redis.client(), processId: "b", clock, application, roomOf });
const out = [];
const player = b.server.accept({
  bufferedBytes: 0,
  write: (bytes) => void out.push(new TextDecoder().decode(bytes)),
  drain: () => Promise.resolve(),
  close: () => Promise.resolve(),
});
await a.leases.acquire("lobby");
await player.events.data(new TextEncoder().encode('{"code":"hi","key":"lobby"}\\0'));
while (out.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
await new RedisStore({ redis: redis.client() }).set("dress", { color: "red" });
const state = await new RedisStore({ redis: redis.client() }).get("dress");
process.stdout.write(out[0] + " " + JSON.stringify(state) + "\\n");
await b.close();
await a.close();
`;

/** The ```ts blocks of the README that import the package by name. */
async function readmeExamples(): Promise<string[]> {
  const readme = await readFile(join(ROOT, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);
  return blocks.filter((block) => block.includes(' from "zerobyte'));
}

/** A file as the README shows it: without its leading doc comment. */
async function shownAs(path: string): Promise<string> {
  const text = await readFile(join(ROOT, path), "utf8");
  return text.replace(/^\/\*\*[\s\S]*?\*\/\n/, "");
}

/** Strips the types of `files` of `directory` into `.js` files beside them (ES modules). */
async function stripTypes(directory: string, files: readonly string[]) {
  const flags = ["--noCheck", "--rewriteRelativeImportExtensions", "--module", "nodenext"];
  const options = [...flags, "--target", "es2022", "--rootDir", ".", "--outDir", "."];
  const built = await run(node, [tsc, ...options, ...files], { cwd: directory, timeoutMs: 60_000 });
  assert.equal(built.code, 0, built.stdout + built.stderr);
}

test("npm pack: a fresh project installs the tarball and runs it with plain node", {
  skip: onDeno && "runs on Node: it drives npm",
  timeout: 300_000,
}, async (t) => {
  await withTempDir(async (dir) => {
    const packed = await run("npm", ["pack", "--json", "--pack-destination", dir], {
      cwd: ROOT,
      timeoutMs: 120_000,
    });
    assert.equal(packed.code, 0, packed.stderr);
    const [{ filename, files }] = JSON.parse(packed.stdout);
    const shipped = new Set(files.map((file: { path: string }) => file.path));
    const expected = ["dist/mod.js", "dist/mod.d.ts", "dist/node.js", "dist/sim/mod.js"];
    for (const file of [...expected, "dist/cluster.js", "dist/cluster.d.ts"]) {
      assert.ok(shipped.has(file), `${file} is not in the tarball`);
    }
    assert.ok(![...shipped].some((path) => String(path).startsWith("tests/")));

    const project = join(dir, "app");
    await mkdir(project);
    const manifest = { name: "app", private: true, type: "module" };
    await writeFile(join(project, "package.json"), JSON.stringify(manifest));
    const installed = await run(
      "npm",
      ["install", "--offline", "--no-audit", "--no-fund", join(dir, filename)],
      { cwd: project, timeoutMs: 120_000 },
    );
    assert.equal(installed.code, 0, installed.stderr);
    // The chat example, the line client and the README's other examples, as a user's own
    // plain JavaScript: their types stripped by tsc (Node 20 runs no TypeScript).
    const sources = ["chat/chat.ts", "chat/server.ts", "client.ts"];
    for (const source of sources) await cp(join(ROOT, "examples", source), join(project, source));
    const others = (await readmeExamples()).slice(2);
    const readme = others.map((_, n) => `readme/example${n}.ts`);
    await mkdir(join(project, "readme"));
    for (const [n, name] of readme.entries()) await writeFile(join(project, name), others[n]);
    await stripTypes(project, [...sources, ...readme]);

    await t.test("every entry point imports on plain node", async () => {
      const script = ENTRY_POINTS.map((name, n) => `import * as m${n} from "${name}";`).join("\n") +
        `\nconsole.log([${ENTRY_POINTS.map((_, n) => `Object.keys(m${n}).length`)}].join(" "));`;
      await writeFile(join(project, "entries.js"), script);
      const imported = await run(node, ["entries.js"], { cwd: project });
      assert.equal(imported.code, 0, imported.stderr);
      const counts = imported.stdout.trim().split(" ").map(Number);
      assert.equal(counts.length, ENTRY_POINTS.length);
      for (const count of counts) assert.ok(count > 0, imported.stdout);
    });

    await t.test("zerobyte/cluster: two processes on one in-memory Redis, with plain node", async () => {
      await writeFile(join(project, "cluster.js"), CLUSTER_SCRIPT);
      const ran = await run(node, ["cluster.js"], { cwd: project });
      assert.equal(ran.code, 0, ran.stderr);
      assert.equal(ran.stdout, '[{"code":"hi","key":"lobby"}]\0 {"color":"red"}'); // run() trims the output
    });

    await t.test("the README's chat is the example's code, and runs with its line client", async () => {
      const [controller, server] = await readmeExamples();
      assert.equal(controller, await shownAs("examples/chat/chat.ts"));
      assert.equal(server, await shownAs("examples/chat/server.ts"));
      const chat = new Started(node, ["chat/server.js", "--port", "0"], { cwd: project });
      try {
        const [, port] = await chat.line(/^chat on 127\.0\.0\.1:(\d+)$/);
        const client = await run(node, ["client.js", "--port", port], {
          cwd: project,
          input: '{"code":"say","text":"hi"}\n',
          timeoutMs: 20_000,
        });
        assert.equal(client.code, 0, client.stderr);
        assert.equal(
          client.stdout,
          '[{"code":"joined","index":1}]\n[{"code":"said","from":1,"text":"hi"}]',
        );
      } finally {
        await chat.stop();
      }
    });

    await t.test("the README's other examples run", async () => {
      assert.ok(readme.length > 0);
      for (const name of readme) {
        const ran = await run(node, [name.replace(/\.ts$/, ".js")], { cwd: project });
        assert.equal(ran.code, 0, `${name}:\n${ran.stdout}\n${ran.stderr}`);
        assert.match(ran.stdout, /^ok$/m, `${name} prints ok`);
      }
    });

    await t.test("the starter: type check, its simulator test, npm start and Ctrl-C", async () => {
      const starter = join(project, "starter");
      await cp(join(ROOT, "examples/starter"), starter, { recursive: true });
      // Its dev tools come from this repository (no network here); the package, installed.
      for (const tool of ["tsx", "typescript", "@types"]) {
        await symlink(join(ROOT, "node_modules", tool), join(project, "node_modules", tool));
      }
      const checked = await run(node, [tsc, "-p", "."], { cwd: starter });
      assert.equal(checked.code, 0, checked.stdout);
      const tested = await run("npm", ["test"], { cwd: starter, timeoutMs: 120_000 });
      assert.equal(tested.code, 0, tested.stdout + tested.stderr);
      assert.match(tested.stdout, /# pass 2\n# fail 0/);
      const server = new Started("npm", ["start"], { cwd: starter, env: { PORT: "0" } });
      try {
        await server.line(/^listening on 127\.0\.0\.1:\d+$/);
        server.interrupt();
        assert.equal(await server.exited, 0, server.output());
      } finally {
        await server.stop();
      }
    });
  });
});

test("npm start: Ctrl-C shuts the server down and npm exits 0", {
  skip: onDeno && "runs on Node: it drives npm",
  timeout: 60_000,
}, async () => {
  const server = new Started("npm", ["start", "--", "--port", "0"], { cwd: ROOT });
  try {
    await server.line(/INFO listening hostname=127\.0\.0\.1 port=\d+/);
    server.interrupt();
    assert.equal(await server.exited, 0, server.output());
    assert.match(server.output(), /INFO stopped/);
    assert.doesNotMatch(server.output(), /without finishing/);
  } finally {
    await server.stop();
  }
});
