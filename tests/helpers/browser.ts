/**
 * A real browser for the browser tests: `playwright-core` (a devDependency) driving Debian's
 * `chromium-headless-shell`, on Node and on Deno (Deno loads playwright-core from
 * node_modules through its npm support). The tests skip, saying why, when the executable is
 * missing (`apt-get install chromium-headless-shell`; `.ci/run` installs it), or when
 * playwright-core cannot be loaded: a clone without node_modules (`deno task test` in
 * `scripts/deno_only.sh`).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import process from "node:process";
import { CLI_RUNTIMES, CliProcess, type CliRuntime } from "./cli_process.ts";
import { within } from "./timeout.ts";

/** Where Debian's package puts the browser. */
export const CHROMIUM = "/usr/lib/chromium/chromium-headless-shell";

const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** What the tests use of a Playwright WebSocket. */
export interface BrowserWebSocket {
  url(): string;
  on(event: "framereceived" | "framesent", listener: (frame: { payload: string }) => void): void;
  on(event: "close", listener: () => void): void;
}

/** What the tests use of a Playwright page. */
export interface BrowserPage {
  goto(url: string): Promise<unknown>;
  reload(): Promise<unknown>;
  click(selector: string): Promise<void>;
  fill(selector: string, value: string): Promise<void>;
  textContent(selector: string): Promise<string | null>;
  content(): Promise<string>;
  evaluate<T>(script: string): Promise<T>;
  on(event: "websocket", listener: (socket: BrowserWebSocket) => void): void;
  on(event: "pageerror", listener: (error: Error) => void): void;
}

/** What the tests use of a Playwright browser: one context (its own sessionStorage) per page. */
export interface Browser {
  newPage(): Promise<BrowserPage>;
  close(): Promise<void>;
}

type Launcher = {
  chromium: { launch(options: Record<string, unknown>): Promise<Browser> };
};

/**
 * Loads playwright-core. On Deno, its bundled `is-wsl` would look for
 * `/proc/sys/fs/binfmt_misc/WSLInterop` as the module loads, and Deno lets only
 * `--allow-all` look there (NotCapable), not the suite's permissions: `__IS_WSL_TEST__`, that
 * package's own switch, defers the look to a call that only its `open` (a URL in a desktop
 * browser) makes, and these tests never do. The variable is removed once the module is loaded.
 */
async function loadPlaywright(): Promise<Launcher | string> {
  const onDeno = typeof Deno !== "undefined" && !process.env.__IS_WSL_TEST__;
  if (onDeno) process.env.__IS_WSL_TEST__ = "1";
  try {
    // A variable: type-checking without node_modules must not resolve it.
    const module = await import(PLAYWRIGHT);
    return (module.chromium ? module : module.default) as Launcher;
  } catch (error) {
    return `playwright-core cannot be loaded (${String(error).split("\n")[0]})`;
  } finally {
    if (onDeno) delete process.env.__IS_WSL_TEST__;
  }
}

const PLAYWRIGHT = "playwright-core";
const playwright = await loadPlaywright();

/** Why the browser tests cannot run here, or false. */
export const browserSkip: string | false = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is missing: apt-get install chromium-headless-shell (.ci/run does)`
  : typeof playwright === "string"
  ? playwright
  : false;

/** The options of every browser test: skipped as above; bounded for a loaded machine. */
export const BROWSER_TEST = { skip: browserSkip, timeout: 60_000 } as const;

/** Launches the headless browser (bounded: a browser that does not start fails the test). */
export function launchBrowser(): Promise<Browser> {
  if (typeof playwright === "string") throw new Error(playwright);
  const launched = playwright.chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  return within(launched, 20_000, "the browser to start");
}

/** A page whose received WebSocket text frames and script errors are kept, in order. */
export interface WatchedPage {
  readonly page: BrowserPage;
  /** The payload of every frame received on every WebSocket of the page, reloads included. */
  readonly frames: string[];
  /** Uncaught errors of the page's scripts (a test asserts there are none). */
  readonly errors: string[];
}

/** Opens a page (each in a new browser context of `browser`) and watches it. */
export async function watchedPage(browser: Browser): Promise<WatchedPage> {
  const page = await browser.newPage();
  const frames: string[] = [];
  const errors: string[] = [];
  page.on("websocket", (socket) => {
    socket.on("framereceived", (frame) => frames.push(String(frame.payload)));
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  return { page, frames, errors };
}

/**
 * Waits until `script` (an expression evaluated in the page) is truthy, asking every 50 ms:
 * not `waitForFunction`, whose string predicates the pages' Content-Security-Policy refuses
 * (no `unsafe-eval`), as it should.
 */
export async function until(page: BrowserPage, script: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<unknown>(script))) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${script}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The example server, run by the runtime that runs the tests (npm start's or deno task server's). */
export const SERVER_RUNTIME: CliRuntime = CLI_RUNTIMES.find((runtime) =>
  runtime.name === (typeof Deno === "undefined" ? "node" : "deno")
)!;

/** What {@linkcode withServer} hands its body. */
export interface Served {
  readonly cli: CliProcess;
  /** The sniffing TCP port. */
  readonly port: number;
  /** The browsers' port, when `args` asked for one. */
  readonly wsPort?: number;
  readonly browser: Browser;
}

/**
 * Starts the example server with `args` on free ports of 127.0.0.1 (the TCP port, and the
 * browsers' port only if `args` give `--ws-port`) and the browser, side by side; runs `body`;
 * then closes the browser and stops the server: SIGTERM and a clean exit when `body` passed,
 * a kill when it failed.
 */
export async function withServer(
  args: readonly string[],
  body: (served: Served) => Promise<void>,
): Promise<void> {
  const launching = launchBrowser();
  const cli = new CliProcess(SERVER_RUNTIME, ["--port", "0", "--ws-port", "0", ...args]);
  try {
    const [, port, ws] = await cli.line(/INFO listening hostname=\S+ port=(\d+) wsPort=(\w+)/);
    const wsPort = ws === "off" ? undefined : Number(ws);
    await body({ cli, port: Number(port), wsPort, browser: await launching });
    await (await launching).close();
    cli.signal("SIGTERM");
    assert.equal(await cli.exit(), 0, cli.output());
  } catch (error) {
    (error as Error).message += `\n--- server output ---\n${cli.output()}`;
    throw error;
  } finally {
    await launching.then((browser) => browser.close(), () => {});
    await cli.stop();
  }
}

/** A port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
