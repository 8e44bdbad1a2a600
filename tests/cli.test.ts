/**
 * The example server's command line: its option parsing, and the real CLI run as a child
 * process on Node (always) and on Deno (when the tests run on Deno).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { CliError, parseCliOptions } from "../examples/server/options.ts";
import { DEFAULT_HOSTNAME, DEFAULT_PORT } from "../src/transport/serve_options.ts";
import { CLI_RUNTIMES, CliProcess, type CliRuntime } from "./helpers/cli_process.ts";
import { createServer } from "node:net";
import { TcpClient } from "./helpers/tcp_client.ts";
import { WsClient } from "./helpers/ws_client.ts";
import { withTempDir } from "./helpers/temp_dir.ts";

test("options: defaults, environment, arguments over environment", () => {
  assert.deepEqual(parseCliOptions([], {}), {
    help: false,
    hostname: DEFAULT_HOSTNAME,
    port: DEFAULT_PORT,
    wsPort: 8080,
    dataDirectory: undefined,
    holdMs: undefined,
    quiet: false,
    flashPolicy: true,
    game: "rooms",
    redis: undefined,
    leaseMs: 5_000,
    turnMs: undefined,
  });
  assert.equal(DEFAULT_HOSTNAME, "127.0.0.1");
  assert.equal(DEFAULT_PORT, 5554);
  const env = { HOST: "0.0.0.0", PORT: "7000" };
  assert.deepEqual(
    [parseCliOptions([], env).hostname, parseCliOptions([], env).port],
    ["0.0.0.0", 7000],
  );
  const both = parseCliOptions(["--host", "::1", "--port=0"], env);
  assert.deepEqual([both.hostname, both.port], ["::1", 0]);
  assert.equal(parseCliOptions([], { PORT: "" }).port, DEFAULT_PORT);
  assert.equal(parseCliOptions(["--ws-port", "0"], {}).wsPort, 0);
  assert.equal(parseCliOptions(["--ws-port=9000"], {}).wsPort, 9000);
});

test("options: flags and --data", () => {
  const options = parseCliOptions(["--quiet", "--no-flash-policy", "--data", "./states"], {});
  assert.equal(options.quiet, true);
  assert.equal(options.flashPolicy, false);
  assert.equal(options.dataDirectory, "./states");
  assert.equal(parseCliOptions(["--data=d"], {}).dataDirectory, "d");
  assert.equal(parseCliOptions(["--help"], {}).help, true);
  assert.equal(parseCliOptions(["-h"], {}).help, true);
  assert.equal(parseCliOptions(["--game", "cards"], {}).game, "cards");
});

test("options: --hold-seconds; the cards game holds 60 s by default, the rooms game none", () => {
  const holdOf = (...args: string[]) => parseCliOptions(args, {}).holdMs;
  assert.equal(holdOf(), undefined);
  assert.equal(holdOf("--game", "cards"), 60_000);
  assert.equal(holdOf("--game", "cards", "--hold-seconds", "0"), undefined);
  assert.equal(holdOf("--hold-seconds=90"), 90_000);
  assert.equal(holdOf("--game=cards", "--hold-seconds", "2.5"), 2_500);
});

test("options: a bad value is a clear error", () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [["--port", "http"], {}, /bad port: "http"/],
    [["--port", "65536"], {}, /bad port: "65536"/],
    [["--port", "-1"], {}, /bad port/],
    [["--port", "1.5"], {}, /bad port/],
    [[], { PORT: "x" }, /bad port: "x"/],
    [["--port"], {}, /--port needs a value/],
    [["--ws-port", "x"], {}, /bad port: "x"/],
    [["--host", "a b"], {}, /bad host/],
    [["--data="], {}, /--data needs a directory/],
    [["--verbose"], {}, /unknown option: --verbose/],
    [["--game", "chess"], {}, /bad game: "chess" \(rooms or cards\)/],
    [["--game=cards", "--data", "d"], {}, /--data is for the rooms game/],
    [["--quiet=yes"], {}, /unknown option: --quiet=yes/],
    [["serve"], {}, /unknown option: serve/],
    [["--hold-seconds", "-1"], {}, /bad hold: "-1"/],
    [["--hold-seconds", "soon"], {}, /bad hold: "soon"/],
    [["--hold-seconds"], {}, /--hold-seconds needs a value/],
  ];
  for (const [args, env, message] of cases) {
    assert.throws(() => parseCliOptions(args, env), (error: unknown) => {
      assert.ok(error instanceof CliError, `${args}: ${error}`);
      assert.match(error.message, message);
      return true;
    });
  }
});

/**
 * Starts the CLI, runs `body` with it, and kills it if `body` failed before it exited. The
 * browsers' port is off unless `args` name one: runs in parallel would share 8080.
 */
async function withCli<T>(
  runtime: CliRuntime,
  args: string[],
  body: (cli: CliProcess) => Promise<T>,
): Promise<T> {
  const wsPort = args.some((arg) => arg.startsWith("--ws-port")) ? [] : ["--ws-port", "0"];
  const cli = new CliProcess(runtime, [...args, ...wsPort]);
  try {
    return await body(cli);
  } catch (error) {
    (error as Error).message += `\n--- CLI output ---\n${cli.output()}`;
    throw error;
  } finally {
    await cli.stop();
  }
}

