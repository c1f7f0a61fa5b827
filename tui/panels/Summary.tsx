// The compact view for terminals below 80×24: one or two summary lines instead of panels.
//   ▲ Degraded · tx/s 142 · p99 9.8 ms · WAL 42% · hit 99.2%
//   backup 61% · READ-ONLY · PAUSED · up 3h 12m

import type { MetricsSnapshot } from '../../src/observe/snapshot.js';
import { formatCompact, formatDuration, formatMs, formatRatio } from '../format.js';
import { joinParts, Lines, seg, type Line, type Part } from '../lines.js';
import { checkStatus, statusSegment, toneOf } from './common.js';
import { flagParts } from './Header.js';

export interface SummaryProps {
  snapshot: MetricsSnapshot | null;
  title: string;
  paused: boolean;
  metricsError: string | null;
  staleSeconds: number | null;
  width: number;
  /** 1 or 2 lines. */
  height: number;
}

export function summaryLines(p: SummaryProps): Line[] {
  const s = p.snapshot;
  const problems: Part[] = [];
  if (p.paused) problems.push({ line: [seg('PAUSED', 'warn')], priority: 0 });
  if (p.metricsError !== null) problems.push({ line: [seg(`metrics unavailable: ${p.metricsError}`, 'bad')], priority: 0 });
  else if (p.staleSeconds !== null) problems.push({ line: [seg(`metrics ${formatDuration(p.staleSeconds)} old`, 'warn')], priority: 0 });
  if (!s) {
    const first = joinParts([{ line: [seg(p.title, 'strong')], priority: 1 }, { line: [seg('waiting for metrics…', 'dim')], priority: 0 }, ...problems], p.width);
    return [first];
  }
  const wal = s.wal.maxBytes > 0 ? `${Math.round((s.wal.logBytes / s.wal.maxBytes) * 100)}%` : '—';
  const first: Line = joinParts(
    [
      { line: statusSegment(s.health.status), priority: 0 },
      { line: [seg('tx/s ', 'label'), seg(formatCompact(s.transactions.committedPerSecond))], priority: 1 },
      { line: [seg('p99 ', 'label'), seg(s.commitLatencyMs.count > 0 ? formatMs(s.commitLatencyMs.p99) : '—')], priority: 2 },
      { line: [seg('WAL ', 'label'), seg(wal, toneOf(checkStatus(s.health, 'wal_size')))], priority: 3 },
      { line: [seg('hit ', 'label'), seg(formatRatio(s.cache.hitRate), toneOf(checkStatus(s.health, 'cache_hit_rate')))], priority: 4 },
    ],
    p.width,
  );
  if (p.height < 2) return [first];
  const jobs: Part[] = s.jobs.running.map((job) => {
    const { done, total } = job.progress;
    return { line: [seg(job.kind, 'accent'), seg(total > 0 ? ` ${Math.floor(Math.min(1, done / total) * 100)}%` : ' running')], priority: 1 };
  });
  const second = joinParts(
    [
      ...problems,
      ...flagParts(s.database).map((line) => ({ line, priority: 0 })),
      ...jobs,
      { line: [seg('up ', 'label'), seg(formatDuration(s.uptimeSeconds))], priority: 3 },
    ],
    p.width,
  );
  return [first, second];
}

export function Summary(props: SummaryProps) {
  return <Lines lines={summaryLines(props)} width={props.width} height={props.height} />;
}
