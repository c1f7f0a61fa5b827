// Throughput: transactions, reads and writes per second, each with a sparkline over the
// snapshot's history (one sample per second, the last minutes) and the current value.

import type { MetricsSnapshot } from '../../src/observe/snapshot.js';
import { sparkline } from '../charts.js';
import { formatCompact, formatCount, formatDuration } from '../format.js';
import { Lines, seg, type Line } from '../lines.js';
import { padStartToWidth } from '../text-width.js';
import { contentHeight, contentWidth, panelLines, type PanelGeometry } from './frame.js';

export interface ThroughputProps extends PanelGeometry {
  transactions: MetricsSnapshot['transactions'];
  takenAtMs: number;
}

const VALUE_WIDTH = 6;
const ROWS = [
  { label: 'tx/s', rate: 'committedPerSecond' },
  { label: 'reads/s', rate: 'readsPerSecond' },
  { label: 'writes/s', rate: 'writesPerSecond' },
] as const;

export function throughputLines(p: ThroughputProps): Line[] {
  const t = p.transactions;
  const width = contentWidth(p);
  const inline = p.variant === 'box';
  const labelWidth = inline ? 9 : 0;
  const sparkWidth = Math.max(0, width - labelWidth - VALUE_WIDTH - 1);
  const endSecond = Math.floor(p.takenAtMs / 1000);
  const content: Line[] = ROWS.map(({ label, rate }) => {
    const line: Line = [
      ...(inline ? [seg(label.padEnd(labelWidth), 'label')] : []),
      seg(padStartToWidth(formatCompact(t[rate]), VALUE_WIDTH), 'strong'),
      seg(' '),
      seg(sparkline(t.history[rate], sparkWidth, { endSecond }), 'accent'),
    ];
    return line;
  });
  if (contentHeight(p) > ROWS.length) {
    content.push([seg('committed ', 'label'), seg(formatCount(t.committedTotal)), seg(' · rolled back ', 'label'), seg(formatCount(t.rolledBackTotal))]);
  }
  const samples = Math.max(t.history.committedPerSecond.length, t.history.readsPerSecond.length, t.history.writesPerSecond.length);
  const note = samples === 0 ? 'no history yet' : `last ${formatDuration(samples)}`;
  return panelLines(content, 'Throughput', ROWS.map((r) => r.label), note, p);
}

export function ThroughputPanel(props: ThroughputProps) {
  return <Lines lines={throughputLines(props)} width={props.width} height={props.height} />;
}