const scenarios: Record<string, (runtime: CliRuntime) => Promise<void>> = {
  async "serves, and on SIGTERM disconnects everyone and exits 0"(runtime) {
    await withCli(runtime, ["--port", "0"], async (cli) => {
      const port = await cli.port();
      const [a, b] = await TcpClient.connectMany(port, 2);
      for (const client of [a, b]) await client.send({ code: "goto", key: "room" });
      await Promise.all([a.next(), b.next()]);
      await a.send({ code: "save", key: "room", state: [1] });
      assert.deepEqual(await b.next(), [{ code: "save", key: "room", state: [1], success: true }]);
      cli.signal("SIGTERM");
      assert.equal(await cli.exit(), 0);
      await Promise.all([a.closed(), b.closed()]);
      const disconnects = cli.stdout.filter((line) =>
        / INFO disconnect .*reason=shutdown/.test(line)
      );
      assert.equal(disconnects.length, 2, cli.output());
      assert.ok(cli.stdout.some((line) => line.includes("INFO stopped")), cli.output());
    });
  },

  async "stops on SIGINT too"(runtime) {
    await withCli(runtime, ["--port", "0"], async (cli) => {
      const [client] = await TcpClient.connectMany(await cli.port(), 1);
      await cli.line(/INFO connect index=1/);
      cli.signal("SIGINT");
      assert.equal(await cli.exit(), 0);
      await client.closed();
      await cli.line(/INFO disconnect index=1 reason=shutdown/);
    });
  },

  async "--data keeps states across a restart"(runtime) {
    await withTempDir(async (directory) => {
      const run = (body: (client: TcpClient) => Promise<void>) =>
        withCli(runtime, ["--port", "0", "--data", directory], async (cli) => {
          const [client] = await TcpClient.connectMany(await cli.port(), 1);
          await body(client);
          cli.signal("SIGTERM");
          assert.equal(await cli.exit(), 0);
        });
      await run(async (client) => {
        await client.send({ code: "save", key: "kept", state: { n: 1 } });
        assert.deepEqual(await client.next(), [{
          code: "save",
          key: "kept",
          state: { n: 1 },
          success: true,
        }]);
      });
      await run(async (client) => {
        await client.send({ code: "get", key: "kept" });
        assert.deepEqual(await client.next(), [{
          code: "get",
          key: "kept",
          success: true,
          state: { n: 1 },
        }]);
      });
    });
  },

  async "--game cards serves the card table"(runtime) {
    await withCli(runtime, ["--port", "0", "--game", "cards"], async (cli) => {
      const [a, b] = await TcpClient.connectMany(await cli.port(), 2);
      for (const client of [a, b]) {
        for (const code of ["join", "sit", "ready"]) await client.send({ code, key: "t1" });
      }
      // Both ready: a hand is dealt, and each player's view carries two cards of its own.
      const dealt = async (client: TcpClient) => {
        for (;;) {
          const [view] = await client.next();
          const hand = view.hand as { players: { cards?: string[] }[] } | null;
          const mine = hand?.players.filter((player) => player.cards?.length === 2) ?? [];
          if (mine.length > 0) return mine.length;
        }
      };
      assert.deepEqual([await dealt(a), await dealt(b)], [1, 1], "own cards only");
      cli.signal("SIGTERM");
      assert.equal(await cli.exit(), 0);
    });
  },

  async "WebSocket on the TCP port and on --ws-port, in one room with a TCP client"(runtime) {
    const wsPort = await freePort();
    await withCli(runtime, ["--port", "0", "--ws-port", String(wsPort)], async (cli) => {
      const [, port, listed] = await cli.line(
        /INFO listening hostname=\S+ port=(\d+) wsPort=(\d+)/,
      );
      assert.equal(Number(listed), wsPort);
      const [tcp] = await TcpClient.connectMany(Number(port), 1);
      const onTcpPort = await WsClient.connect(Number(port));
      const onWsPort = await WsClient.connect(wsPort, "/game");
      await tcp.send({ code: "goto", key: "room" });
      await tcp.next();
      for (const ws of [onTcpPort, onWsPort]) {
        await ws.sendText({ code: "goto", key: "room" });
        await ws.nextText();
      }
      await onWsPort.sendText({ code: "save", key: "room", state: [7] });
      const saved = [{ code: "save", key: "room", state: [7], success: true }];
      assert.deepEqual(await tcp.next(), saved);
      assert.deepEqual(await onTcpPort.nextText(), saved);
      assert.deepEqual(await onWsPort.nextText(), saved);
      cli.signal("SIGTERM");
      assert.equal(await cli.exit(), 0);
      assert.deepEqual([await onTcpPort.closeCode(), await onWsPort.closeCode()], [1000, 1000]);
    });
  },

  async "a bad option exits 2 with the error on stderr"(runtime) {
    await withCli(runtime, ["--port", "http"], async (cli) => {
      assert.equal(await cli.exit(), 2);
      assert.match(cli.stderr.join("\n"), /error: bad port: "http"/);
      assert.match(cli.stderr.join("\n"), /Usage:/);
    });
  },
};

/** A port that was free a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

for (const runtime of CLI_RUNTIMES) {
  for (const [name, scenario] of Object.entries(scenarios)) {
    test(`${runtime.name} CLI: ${name}`, { skip: runtime.skip }, () => scenario(runtime));
  }
}
