/**
 * One small levelled logger. The core only formats lines; where they go (a console, a file,
 * a test's array) is decided by whoever creates the logger.
 *
 * @module
 */

/**
 * Levels, from most to least verbose; `silent` logs nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createLogger, type LogLevel } from "../../mod.ts";
 * const level: LogLevel = "warn";
 * const lines: string[] = [];
 * const log = createLogger({ level, write: (line) => lines.push(line) });
 * log.info("joined");
 * log.error("lost");
 * assert.deepEqual(lines, ["ERROR lost"]);
 * ```
 */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/**
 * Extra facts attached to a line, printed as `name=value`; values that are not one plain
 * word are quoted, and `undefined` ones left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createLogger, type LogFields } from "../../mod.ts";
 * const lines: string[] = [];
 * const log = createLogger({ write: (line) => lines.push(line) });
 * const fields: LogFields = { index: 3, reason: "not JSON", code: undefined };
 * log.warn("bad message", fields);
 * assert.deepEqual(lines, ['WARN bad message index=3 reason="not JSON"']);
 * ```
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/**
 * What the framework logs through.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application, type LogFields, type Logger } from "../../mod.ts";
 * const errors: [string, LogFields | undefined][] = [];
 * const logger: Logger = {
 *   debug() {},
 *   info() {},
 *   warn() {},
 *   error: (message, fields) => void errors.push([message, fields]),
 * };
 * const app = new Application({
 *   storage: null,
 *   logger,
 *   defaultController: {
 *     handleCommand() {
 *       throw new Error("disk full");
 *     },
 *   },
 * });
 * await app.handleCommands(2, [{ code: "save" }]);
 * assert.deepEqual(errors, [["controller failed", { index: 2, reason: "disk full" }]]);
 * ```
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/**
 * True when `value` names a level: for levels read from configuration.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isLogLevel } from "../../mod.ts";
 * assert.equal(isLogLevel("debug"), true);
 * assert.equal(isLogLevel("verbose"), false);
 * assert.equal(isLogLevel("toString"), false);
 * ```
 */
export function isLogLevel(value: string): value is LogLevel {
  return Object.hasOwn(RANK, value);
}

/**
 * Options of {@linkcode createLogger}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createLogger, type LoggerOptions } from "../../mod.ts";
 * const errors: string[] = [];
 * const options: LoggerOptions = {
 *   level: "debug",
 *   write: (line, level) => void (level === "error" && errors.push(line)),
 * };
 * const log = createLogger(options);
 * log.debug("tick");
 * log.error("store failed", { key: "a" });
 * assert.deepEqual(errors, ["ERROR store failed key=a"]);
 * ```
 */
export interface LoggerOptions {
  /** Lines below this level are dropped. Default `info`. */
  level?: LogLevel;
  /** Receives each formatted line, e.g. `WARN bad message index=3 reason="not JSON"`. */
  write: (line: string, level: Exclude<LogLevel, "silent">) => void;
}

/**
 * Creates a logger that formats `LEVEL message name=value ...` and hands the line to `write`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createLogger } from "../../mod.ts";
 * const lines: string[] = [];
 * const log = createLogger({ level: "info", write: (line) => lines.push(line) });
 * log.info("connect", { index: 1 });
 * log.debug("dropped"); // below the level
 * assert.deepEqual(lines, ["INFO connect index=1"]);
 * ```
 */
export function createLogger(options: LoggerOptions): Logger {
  const threshold = RANK[options.level ?? "info"];
  const at = (level: Exclude<LogLevel, "silent">) => (message: string, fields?: LogFields) => {
    if (RANK[level] < threshold) return;
    options.write(formatLine(level, message, fields), level);
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/**
 * A logger that drops everything: the default wherever no logger is passed in.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application, silentLogger } from "../../mod.ts";
 * const app = new Application({
 *   storage: null,
 *   logger: silentLogger,
 *   defaultController: {
 *     handleCommand() {
 *       throw new Error("disk full");
 *     },
 *   },
 * });
 * // The failure is still answered; only the log line is dropped.
 * const result = await app.handleCommands(1, [{ code: "save" }]);
 * assert.deepEqual(result, [[[1], [{ error: "internal error", code: "save" }]]]);
 * ```
 */
export const silentLogger: Logger = createLogger({ level: "silent", write: () => {} });

function formatLine(level: string, message: string, fields: LogFields = {}): string {
  let line = `${level.toUpperCase()} ${message}`;
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const text = String(value);
    line += ` ${name}=${/^[\w.:/-]+$/.test(text) ? text : JSON.stringify(text)}`;
  }
  return line;
}
