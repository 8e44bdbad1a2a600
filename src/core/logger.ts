/**
 * One small levelled logger. The core only formats lines; where they go (a console, a file,
 * a test's array) is decided by whoever creates the logger.
 *
 * @module
 */

/** Levels, from most to least verbose; `silent` logs nothing. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/** Extra facts attached to a line, printed as `name=value`. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** What the framework logs through. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/** True when `value` names a level. */
export function isLogLevel(value: string): value is LogLevel {
  return Object.hasOwn(RANK, value);
}

/** Options of {@linkcode createLogger}. */
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
 * import { createLogger } from "../../mod.ts";
 * const lines: string[] = [];
 * const log = createLogger({ level: "info", write: (line) => lines.push(line) });
 * log.info("connect", { index: 1 });
 * log.debug("dropped"); // below the level
 * // lines is ["INFO connect index=1"]
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

/** A logger that drops everything: the default wherever no logger is passed in. */
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
