import { describe, expect, it } from 'vitest';
import { lineText, type Line } from '../../tui/lines.js';
import { errorLines, ROW_CAP, RunOutput, Scrollback } from '../../tui/scrollback.js';
import { fitColumnWidths, layoutTable } from '../../tui/table-layout.js';
import { displayWidth } from '../../tui/text-width.js';

const text = (lines: Line[]): string[] => lines.map(lineText);

describe('result tables', () => {
  it('sizes columns from their content, right-aligns numbers, draws a header rule', () => {
    const lines = text(layoutTable({ columns: ['name', 'age'], rows: [['Alice', '33'], ['Bob', '7']], omittedRows: 0 }, 80));
    expect(lines).toEqual(['name  │ age', '──────┼────', 'Alice │  33', 'Bob   │   7']);
  });

  it('lines up wide characters by terminal cells', () => {
    const lines = text(layoutTable({ columns: ['city', 'n'], rows: [['東京', '1'], ['Oslo', '22']], omittedRows: 0 }, 80));
    expect(lines.map((l) => displayWidth(l.split(/[│┼]/)[0]!))).toEqual([5, 5, 5, 5]);
    expect(lines[2]).toBe('東京 │  1');
  });

  it('caps wide columns and truncates their values with an ellipsis', () => {
    const long = 'x'.repeat(100);
    const lines = text(layoutTable({ columns: ['id', 'text'], rows: [['1', long]], omittedRows: 0 }, 120));
    expect(lines[2]).toBe(` 1 │ ${'x'.repeat(39)}…`);
  });

  it('shrinks the widest columns first to fit the terminal', () => {
    expect(fitColumnWidths([10, 30, 30], 50)).toEqual([10, 17, 17]);
    const lines = text(layoutTable({ columns: ['a', 'b', 'c'], rows: [['1234567890', 'y'.repeat(30), 'z'.repeat(30)]], omittedRows: 0 }, 50));
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(50);
    expect(lines[2]).toContain('…');
  });

  it('says how many rows were left out', () => {
    const lines = text(layoutTable({ columns: ['n'], rows: [['1']], omittedRows: 1234 }, 40));
    expect(lines[lines.length - 1]).toBe('… 1,234 more rows');
  });

  it('keeps ROW_CAP rows of a result, counts the rest and prints a summary', () => {
    const sb = new Scrollback();
    const out = new RunOutput(sb);
    out.apply({ kind: 'columns', columns: ['n'] });
    const rows = Array.from({ length: ROW_CAP + 250 }, (_, i) => [String(i)]);
    out.apply({ kind: 'rows', cells: rows.slice(0, 600) });
    out.apply({ kind: 'rows', cells: rows.slice(600) });
    expect(out.rowsSoFar).toBe(ROW_CAP + 250);
    out.apply({ kind: 'end', rowCount: ROW_CAP + 250, elapsedMs: 1.234, summary: '' });
    const all = text(sb.view(80, 10_000, 0).lines);
    expect(all.length).toBe(2 + ROW_CAP + 1 + 1);
    expect(all[all.length - 2]).toBe('… 250 more rows');
    expect(all[all.length - 1]).toBe('1,250 rows, 1.23 ms');
  });

  it('uses the summary the shell gives, and shows rows of a result cut short', () => {
    const sb = new Scrollback();
    const out = new RunOutput(sb);
    out.apply({ kind: 'columns', columns: ['n'] });
    out.apply({ kind: 'rows', cells: [['1']] });
    out.apply({ kind: 'error', code: 'CANCELLED', message: 'cancelled' });
    out.finish();
    out.apply({ kind: 'end', rowCount: 3, elapsedMs: 1, summary: '3 rows, 2 nodes created' });
    expect(text(sb.view(80, 100, 0).lines)).toEqual(['n', '─', '1', '✖ error CANCELLED: cancelled', '3 rows, 2 nodes created']);
  });
});

describe('errors', () => {
  it('puts the caret under the offending column', () => {
    const lines = text(errorLines({ kind: 'error', code: 'SYNTAX', message: "Invalid input 'RETRUN'", excerpt: 'MATCH (n) RETRUN n\n          ^' }, 80));
    expect(lines).toEqual(["✖ error SYNTAX: Invalid input 'RETRUN'", '  MATCH (n) RETRUN n', '            ^']);
    expect(lines[2]!.indexOf('^')).toBe(lines[1]!.indexOf('RETRUN'));
  });

  it('keeps the caret under the column past wide characters and tabs', () => {
    const source = "RETURN '名前'\tx";
    const offset = source.indexOf('x');
    const caret = `${[...source.slice(0, offset)].map((c) => (c === '\t' ? '\t' : ' ')).join('')}^`;
    const lines = text(errorLines({ kind: 'error', code: 'SYNTAX', message: 'm', excerpt: `${source}\n${caret}` }, 80));
    expect(displayWidth(lines[2]!.slice(0, lines[2]!.indexOf('^')))).toBe(displayWidth(lines[1]!.slice(0, lines[1]!.indexOf('x'))));
  });

  it('places a caret from the column when the excerpt has none, and windows long lines', () => {
    const lines = text(errorLines({ kind: 'error', code: 'SYNTAX', message: 'm', excerpt: 'RETURN 1 +', column: 11 }, 80));
    expect(lines[2]!.indexOf('^')).toBe(2 + 10);
    const long = `${'a'.repeat(200)}!`;
    const windowed = text(errorLines({ kind: 'error', code: 'SYNTAX', message: 'm', excerpt: `${long}\n${' '.repeat(200)}^` }, 40));
    expect(windowed[2]!.indexOf('^')).toBe(windowed[1]!.indexOf('!'));
    for (const line of windowed) expect(displayWidth(line)).toBeLessThanOrEqual(40);
  });
});

describe('scrollback', () => {
  it('pages from the bottom and clamps the offset', () => {
    const sb = new Scrollback();
    for (let i = 0; i < 30; i++) sb.push({ kind: 'text', text: `line ${i}` });
    expect(text(sb.view(80, 3, 0).lines)).toEqual(['line 27', 'line 28', 'line 29']);
    expect(text(sb.view(80, 3, 10).lines)).toEqual(['line 17', 'line 18', 'line 19']);
    const top = sb.view(80, 3, 1000);
    expect(top.offset).toBe(27);
    expect(text(top.lines)).toEqual(['line 0', 'line 1', 'line 2']);
  });

  it('drops the oldest blocks past its line budget', () => {
    const sb = new Scrollback(10);
    for (let i = 0; i < 20; i++) sb.push({ kind: 'text', text: `line ${i}` });
    expect(sb.lineCount(80)).toBe(10);
    expect(text(sb.view(80, 1, 9).lines)).toEqual(['line 10']);
  });

  it('wraps long text and re-lays it for a new width', () => {
    const sb = new Scrollback();
    sb.push({ kind: 'text', text: 'x'.repeat(25) });
    expect(sb.lineCount(10)).toBe(3);
    expect(sb.lineCount(80)).toBe(1);
  });
});

describe('wrapping', () => {
  it('breaks long text after spaces, and inside a word only when it must', async () => {
    const { wrapToWidth } = await import('../../tui/scrollback.js');
    expect(wrapToWidth('the quick brown fox jumps', 10)).toEqual(['the quick', 'brown fox', 'jumps']);
    expect(wrapToWidth('abcdefghijklmnop', 6)).toEqual(['abcdef', 'ghijkl', 'mnop']);
    expect(wrapToWidth('ok 名前名前名前', 6)).toEqual(['ok', '名前名', '前名前']);
    expect(wrapToWidth('', 5)).toEqual(['']);
  });
});
