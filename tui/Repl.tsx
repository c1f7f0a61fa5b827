// The REPL's views: the input line(s) with prompt, the Ctrl-R search line, the completion
// candidates and the status line. Pure functions of the store's state; the terminal cursor
// is placed by the dashboard from `inputView().cursor`.

import type { EditorState } from './line-editor.js';
import { cursorLine } from './line-editor.js';
import { formatCount, formatDuration } from './format.js';
import { joinParts, Lines, seg, type Line, type Part } from './lines.js';
import { CONTINUATION_PROMPT, PROMPT, type ConsoleState, type Focus } from './console-store.js';
import { displayWidth, sliceColumns, truncateToWidth, visible } from './text-width.js';

export interface InputView {
  lines: Line[];
  /** Where the terminal cursor goes, relative to the first line of the view. */
  cursor: { x: number; y: number };
}

/**
 * One buffer line fitted to `room` cells with the cursor kept visible: when the text is
 * wider, the view scrolls so the cursor sits on the last cell, and '…' marks a cut side.
 */
function fitInputLine(text: string, cursorColumn: number | null, room: number): { text: string; x: number } {
  const shown = visible(text);
  const width = displayWidth(shown);
  if (room <= 0) return { text: '', x: 0 };
  const cursorCells = cursorColumn === null ? 0 : displayWidth(visible(text.slice(0, cursorColumn)));
  if (width < room || (cursorColumn === null && width <= room)) return { text: shown, x: cursorCells };
  if (cursorColumn === null) return { text: truncateToWidth(shown, room), x: 0 };
  const start = cursorCells < room ? 0 : cursorCells - room + 1;
  let out = sliceColumns(shown, start, room);
  if (start > 0) out = `…${sliceColumns(out, 1, room - 1)}`;
  if (width - start > room && cursorCells - start < room - 1) out = `${sliceColumns(out, 0, room - 1)}…`;
  return { text: out, x: cursorCells - start };
}

/** The input area: `height` lines of the buffer around the cursor, or the search line. */
export function inputView(editor: EditorState, focus: Focus, width: number, height: number): InputView {
  const promptTone = focus === 'repl' ? 'accent' : 'dim';
  if (editor.search) {
    const { query, matchIndex } = editor.search;
    const head = `(${matchIndex === null && query !== '' ? 'failed ' : ''}reverse-i-search)\`${query}': `;
    const { line, column, lines } = cursorLine(editor);
    const headWidth = displayWidth(visible(head));
    const fitted = fitInputLine(lines[line] ?? '', column, Math.max(1, width - headWidth));
    return { lines: [[seg(head, 'accent'), seg(fitted.text)]], cursor: { x: Math.min(width - 1, headWidth + fitted.x), y: 0 } };
  }
  const { line: cursorRow, column, lines } = cursorLine(editor);
  const rows = Math.max(1, height);
  const top = Math.max(0, Math.min(cursorRow, lines.length - rows));
  const promptWidth = displayWidth(PROMPT);
  const room = Math.max(1, width - promptWidth);
  const out: Line[] = [];
  let cursor = { x: promptWidth, y: 0 };
  for (let i = top; i < Math.min(lines.length, top + rows); i++) {
    const isCursorRow = i === cursorRow;
    const fitted = fitInputLine(lines[i]!, isCursorRow ? column : null, room);
    out.push([seg(i === 0 ? PROMPT : CONTINUATION_PROMPT, promptTone), seg(fitted.text)]);
    if (isCursorRow) cursor = { x: Math.min(width - 1, promptWidth + fitted.x), y: i - top };
  }
  return { lines: out, cursor };
}

/** "MATCH  MERGE  MAX  (+12 more)" */
export function completionsLine(items: readonly string[], width: number): Line {
  const out: Line[number][] = [];
  let used = 0;
  for (let i = 0; i < items.length; i++) {
    const item = visible(items[i]!);
    const rest = items.length - i - 1;
    const more = rest > 0 ? `  (+${rest} more)` : '';
    const w = displayWidth(item) + (i > 0 ? 2 : 0);
    if (used + w + displayWidth(more) > width && i > 0) {
      out.push(seg(`  (+${items.length - i} more)`, 'dim'));
      break;
    }
    out.push(seg(`${i > 0 ? '  ' : ''}${item}`, 'accent'));
    used += w;
  }
  return out;
}

const HINTS: Record<Focus, string> = {
  repl: 'Tab: panels · F1: help',
  panels: '[panels] p pause · +/- refresh · ? help · q quit · Tab: REPL',
};

/** The status line: notices, the running statement (elapsed, rows, job progress, queue) and key hints. */
export function statusLine(state: Pick<ConsoleState, 'running' | 'queue' | 'notice' | 'focus' | 'clockMs' | 'scrollOffset'>, width: number): Line {
  const parts: Part[] = [];
  if (state.notice) parts.push({ line: [seg(state.notice.text, state.notice.tone)], priority: 0 });
  const r = state.running;
  if (r) {
    const elapsed = formatDuration(Math.max(0, state.clockMs - r.startedAtMs) / 1000);
    parts.push({ line: r.cancelling ? [seg(`cancelling… ${elapsed}`, 'warn')] : [seg('running ', 'accent'), seg(elapsed)], priority: 0 });
    if (r.progress) {
      const { phase, done, total } = r.progress;
      const progress = total > 0 ? `${Math.floor(Math.min(1, done / total) * 100)}%` : `${formatCount(done)} done`;
      parts.push({ line: [seg(`${phase} `, 'label'), seg(progress)], priority: 2 });
    }
    if (r.rowsSoFar > 0) parts.push({ line: [seg(`${formatCount(r.rowsSoFar)} rows so far`, 'dim')], priority: 3 });
    if (!r.cancelling) parts.push({ line: [seg('Ctrl-C cancels', 'dim')], priority: 5 });
  }
  if (state.queue.length > 0) parts.push({ line: [seg(`${state.queue.length} queued`, 'warn')], priority: 1 });
  if (state.scrollOffset > 0) parts.push({ line: [seg('PgDn: back to latest output', 'dim')], priority: 3 });
  parts.push({ line: [seg(HINTS[state.focus], state.focus === 'panels' ? 'accent' : 'dim')], priority: 4 });
  return joinParts(parts, width);
}

export interface ReplAreaProps {
  state: ConsoleState;
  input: InputView;
  width: number;
  /** Rows for the completion candidates (0 or 1), the input and the status line (0 or 1). */
  completionsHeight: number;
  inputHeight: number;
  statusHeight: number;
}

/** The REPL's rows at the bottom of the dashboard: candidates, input, status. */
export function ReplArea({ state, input, width, completionsHeight, inputHeight, statusHeight }: ReplAreaProps) {
  return (
    <>
      {completionsHeight > 0 && <Lines lines={[completionsLine(state.completions ?? [], width)]} width={width} height={1} />}
      <Lines lines={input.lines} width={width} height={inputHeight} />
      {statusHeight > 0 && <Lines lines={[statusLine(state, width)]} width={width} height={1} />}
    </>
  );
}
