// Laying out a result table in a given width:
//
//   name           │ age │ city
//   ───────────────┼─────┼──────────
//   Alice Liddell  │  33 │ Oxford
//   Bob            │  41 │ 東京
//   … 1,204 more rows
//
// Column widths come from the content (header and the rows shown), each capped at
// maxColumnWidth; when the table is wider than the terminal, the widest columns shrink
// first (never below MIN_COLUMN_WIDTH) and cut values end with '…'. A column whose cells are
// all numbers is right-aligned. Widths are terminal cells, so wide characters line up.

import { formatCount } from './format.js';
import { seg, type Line } from './lines.js';
import { displayWidth, padEndToWidth, padStartToWidth, truncateToWidth, visible } from './text-width.js';

export interface TableData {
  columns: readonly string[];
  /** Rows kept for display (at most the row cap). */
  rows: readonly (readonly string[])[];
  /** Rows the result had beyond `rows`. */
  omittedRows: number;
}

export interface TableLayoutOptions {
  /** Widest a column may be before its values are cut. Default 40. */
  maxColumnWidth?: number;
}

export const MIN_COLUMN_WIDTH = 3;
const SEPARATOR = ' │ ';
const NUMERIC = /^[-+]?(\d[\d_]*)(\.\d+)?([eE][-+]?\d+)?$|^[-+]?(Infinity|NaN)$/;

/** Column widths for `natural` widths so the table fits `width` cells where possible. */
export function fitColumnWidths(natural: readonly number[], width: number): number[] {
  const separators = SEPARATOR.length * Math.max(0, natural.length - 1);
  const fits = (cap: number): boolean => natural.reduce((sum, w) => sum + Math.min(w, cap), 0) + separators <= width;
  const widest = Math.max(0, ...natural);
  if (fits(widest)) return [...natural];
  // The largest cap that fits (binary search), then hand out what is left one cell at a time.
  let lo = MIN_COLUMN_WIDTH;
  let hi = widest;
  if (!fits(lo)) return natural.map((w) => Math.min(w, MIN_COLUMN_WIDTH));
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  const widths = natural.map((w) => Math.min(w, lo));
  let spare = width - separators - widths.reduce((a, b) => a + b, 0);
  for (let i = 0; i < widths.length && spare > 0; i++) {
    if (natural[i]! > widths[i]!) {
      widths[i]!++;
      spare--;
    }
  }
  return widths;
}

/** The lines of a table laid out in `width` cells. */
export function layoutTable(data: TableData, width: number, options: TableLayoutOptions = {}): Line[] {
  const cap = Math.max(MIN_COLUMN_WIDTH, options.maxColumnWidth ?? 40);
  const columns = data.columns.map(visible);
  if (columns.length === 0) return [];
  const rows = data.rows.map((row) => columns.map((_, i) => visible(row[i] ?? '')));
  const natural = columns.map((name, i) => Math.min(cap, Math.max(displayWidth(name), ...rows.map((r) => displayWidth(r[i]!)))));
  const widths = fitColumnWidths(natural, width);
  const numeric = columns.map((_, i) => rows.length > 0 && rows.every((r) => r[i] === '' || r[i] === 'null' || NUMERIC.test(r[i]!)));
  const lines: Line[] = [];
  const join = (cells: string[], tone: 'strong' | undefined): Line => {
    const out: Line[number][] = [];
    cells.forEach((cell, i) => {
      if (i > 0) out.push(seg(SEPARATOR, 'dim'));
      out.push(seg(cell, tone));
    });
    return out;
  };
  const last = columns.length - 1;
  // The last column is not padded on the right: trailing blanks are bytes for nothing.
  const cellText = (cell: string, i: number): string =>
    numeric[i] ? padStartToWidth(cell, widths[i]!) : i === last ? truncateToWidth(cell, widths[i]!) : padEndToWidth(cell, widths[i]!);
  lines.push(join(columns.map(cellText), 'strong'));
  lines.push([seg(widths.map((w) => '─'.repeat(w)).join('─┼─'), 'dim')]);
  for (const row of rows) lines.push(join(row.map(cellText), undefined));
  if (data.omittedRows > 0) lines.push([seg(`… ${formatCount(data.omittedRows)} more ${data.omittedRows === 1 ? 'row' : 'rows'}`, 'dim')]);
  return lines;
}
