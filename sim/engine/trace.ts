/**
 * The trace of a run: one line per thing that happened, hashed as it is written so that two
 * runs (or two runtimes) can be compared by one short value.
 *
 * @module
 */
import { fnv1a, FNV_OFFSET, hex32 } from "./hash.ts";

/** How much of the trace a simulation keeps: nothing, its hash only, or every line. */
export type TraceMode = "off" | "hash" | "full";

/**
 * Collects trace lines. Callers check {@linkcode Trace.on} before they format a line, so a
 * run without a trace pays nothing for it.
 *
 * @example
 * ```ts
 * import { Trace } from "./trace.ts";
 * const trace = new Trace("full");
 * if (trace.on) trace.add(1500, "c1", "connect");
 * trace.lines; // ["     1.500 c1 connect"]
 * ```
 */
export class Trace {
  readonly mode: TraceMode;
  /** Whether lines are wanted at all. */
  readonly on: boolean;
  /** Every line, in mode `full`; empty otherwise. */
  readonly lines: string[] = [];
  #hash = FNV_OFFSET;
  #count = 0;

  constructor(mode: TraceMode) {
    this.mode = mode;
    this.on = mode !== "off";
  }

  /** How many lines were added. */
  get count(): number {
    return this.#count;
  }

  /** The FNV-1a hash of every line so far, each ended by a newline, as 8 hex digits. */
  get hash(): string {
    return hex32(this.#hash);
  }

  /** Adds one line: the virtual time (microseconds), who, and what. */
  add(timeUs: number, who: string, what: string): void {
    const line = `${formatTime(timeUs).padStart(10)} ${who} ${what}`;
    // The line, then its newline: the same hash as of both joined, without joining them.
    this.#hash = Math.imul(fnv1a(line, this.#hash) ^ 0x0a, 0x01000193) >>> 0;
    this.#count++;
    if (this.mode === "full") this.lines.push(line);
  }
}

/**
 * Microseconds as milliseconds with three decimals, from integers only (no float formatting).
 *
 * @example
 * ```ts
 * import { formatTime } from "./trace.ts";
 * formatTime(12_005); // "12.005"
 * ```
 */
export function formatTime(us: number): string {
  const whole = Math.floor(us / 1000);
  return `${whole}.${String(us - whole * 1000).padStart(3, "0")}`;
}

/**
 * Bytes as readable text for traces and logs: UTF-8 where it decodes, `\0` for the zero
 * byte that ends a message, and `\xNN` for bytes that do not decode (half a character).
 *
 * @example
 * ```ts
 * import { showBytes } from "./trace.ts";
 * showBytes(new Uint8Array([0x7b, 0x7d, 0])); // "{}\\0"
 * showBytes(new Uint8Array([0xc3])); // "\\xc3": the first half of "é"
 * ```
 */
export function showBytes(bytes: Uint8Array, limit = 200): string {
  let text = "";
  let at = 0;
  while (at < bytes.length && text.length < limit) {
    const width = sequenceWidth(bytes, at);
    if (width === 0) {
      text += `\\x${bytes[at].toString(16).padStart(2, "0")}`;
      at++;
      continue;
    }
    const char = utf8.decode(bytes.subarray(at, at + width));
    text += char === "\0" ? "\\0" : char === "\n" ? "\\n" : char;
    at += width;
  }
  return at < bytes.length ? `${text}...(+${bytes.length - at}B)` : text;
}

const utf8 = new TextDecoder();

/** The length of the complete UTF-8 sequence starting at `at`, or 0 if there is none. */
function sequenceWidth(bytes: Uint8Array, at: number): number {
  const lead = bytes[at];
  const width = lead < 0x80
    ? 1
    : lead >= 0xc2 && lead < 0xe0
    ? 2
    : lead >= 0xe0 && lead < 0xf0
    ? 3
    : lead >= 0xf0 && lead < 0xf5
    ? 4
    : 0;
  if (width === 0 || at + width > bytes.length) return 0;
  for (let k = 1; k < width; k++) if ((bytes[at + k] & 0xc0) !== 0x80) return 0;
  return width;
}

/**
 * Text cut to `max` characters, marked when cut: long messages in one-line reports.
 *
 * @example
 * ```ts
 * import { clip } from "./trace.ts";
 * clip("abcdef", 3); // "abc..."
 * ```
 */
export function clip(text: string, max = 160): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
