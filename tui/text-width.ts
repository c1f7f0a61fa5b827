// Terminal cell widths. Every string the dashboard draws is measured here, so a wide
// (east-asian) character in a value, or a box glyph, never pushes a line past its box.
//
// Widths come from `string-width` (a dependency of ink itself, so it is always installed
// beside it): wide characters count 2 cells, combining marks 0, ambiguous glyphs such as
// ▁█╭│ count 1 as most terminals draw them. Strings are cut at grapheme boundaries only.
//
// `visible()` is the one gate between engine data and the terminal: query results and
// messages may hold control characters (ESC would let a stored string drive the operator's
// terminal), so they are replaced by caret notation before anything is measured or drawn.

import stringWidth from 'string-width';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// C0 controls, DEL, C1 controls, and the bidi overrides that reorder what follows them.
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** Terminal cells `text` occupies. Cost: O(length); ASCII takes a fast path. */
export function displayWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  return stringWidth(text);
}

/** The grapheme clusters of `text`, in order. */
export function graphemes(text: string): string[] {
  if (PRINTABLE_ASCII.test(text)) return text.split('');
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/**
 * `text` with every control character made visible: tab as one space, newline as '↵',
 * ESC as '^[', other C0 as '^X', DEL as '^?', C1 and bidi overrides as '\uXXXX'. The result
 * is safe to write to a terminal and has a stable width (each input char maps to fixed text).
 */
export function visible(text: string): string {
  if (PRINTABLE_ASCII.test(text)) return text;
  return text.replace(UNSAFE, (ch) => {
    const code = ch.charCodeAt(0);
    if (ch === '\t') return ' ';
    if (ch === '\n') return '↵';
    if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
    if (code === 0x7f) return '^?';
    return `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * `text` cut to at most `width` cells, ending with `ellipsis` when something was cut.
 * A wide character that would straddle the limit is dropped whole.
 */
export function truncateToWidth(text: string, width: number, ellipsis = '…'): string {
  if (width <= 0) return '';
  const total = displayWidth(text);
  if (total <= width) return text;
  const room = width - displayWidth(ellipsis);
  if (room < 0) return '';
  if (room === 0) return ellipsis;
  let used = 0;
  let out = '';
  for (const g of graphemes(text)) {
    const w = displayWidth(g);
    if (used + w > room) break;
    out += g;
    used += w;
  }
  return out + ellipsis;
}

/** `text` cut from the left to at most `width` cells: "…/lib/ombra/graph.db" (paths end in what matters). */
export function truncateStartToWidth(text: string, width: number, ellipsis = '…'): string {
  if (width <= 0) return '';
  if (displayWidth(text) <= width) return text;
  const room = width - displayWidth(ellipsis);
  if (room <= 0) return room === 0 ? ellipsis : '';
  let used = 0;
  let out = '';
  const parts = graphemes(text);
  for (let i = parts.length - 1; i >= 0; i--) {
    const w = displayWidth(parts[i]!);
    if (used + w > room) break;
    out = parts[i]! + out;
    used += w;
  }
  return ellipsis + out;
}

/** `text` padded with spaces on the right to exactly `width` cells (truncated if longer). */
export function padEndToWidth(text: string, width: number): string {
  const fitted = truncateToWidth(text, width);
  return fitted + ' '.repeat(Math.max(0, width - displayWidth(fitted)));
}

/** `text` padded with spaces on the left to exactly `width` cells (truncated if longer). */
export function padStartToWidth(text: string, width: number): string {
  const fitted = truncateToWidth(text, width);
  return ' '.repeat(Math.max(0, width - displayWidth(fitted))) + fitted;
}

/**
 * The cells [start, start + width) of `text`. A wide character cut by either edge becomes
 * a space, so the result is exactly as wide as what it covers.
 */
export function sliceColumns(text: string, start: number, width: number): string {
  if (width <= 0) return '';
  let col = 0;
  let out = '';
  const end = start + width;
  for (const g of graphemes(text)) {
    const w = displayWidth(g);
    const next = col + w;
    if (next <= start) {
      col = next;
      continue;
    }
    if (col >= end) break;
    if (col < start || next > end) out += ' '.repeat(Math.min(next, end) - Math.max(col, start));
    else out += g;
    col = next;
  }
  return out;
}

/** Expand tabs to the next multiple of `tabSize` cells (for excerpts whose caret line uses tabs). */
export function expandTabs(text: string, tabSize = 8): string {
  if (!text.includes('\t')) return text;
  let out = '';
  let col = 0;
  for (const g of graphemes(text)) {
    if (g === '\t') {
      const spaces = tabSize - (col % tabSize);
      out += ' '.repeat(spaces);
      col += spaces;
    } else {
      out += g;
      col += displayWidth(g);
    }
  }
  return out;
}
