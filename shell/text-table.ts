// The line shell's table format: a boxed grid sized to the first rows of a result.
//
//   +------+-----+
//   | name | age |
//   +------+-----+
//   | Ann  | 36  |
//   +------+-----+
//
// A result streams, so the column widths are fixed from the first WIDTH_SAMPLE_ROWS rows;
// a later cell that is wider is cut with '…' (json and csv never cut anything: use them
// when every byte matters). Widths count terminal cells (string-width), so wide characters
// line up. Control characters in a cell are shown escaped (\n, \t) so a row stays one line.

import stringWidth from 'string-width';

export const WIDTH_SAMPLE_ROWS = 1000;

const CONTROL = /[\u0000-\u001f\u007f]/g;
const ESCAPED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A cell as one line of visible text. */
export function visibleCell(text: string): string {
  return text.replace(CONTROL, (ch) => ESCAPED[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function fit(text: string, width: number): string {
  const w = stringWidth(text);
  if (w <= width) return text + ' '.repeat(width - w);
  let out = '';
  let used = 0;
  for (const ch of text) {
    const cw = stringWidth(ch);
    if (used + cw > width - 1) break;
    out += ch;
    used += cw;
  }
  return `${out}…${' '.repeat(Math.max(0, width - 1 - used))}`;
}

export class TextTable {
  private widths: number[] | null = null;
  private readonly sample: string[][] = [];

  constructor(private readonly columns: readonly string[]) {}

  /** Add rows; returns the text ready to print (empty while the width sample fills). */
  add(rows: readonly string[][]): string {
    if (this.widths === null) {
      for (const row of rows) this.sample.push(row.map(visibleCell));
      if (this.sample.length < WIDTH_SAMPLE_ROWS) return '';
      return this.flushSample();
    }
    return rows.map((row) => this.line(row.map(visibleCell))).join('');
  }

  /** The rest of the table and its bottom border. */
  finish(): string {
    const head = this.widths === null ? this.flushSample() : '';
    return head + this.border();
  }

  private flushSample(): string {
    const widths = this.columns.map((column) => Math.max(1, stringWidth(visibleCell(column))));
    for (const row of this.sample) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 1, stringWidth(cell))));
    this.widths = widths;
    const out = this.border() + this.line(this.columns.map(visibleCell)) + this.border() + this.sample.map((row) => this.line(row)).join('');
    this.sample.length = 0;
    return out;
  }

  private border(): string {
    return `+${this.widths!.map((w) => '-'.repeat(w + 2)).join('+')}+\n`;
  }

  private line(cells: readonly string[]): string {
    return `| ${this.widths!.map((w, i) => fit(cells[i] ?? '', w)).join(' | ')} |\n`;
  }
}
