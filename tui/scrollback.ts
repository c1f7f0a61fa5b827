// The REPL's scrollback: everything the console printed (echoed input, result tables,
// reports, errors), kept as blocks and laid out lazily for the current width, so a resize
// re-lays tables instead of cutting them. The dashboard shows the last lines; PgUp/PgDn page
// through the rest.
//
// Invariants:
//  (S1) Blocks are laid out only for the width asked; each block caches one layout.
//  (S2) The stored weight (rows and text lines) stays at or under `maxLines`: the oldest
//       blocks are dropped first. A result keeps at most ROW_CAP rows (the rest are counted).
//  (S3) `version` changes whenever what a view could show changes (React re-renders on it).

import type { OutputEvent } from '../shell/protocol.js';
import { formatCount, formatMs } from './format.js';
import { seg, type Line } from './lines.js';
import { layoutTable, type TableData } from './table-layout.js';
import type { Tone } from './theme.js';
import { displayWidth, expandTabs, graphemes, sliceColumns, visible } from './text-width.js';

/** Rows of one result kept for display; the rest are counted ("… N more rows"). */
export const ROW_CAP = 1000;

export type Block =
  | { kind: 'echo'; text: string; prompt: string; continuation: string }
  | { kind: 'table'; data: TableData }
  | { kind: 'text'; text: string; tone?: Tone }
  | { kind: 'error'; code: string; message: string; excerpt?: string; column?: number };

interface StoredBlock {
  block: Block;
  weight: number;
  layout: { width: number; lines: Line[] } | null;
}

export interface ScrollbackView {
  lines: Line[];
  /** The offset from the bottom actually used (clamped to what exists). */
  offset: number;
  /** Lines in the whole scrollback at this width. */
  total: number;
}

export class Scrollback {
  private blocks: StoredBlock[] = [];
  private weight = 0;
  private versionCounter = 0;

  constructor(private readonly maxLines = 20_000) {}

  /** Changes whenever the content changes (S3). */
  get version(): number {
    return this.versionCounter;
  }

  push(block: Block): void {
    const weight = weightOf(block);
    this.blocks.push({ block, weight, layout: null });
    this.weight += weight;
    while (this.weight > this.maxLines && this.blocks.length > 1) this.weight -= this.blocks.shift()!.weight; // (S2)
    this.versionCounter++;
  }

  clear(): void {
    this.blocks = [];
    this.weight = 0;
    this.versionCounter++;
  }

  /** Lines of every block at `width` (S1). Cost: O(blocks) plus layouts not yet cached. */
  lineCount(width: number): number {
    let total = 0;
    for (const stored of this.blocks) total += this.linesOf(stored, width).length;
    return total;
  }

  /** The `height` lines ending `offset` lines above the bottom. */
  view(width: number, height: number, offset: number): ScrollbackView {
    const total = this.lineCount(width);
    const clamped = Math.max(0, Math.min(offset, Math.max(0, total - height)));
    const lines: Line[] = [];
    let skip = clamped;
    for (let b = this.blocks.length - 1; b >= 0 && lines.length < height; b--) {
      const blockLines = this.linesOf(this.blocks[b]!, width);
      for (let i = blockLines.length - 1; i >= 0 && lines.length < height; i--) {
        if (skip > 0) {
          skip--;
          continue;
        }
        lines.push(blockLines[i]!);
      }
    }
    lines.reverse();
    return { lines, offset: clamped, total };
  }

  private linesOf(stored: StoredBlock, width: number): Line[] {
    if (stored.layout?.width !== width) stored.layout = { width, lines: layoutBlock(stored.block, width) };
    return stored.layout.lines;
  }
}

function weightOf(block: Block): number {
  switch (block.kind) {
    case 'table':
      return block.data.rows.length + 3;
    case 'echo':
    case 'text':
      return block.text.split('\n').length;
    case 'error':
      return 1 + (block.excerpt?.split('\n').length ?? 0);
  }
}

/**
 * Wrap `text` (one line, no newlines) to `width` cells, breaking after spaces where it can
 * and inside a word only when the word alone is wider than the line.
 */
export function wrapToWidth(text: string, width: number): string[] {
  if (width <= 0) return [''];
  if (displayWidth(text) <= width) return [text];
  const out: string[] = [];
  let current = '';
  let used = 0;
  for (const token of text.split(/(?<=\s)(?=\S)/)) {
    const w = displayWidth(token);
    if (used + displayWidth(token.trimEnd()) <= width) {
      current += token;
      used += w;
      continue;
    }
    if (current !== '') {
      out.push(current.trimEnd());
      current = '';
      used = 0;
    }
    if (w <= width) {
      current = token;
      used = w;
      continue;
    }
    for (const g of graphemes(token)) {
      const gw = displayWidth(g);
      if (used + gw > width && current !== '') {
        out.push(current);
        current = '';
        used = 0;
      }
      current += g;
      used += gw;
    }
  }
  if (current.trimEnd() !== '' || out.length === 0) out.push(current.trimEnd());
  return out;
}

