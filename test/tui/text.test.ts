import { describe, expect, it } from 'vitest';
import { ratioBar, sparkline } from '../../tui/charts.js';
import { formatAgo, formatBytes, formatCompact, formatCount, formatDuration, formatInterval, formatMs, formatPercent, formatRatio } from '../../tui/format.js';
import { fitLine, joinParts, lineText, lineWidth, padLine, seg } from '../../tui/lines.js';
import {
  displayWidth,
  expandTabs,
  padEndToWidth,
  padStartToWidth,
  sliceColumns,
  truncateStartToWidth,
  truncateToWidth,
  visible,
} from '../../tui/text-width.js';

describe('text widths', () => {
  it('counts wide characters as two cells and box glyphs as one', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('名前')).toBe(4);
    expect(displayWidth('▁█╭│…')).toBe(5);
    expect(displayWidth('e\u0301')).toBe(1);
  });

  it('truncates by cells, never splitting a wide character, and marks the cut', () => {
    expect(truncateToWidth('hello world', 8)).toBe('hello w…');
    expect(truncateToWidth('名前名前', 5)).toBe('名前…');
    expect(displayWidth(truncateToWidth('名前名前', 4))).toBeLessThanOrEqual(4);
    expect(truncateToWidth('short', 10)).toBe('short');
    expect(truncateToWidth('abc', 1)).toBe('…');
    expect(truncateToWidth('abc', 0)).toBe('');
    expect(truncateStartToWidth('/var/lib/ombra/graph.db', 12)).toBe('…ra/graph.db');
  });

  it('pads to exact widths with wide characters', () => {
    expect(padEndToWidth('名', 4)).toBe('名  ');
    expect(padStartToWidth('7', 3)).toBe('  7');
    expect(displayWidth(padEndToWidth('名前名前', 5))).toBe(5);
  });

  it('slices columns, blanking a wide character cut by an edge', () => {
    expect(sliceColumns('abcdef', 2, 3)).toBe('cde');
    expect(sliceColumns('a名b', 2, 2)).toBe(' b');
    expect(sliceColumns('a名b', 0, 2)).toBe('a ');
  });

  it('makes control characters visible so engine data cannot drive the terminal', () => {
    expect(visible('a\u001b[2Jb')).toBe('a^[[2Jb');
    expect(visible('line1\nline2\ttab')).toBe('line1↵line2 tab');
    expect(visible('\u007f\u009b\u202e')).toBe('^?\\u009b\\u202e');
    expect(visible('plain')).toBe('plain');
  });

  it('expands tabs to tab stops', () => {
    expect(expandTabs('a\tb', 4)).toBe('a   b');
    expect(expandTabs('\tx', 8)).toBe('        x');
  });
});

describe('number formats', () => {
  it('formats counts, compact values and bytes', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCompact(142.4)).toBe('142');
    expect(formatCompact(2.5)).toBe('2.5');
    expect(formatCompact(12345.6)).toBe('12.3k');
    expect(formatCompact(999_960)).toBe('1M');
    expect(formatCompact(3_456_789)).toBe('3.46M');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(27 * 1024 * 1024)).toBe('27.0 MiB');
    expect(formatBytes(1.2 * 1024 ** 3)).toBe('1.20 GiB');
  });

  it('formats latencies, ratios, percentages and intervals', () => {
    expect(formatMs(0.42)).toBe('0.42 ms');
    expect(formatMs(9.8)).toBe('9.8 ms');
    expect(formatMs(123.4)).toBe('123 ms');
    expect(formatMs(2500)).toBe('2,500 ms');
    expect(formatMs(12_345)).toBe('12.3 s');
    expect(formatRatio(0.992)).toBe('99.2%');
    expect(formatRatio(null)).toBe('—');
    expect(formatPercent(null)).toBe('—');
    expect(formatPercent(3.14)).toBe('3.1%');
    expect(formatInterval(250)).toBe('250ms');
    expect(formatInterval(1000)).toBe('1s');
    expect(formatInterval(2500)).toBe('2.5s');
  });

  it('formats durations coarsely so idle displays stay still', () => {
    expect(formatDuration(12)).toBe('12s');
    expect(formatDuration(75)).toBe('1m');
    expect(formatDuration(3 * 3600 + 12 * 60 + 5)).toBe('3h 12m');
    expect(formatDuration(2 * 86400 + 4 * 3600)).toBe('2d 4h');
    expect(formatAgo(1000, 13_000)).toBe('12s ago');
    expect(formatAgo(0, 13_000)).toBe('never');
  });
});

describe('charts', () => {
  it('draws a sparkline of exactly the width asked, scaled to the largest value', () => {
    const line = sparkline([0, 1, 2, 3, 4, 5, 6, 7, 8], 9);
    expect(line).toBe('▁▁▂▃▄▅▆▇█');
    expect(displayWidth(sparkline([1, 2, 3], 10))).toBe(10);
    expect(sparkline([1, 2, 3], 10).startsWith('       ')).toBe(true);
    expect(sparkline([], 4)).toBe('    ');
    expect(sparkline([0, 0, 0], 3)).toBe('▁▁▁');
  });

  it('buckets long history by absolute time so only the newest cell changes between refreshes', () => {
    const history = Array.from({ length: 300 }, (_, i) => (i * 37) % 101);
    const a = sparkline(history, 40, { endSecond: 1000 });
    expect(displayWidth(a)).toBe(40);
    // One second later, same bucket: every cell but the last is unchanged.
    const next = [...history.slice(1), 55];
    const b = sparkline(next, 40, { endSecond: 1001 });
    const perCell = Math.ceil(300 / 40);
    if (Math.floor(1001 / perCell) === Math.floor(1000 / perCell)) expect(b.slice(0, 38)).toBe(a.slice(0, 38));
    // Each cell shows the maximum of its bucket: a spike survives.
    const spiky = new Array(300).fill(1);
    spiky[150] = 100;
    expect(sparkline(spiky, 40, { endSecond: 299 })).toContain('█');
  });

  it('draws ratio bars clamped to 0..1', () => {
    expect(ratioBar(0.5, 10)).toBe('█████░░░░░');
    expect(ratioBar(2, 4)).toBe('████');
    expect(ratioBar(Number.NaN, 3)).toBe('░░░');
  });
});

describe('lines', () => {
  it('fits a styled line to a width with an ellipsis at the cut', () => {
    const line = [seg('status ', 'label'), seg('Degraded', 'warn'), seg(' and more text')];
    const fitted = fitLine(line, 12);
    expect(lineWidth(fitted)).toBe(12);
    expect(lineText(fitted)).toBe('status Degr…');
    expect(fitted[1]!.tone).toBe('warn');
    expect(lineWidth(padLine([seg('名')], 5))).toBe(5);
  });

  it('keeps the most important parts that fit, in display order', () => {
    const parts = [
      { line: [seg('aaaa')], priority: 2 },
      { line: [seg('bbbb')], priority: 0 },
      { line: [seg('cccc')], priority: 1 },
    ];
    expect(lineText(joinParts(parts, 100))).toBe('aaaa · bbbb · cccc');
    expect(lineText(joinParts(parts, 11))).toBe('bbbb · cccc');
    expect(lineText(joinParts(parts, 4))).toBe('bbbb');
    expect(lineText(joinParts(parts, 2))).toBe('b…');
  });
});
