// Latency: commit and query latency percentiles (p50/p95/p99, then max and sample count
// when there is room). p99 is the last to go when the line is short of space.

import type { LatencySummary } from '../../src/observe/snapshot.js';
import { formatCount, formatMs } from '../format.js';
import { joinParts, Lines, seg, type Line, type Part } from '../lines.js';
import { contentHeight, contentWidth, framed, type PanelGeometry } from './frame.js';

export interface LatencyProps extends PanelGeometry {
  commitLatencyMs: LatencySummary;
  queryLatencyMs: LatencySummary;
}

const SEPARATOR: Line = [seg('  ')];

/**
 * "commit  p50 1.2 ms  p95 4.1 ms  p99 9.8 ms  max 31 ms  n 1,234". When every value is
 * under a second the unit is written once, at the end of p99, to save room.
 */
export function latencyLine(label: string, s: LatencySummary, width: number): Line {
  const head: Part = { line: [seg(label.padEnd(6), 'label')], priority: 0 };
  if (s.count === 0) return joinParts([head, { line: [seg('no samples yet', 'dim')], priority: 1 }], width, SEPARATOR);
  const short = [s.p50, s.p95, s.p99].every((v) => v < 1000);
  const value = (v: number, unit: boolean): string => {
    const text = formatMs(v);
    return short && !unit ? text.replace(/ ms$/, '') : text;
  };
  return joinParts(
    [
      head,
      { line: [seg('p50 ', 'label'), seg(value(s.p50, false))], priority: 2 },
      { line: [seg('p95 ', 'label'), seg(value(s.p95, false))], priority: 3 },
      { line: [seg('p99 ', 'label'), seg(value(s.p99, true), 'strong')], priority: 1 },
      { line: [seg('max ', 'label'), seg(formatMs(s.max))], priority: 4 },
      { line: [seg('n ', 'label'), seg(formatCount(s.count))], priority: 5 },
    ],
    width,
    SEPARATOR,
  );
}

export function latencyLines(p: LatencyProps): Line[] {
  // Row variant: the labels 'commit'/'query' sit inside the line, no label column.
  const width = p.variant === 'box' ? contentWidth(p) : p.width;
  const content: Line[] = [latencyLine('commit', p.commitLatencyMs, width), latencyLine('query', p.queryLatencyMs, width)];
  const rows = p.variant === 'box' ? contentHeight(p) : p.height;
  if (rows > 2) {
    content.push([seg('commits ', 'label'), seg(formatCount(p.commitLatencyMs.count)), seg(' · queries ', 'label'), seg(formatCount(p.queryLatencyMs.count))]);
  }
  if (p.variant === 'box') return framed(content, 'Latency', '', p);
  return content.slice(0, p.height).map((line, i) => (i === 0 && p.selected ? [seg('▶', 'selected'), ...line] : line));
}

export function LatencyPanel(props: LatencyProps) {
  return <Lines lines={latencyLines(props)} width={props.width} height={props.height} />;
}
