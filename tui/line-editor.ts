// The REPL's line buffer as pure functions over an immutable state: editing, cursor moves
// (by grapheme, so an emoji or a combining mark moves as one), a kill buffer, history
// browsing and Ctrl-R reverse incremental search. The buffer may hold several lines (a
// statement continues until its ';'); Home/End/Ctrl-U/Ctrl-K act on the cursor's line, and
// ↑/↓ move between lines before they move through history.
//
// Invariants:
//  (L1) 0 <= cursor <= text.length and the cursor sits on a grapheme boundary.
//  (L2) historyIndex is null while editing; while browsing, history[historyIndex] was
//       loaded into text and `draft` holds what was being typed before browsing began.
//  (L3) While search is active, text/cursor show the current match (or the original text
//       when nothing matched); cancelling restores `search.original`.

export interface SearchState {
  query: string;
  /** Index in history of the current match, or null when nothing matched. */
  matchIndex: number | null;
  /** The buffer before the search began (restored by cancel). */
  original: { text: string; cursor: number };
}

export interface EditorState {
  text: string;
  cursor: number;
  /** Entries, oldest first. */
  history: readonly string[];
  historyIndex: number | null;
  draft: string;
  search: SearchState | null;
  /** The last text removed by Ctrl-W/U/K or Alt-D (Ctrl-Y puts it back). */
  killed: string;
}

