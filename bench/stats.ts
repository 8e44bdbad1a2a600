/**
 * Small figures helpers shared by the benchmarks: percentiles, number formatting and the
 * markdown tables they print.
 *
 * @module
 */

/**
 * The value at quantile `q` (0..1) of ascending `sorted` values (nearest rank), NaN if empty.
 *
 * @example
 * ```ts
 * import { percentile } from "./stats.ts";
 * percentile([1, 2, 3, 4], 0.5); // 2
 * ```
 */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** The median of some values (they need not be sorted). */
export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 0.5);
}

/**
 * A number with thousands separators and `digits` decimals; `n/a` for null and NaN.
 *
 * @example
 * ```ts
 * import { formatNumber } from "./stats.ts";
 * formatNumber(1234567.8); // "1,234,568"
 * ```
 */
export function formatNumber(value: number | null | undefined, digits = 0): string {
  if (value == null || Number.isNaN(value)) return "n/a";
  return value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** A share as a percentage, e.g. `0.873` as `87%`; `n/a` for null and NaN. */
export function formatPercent(share: number | null | undefined): string {
  return share == null || Number.isNaN(share) ? "n/a" : `${Math.round(share * 100)}%`;
}

/** Bytes as MiB with one decimal. */
export function formatMiB(bytes: number | null | undefined): string {
  return bytes == null ? "n/a" : `${formatNumber(bytes / 2 ** 20, 1)} MiB`;
}

/**
 * A markdown table, columns padded for reading in a terminal.
 *
 * @example
 * ```ts
 * import { markdownTable } from "./stats.ts";
 * markdownTable(["a", "b"], [["1", "22"]]);
 * // "| a | b  |\n| - | -- |\n| 1 | 22 |"
 * ```
 */
export function markdownTable(headers: readonly string[], rows: readonly string[][]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length))
  );
  const line = (cells: readonly string[]) =>
    `| ${widths.map((width, column) => (cells[column] ?? "").padEnd(width)).join(" | ")} |`;
  const rule = `| ${widths.map((width) => "-".repeat(width)).join(" | ")} |`;
  return [line(headers), rule, ...rows.map(line)].join("\n");
}