/** The lines of one block at `width`. */
export function layoutBlock(block: Block, width: number): Line[] {
  switch (block.kind) {
    case 'echo':
      return block.text.split('\n').map((line, i) => [seg(i === 0 ? block.prompt : block.continuation, 'dim'), seg(expandTabs(line), 'dim')]);
    case 'table':
      return layoutTable(block.data, width);
    case 'text':
      return block.text
        .replace(/\n$/, '')
        .split('\n')
        .flatMap((line) => wrapToWidth(visible(expandTabs(line)), width))
        .map((line) => [seg(line, block.tone)]);
    case 'error':
      return errorLines(block, width);
  }
}

/**
 * An error and its excerpt, with the caret under the offending column. The excerpt's own
 * caret line counts source characters; it is re-placed here by terminal cells, so it stays
 * under the right character when the line holds tabs or wide characters. A line wider than
 * the scrollback is shown as a window around the caret.
 */
export function errorLines(block: Extract<Block, { kind: 'error' }>, width: number): Line[] {
  const lines: Line[] = wrapToWidth(visible(`✖ error ${block.code}: ${block.message}`), width).map((text) => [seg(text, 'bad')]);
  if (!block.excerpt) return lines;
  const excerpt = block.excerpt.replace(/\n$/, '').split('\n');
  let caretIndex: number | null = null;
  const last = excerpt[excerpt.length - 1]!;
  if (excerpt.length >= 2 && /^[ \t]*\^\s*$/.test(last)) {
    caretIndex = last.indexOf('^');
    excerpt.pop();
  } else if (excerpt.length === 1 && block.column !== undefined && block.column >= 1) {
    caretIndex = block.column - 1;
  }
  const indent = '  ';
  const room = Math.max(1, width - indent.length);
  const source = excerpt[excerpt.length - 1] ?? '';
  const shown = (text: string): string => visible(expandTabs(text));
  let start = 0;
  let caretColumn = 0;
  if (caretIndex !== null) {
    caretColumn = displayWidth(shown(source.slice(0, caretIndex)));
    if (caretColumn >= room) start = caretColumn - Math.floor(room / 2);
  }
  for (const line of excerpt) lines.push([seg(indent), seg(sliceColumns(shown(line), start, room))]);
  if (caretIndex !== null) lines.push([seg(indent), seg(`${' '.repeat(caretColumn - start)}^`, 'bad')]);
  return lines;
}

/**
 * Collects the output of one run into scrollback blocks: result rows are kept (up to
 * ROW_CAP) until the result ends, then laid out as one table with its summary line.
 */
export class RunOutput {
  private table: { columns: string[]; rows: string[][]; omitted: number } | null = null;
  /** Rows received so far for the result in progress (for the status line). */
  rowsSoFar = 0;
  /** The latest progress event of a job this run started. */
  progress: Extract<OutputEvent, { kind: 'progress' }> | null = null;

  constructor(private readonly scrollback: Scrollback) {}

  /** Apply one event; returns true when the visible state changed. */
  apply(event: OutputEvent): boolean {
    switch (event.kind) {
      case 'columns':
        this.flushTable();
        this.table = { columns: [...event.columns], rows: [], omitted: 0 };
        this.rowsSoFar = 0;
        return true;
      case 'rows': {
        if (!this.table) this.table = { columns: event.cells[0]?.map((_, i) => `column ${i + 1}`) ?? [], rows: [], omitted: 0 };
        const room = Math.max(0, ROW_CAP - this.table.rows.length);
        for (const row of event.cells.slice(0, room)) this.table.rows.push([...row]);
        this.table.omitted += Math.max(0, event.cells.length - room);
        this.rowsSoFar += event.cells.length;
        return true;
      }
      case 'end': {
        this.flushTable();
        const summary = event.summary.trim() || `${formatCount(event.rowCount)} ${event.rowCount === 1 ? 'row' : 'rows'}, ${formatMs(event.elapsedMs)}`;
        this.scrollback.push({ kind: 'text', text: summary, tone: 'dim' });
        this.rowsSoFar = 0;
        return true;
      }
      case 'text':
        this.flushTable();
        this.scrollback.push({ kind: 'text', text: event.text, tone: event.stream === 'err' ? 'warn' : undefined });
        return true;
      case 'report':
        this.flushTable();
        if (event.title) this.scrollback.push({ kind: 'text', text: event.title, tone: 'strong' });
        this.scrollback.push({ kind: 'text', text: event.text || event.json });
        return true;
      case 'error':
        this.flushTable();
        this.scrollback.push({
          kind: 'error',
          code: event.code,
          message: event.message,
          ...(event.excerpt !== undefined ? { excerpt: event.excerpt } : {}),
          ...(event.column !== undefined ? { column: event.column } : {}),
        });
        return true;
      case 'progress':
        this.progress = event;
        return true;
    }
  }

  /** A result cut short (error, cancel, crash) still shows the rows it had. */
  finish(): void {
    this.flushTable();
  }

  private flushTable(): void {
    if (!this.table) return;
    const { columns, rows, omitted } = this.table;
    this.table = null;
    if (columns.length > 0) this.scrollback.push({ kind: 'table', data: { columns, rows, omittedRows: omitted } });
  }
}