export function emptyEditor(history: readonly string[] = []): EditorState {
  return { text: '', cursor: 0, history, historyIndex: null, draft: '', search: null, killed: '' };
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
// A grapheme cluster longer than this (emoji ZWJ sequences reach ~30 code units) is rare;
// looking this far back is enough to find the previous boundary without segmenting it all.
const LOOK_BEHIND = 64;

/** Index of the grapheme boundary before `index`. */
export function previousBoundary(text: string, index: number): number {
  if (index <= 0) return 0;
  const from = Math.max(0, index - LOOK_BEHIND);
  let last = from;
  for (const s of segmenter.segment(text.slice(from, index))) last = from + s.index;
  return last;
}

/** Index of the grapheme boundary after `index`. */
export function nextBoundary(text: string, index: number): number {
  if (index >= text.length) return text.length;
  const first = segmenter.segment(text.slice(index, index + LOOK_BEHIND))[Symbol.iterator]().next();
  return first.done ? text.length : index + first.value.segment.length;
}

/** The grapheme boundary at or before `index` (L1). */
export function snapToBoundary(text: string, index: number): number {
  const from = Math.max(0, index - LOOK_BEHIND);
  let best = from;
  if (index >= text.length) return text.length;
  for (const seg of segmenter.segment(text.slice(from, index + LOOK_BEHIND))) {
    const start = from + seg.index;
    if (start > index) break;
    best = start;
    if (start + seg.segment.length <= index) best = start + seg.segment.length;
  }
  return best;
}

function lineStart(text: string, cursor: number): number {
  return text.lastIndexOf('\n', cursor - 1) + 1;
}

function lineEnd(text: string, cursor: number): number {
  const end = text.indexOf('\n', cursor);
  return end < 0 ? text.length : end;
}

/** Apply an edit: editing leaves history browsing (the edited entry becomes the draft). */
function edit(s: EditorState, text: string, cursor: number, killed = s.killed): EditorState {
  return { ...s, text, cursor, killed, historyIndex: null, draft: '' };
}

export function setText(s: EditorState, text: string, cursor = text.length): EditorState {
  return edit(s, text, cursor);
}

export function insertText(s: EditorState, inserted: string): EditorState {
  if (!inserted) return s;
  return edit(s, s.text.slice(0, s.cursor) + inserted + s.text.slice(s.cursor), s.cursor + inserted.length);
}

export function backspace(s: EditorState): EditorState {
  if (s.cursor === 0) return s;
  const from = previousBoundary(s.text, s.cursor);
  return edit(s, s.text.slice(0, from) + s.text.slice(s.cursor), from);
}

export function deleteForward(s: EditorState): EditorState {
  if (s.cursor >= s.text.length) return s;
  const to = nextBoundary(s.text, s.cursor);
  return edit(s, s.text.slice(0, s.cursor) + s.text.slice(to), s.cursor);
}

export function moveLeft(s: EditorState): EditorState {
  return { ...s, cursor: previousBoundary(s.text, s.cursor) };
}

export function moveRight(s: EditorState): EditorState {
  return { ...s, cursor: nextBoundary(s.text, s.cursor) };
}

export function moveHome(s: EditorState): EditorState {
  return { ...s, cursor: lineStart(s.text, s.cursor) };
}

export function moveEnd(s: EditorState): EditorState {
  return { ...s, cursor: lineEnd(s.text, s.cursor) };
}

const isSpace = (ch: string | undefined): boolean => ch !== undefined && /\s/.test(ch);
const isWord = (ch: string | undefined): boolean => ch !== undefined && /[\p{L}\p{N}_$]/u.test(ch);

/** Start of the word before the cursor (Alt-B, Ctrl-←). */
function wordStartBefore(text: string, cursor: number): number {
  let i = cursor;
  while (i > 0 && !isWord(text[i - 1])) i--;
  while (i > 0 && isWord(text[i - 1])) i--;
  return i;
}

/** End of the word after the cursor (Alt-F, Ctrl-→). */
function wordEndAfter(text: string, cursor: number): number {
  let i = cursor;
  while (i < text.length && !isWord(text[i])) i++;
  while (i < text.length && isWord(text[i])) i++;
  return i;
}

export function moveWordLeft(s: EditorState): EditorState {
  return { ...s, cursor: wordStartBefore(s.text, s.cursor) };
}

export function moveWordRight(s: EditorState): EditorState {
  return { ...s, cursor: wordEndAfter(s.text, s.cursor) };
}

/** Ctrl-W: delete back to the previous whitespace (unix-word-rubout), as readline does. */
export function deleteWordBack(s: EditorState): EditorState {
  let i = s.cursor;
  while (i > 0 && isSpace(s.text[i - 1])) i--;
  while (i > 0 && !isSpace(s.text[i - 1])) i--;
  if (i === s.cursor) return s;
  return edit(s, s.text.slice(0, i) + s.text.slice(s.cursor), i, s.text.slice(i, s.cursor));
}

/** Alt-Backspace: delete the word before the cursor (word characters only). */
export function deleteWordBackAlnum(s: EditorState): EditorState {
  const i = wordStartBefore(s.text, s.cursor);
  if (i === s.cursor) return s;
  return edit(s, s.text.slice(0, i) + s.text.slice(s.cursor), i, s.text.slice(i, s.cursor));
}

/** Alt-D: delete the word after the cursor. */
export function deleteWordForward(s: EditorState): EditorState {
  const end = wordEndAfter(s.text, s.cursor);
  if (end === s.cursor) return s;
  return edit(s, s.text.slice(0, s.cursor) + s.text.slice(end), s.cursor, s.text.slice(s.cursor, end));
}

/** Ctrl-U: delete from the start of the cursor's line to the cursor. */
export function killToLineStart(s: EditorState): EditorState {
  const start = lineStart(s.text, s.cursor);
  if (start === s.cursor) return s;
  return edit(s, s.text.slice(0, start) + s.text.slice(s.cursor), start, s.text.slice(start, s.cursor));
}

/** Ctrl-K: delete from the cursor to the end of its line. */
export function killToLineEnd(s: EditorState): EditorState {
  const end = lineEnd(s.text, s.cursor);
  if (end === s.cursor) return s;
  return edit(s, s.text.slice(0, s.cursor) + s.text.slice(end), s.cursor, s.text.slice(s.cursor, end));
}

/** Ctrl-Y: insert the last killed text. */
export function yank(s: EditorState): EditorState {
  return insertText(s, s.killed);
}

/** The cursor's line and column (code units within the line). */
export function cursorLine(s: Pick<EditorState, 'text' | 'cursor'>): { line: number; column: number; lines: string[] } {
  const lines = s.text.split('\n');
  const before = s.text.slice(0, s.cursor).split('\n');
  return { line: before.length - 1, column: before[before.length - 1]!.length, lines };
}

/** Move the cursor to `line`, keeping its column where the line is long enough. */
function moveToLine(s: EditorState, line: number, column: number): EditorState {
  const lines = s.text.split('\n');
  let offset = 0;
  for (let i = 0; i < line; i++) offset += lines[i]!.length + 1;
  return { ...s, cursor: snapToBoundary(s.text, offset + Math.min(column, lines[line]!.length)) };
}

/** ↑: up a line inside a multi-line buffer, else the previous history entry. */
export function up(s: EditorState): EditorState {
  const { line, column } = cursorLine(s);
  if (line > 0) return moveToLine(s, line - 1, column);
  return historyPrevious(s);
}

/** ↓: down a line inside a multi-line buffer, else the next history entry. */
export function down(s: EditorState): EditorState {
  const { line, column, lines } = cursorLine(s);
  if (line < lines.length - 1) return moveToLine(s, line + 1, column);
  return historyNext(s);
}

export function historyPrevious(s: EditorState): EditorState {
  if (s.history.length === 0) return s;
  const index = s.historyIndex === null ? s.history.length - 1 : s.historyIndex - 1;
  if (index < 0) return s;
  const text = s.history[index]!;
  return { ...s, text, cursor: text.length, historyIndex: index, draft: s.historyIndex === null ? s.text : s.draft };
}

export function historyNext(s: EditorState): EditorState {
  if (s.historyIndex === null) return s;
  const index = s.historyIndex + 1;
  if (index >= s.history.length) return { ...s, text: s.draft, cursor: s.draft.length, historyIndex: null, draft: '' };
  const text = s.history[index]!;
  return { ...s, text, cursor: text.length, historyIndex: index };
}

/**
 * Record a submitted entry and clear the buffer. Consecutive duplicates are not repeated;
 * the history keeps its newest `maxEntries`.
 */
export function commitEntry(s: EditorState, entry: string, maxEntries: number): EditorState {
  const trimmed = entry.trim();
  const history = trimmed === '' || s.history[s.history.length - 1] === trimmed ? s.history : [...s.history, trimmed].slice(-maxEntries);
  return { ...emptyEditor(history), killed: s.killed };
}

// ── reverse incremental search (Ctrl-R) ────────────────────────────────────────────────

/** Newest entry at or before `from` whose text contains `query` (case-insensitive). */
function findBackward(history: readonly string[], query: string, from: number): number | null {
  const needle = query.toLowerCase();
  for (let i = Math.min(from, history.length - 1); i >= 0; i--) if (history[i]!.toLowerCase().includes(needle)) return i;
  return null;
}

function showMatch(s: EditorState, search: SearchState): EditorState {
  if (search.matchIndex === null) return { ...s, search };
  const text = s.history[search.matchIndex]!;
  const at = text.toLowerCase().lastIndexOf(search.query.toLowerCase());
  return { ...s, search, text, cursor: at < 0 ? text.length : at };
}

/** Ctrl-R: start a search, or (while searching) go to the next older match. */
export function searchBackward(s: EditorState): EditorState {
  if (!s.search) {
    return { ...s, search: { query: '', matchIndex: null, original: { text: s.text, cursor: s.cursor } } };
  }
  const { query, matchIndex } = s.search;
  if (query === '') return s;
  const from = matchIndex === null ? s.history.length - 1 : matchIndex - 1;
  const next = findBackward(s.history, query, from);
  // No older match: stay on the current one (readline rings the bell here).
  return next === null ? s : showMatch(s, { ...s.search, matchIndex: next });
}

export function searchType(s: EditorState, typed: string): EditorState {
  if (!s.search) return s;
  const query = s.search.query + typed;
  // Keep the current match if it still matches, else look further back from it.
  const from = s.search.matchIndex ?? s.history.length - 1;
  const matchIndex = findBackward(s.history, query, from);
  if (matchIndex === null) return { ...s, search: { ...s.search, query, matchIndex: null } };
  return showMatch(s, { ...s.search, query, matchIndex });
}

export function searchBackspace(s: EditorState): EditorState {
  if (!s.search) return s;
  const query = s.search.query.slice(0, previousBoundary(s.search.query, s.search.query.length));
  if (query === '') return { ...s, text: s.search.original.text, cursor: s.search.original.cursor, search: { ...s.search, query, matchIndex: null } };
  const matchIndex = findBackward(s.history, query, s.history.length - 1);
  if (matchIndex === null) return { ...s, search: { ...s.search, query, matchIndex: null } };
  return showMatch(s, { ...s.search, query, matchIndex });
}

/** Accept the match as the buffer (Enter, arrows and editing keys end the search this way). */
export function searchAccept(s: EditorState): EditorState {
  if (!s.search) return s;
  if (s.search.matchIndex === null) return { ...s, search: null, text: s.search.original.text, cursor: s.search.original.cursor };
  return { ...s, search: null, historyIndex: null, draft: '' };
}

/** Ctrl-G / Esc / Ctrl-C: leave the search and restore the buffer as it was (L3). */
export function searchCancel(s: EditorState): EditorState {
  if (!s.search) return s;
  return { ...s, text: s.search.original.text, cursor: s.search.original.cursor, search: null };
}
