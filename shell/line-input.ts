// Reading console input that arrives in pieces (a pipe, a file, a paste): complete units come
// out as soon as their ';' (or a ':command' line's newline) has arrived, each with the line it
// starts on, so an error in a script names where the statement is. Splitting follows
// shell/split.ts exactly, so a script runs the same piped, sourced or pasted.

import { isOnlyComments, splitInput } from './split.js';

export interface SourceUnit {
  text: string;
  /** 1-based line of the input where the unit starts. */
  line: number;
}

export class UnitReader {
  private pending = '';
  /** Line number of the first character of `pending`. */
  private pendingLine = 1;

  /** Add input; returns the units it completed, in order. Cost: O(pending text). */
  push(chunk: string): SourceUnit[] {
    this.pending += chunk;
    const { units, starts, rest } = splitInput(this.pending);
    if (units.length === 0) return [];
    const out: SourceUnit[] = [];
    let cursor = 0;
    let line = this.pendingLine;
    for (const [index, unit] of units.entries()) {
      const at = starts[index]!;
      line += countNewlines(this.pending, cursor, at);
      out.push({ text: unit, line });
      line += countNewlines(this.pending, at, at + unit.length);
      cursor = at + unit.length;
    }
    const consumed = this.pending.length - rest.length;
    line += countNewlines(this.pending, cursor, consumed);
    this.pending = rest;
    this.pendingLine = line;
    return out;
  }

  /**
   * The input ended. Returns a last ':command' without its newline as a unit, null when nothing
   * but blanks and comments is left, or the unfinished statement with `incomplete: true`.
   */
  end(): (SourceUnit & { incomplete: boolean }) | null {
    const text = this.pending;
    this.pending = '';
    if (isOnlyComments(text)) return null;
    const leading = text.length - text.trimStart().length;
    const line = this.pendingLine + countNewlines(text, 0, leading);
    const trimmed = text.trim();
    return { text: trimmed, line, incomplete: !trimmed.startsWith(':') };
  }

  /** True when part of a statement is waiting for its ';'. */
  get hasPending(): boolean {
    return !isOnlyComments(this.pending);
  }
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
