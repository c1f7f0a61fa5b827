// Text renderings the console prints for people: the line under a result, plan trees,
// :stats, :jobs and the reports of the operations the console starts. JSON output never goes
// through here: `--format json` prints the objects themselves.

import type { PlanDescription } from '../src/cypher/planner/index.js';
import type { QueryStats } from '../src/cypher/runtime/values.js';
import type { MetricsSnapshot } from '../src/observe/snapshot.js';
import type { BackupReport } from '../src/ops/backup.js';
import type { CompactReport } from '../src/ops/compact.js';
import type { JobInfo } from '../src/ops/job-types.js';
import type { CheckpointReport } from '../src/storage/checkpoint.js';
import { formatBytes, formatMs } from './commands/report-format.js';

export { formatBytes, formatMs } from './commands/report-format.js';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** `2 nodes created, 4 properties set` — only the counters that moved. */
export function statsParts(stats: QueryStats): string[] {
  const parts: string[] = [];
  if (stats.nodesCreated) parts.push(`${plural(stats.nodesCreated, 'node')} created`);
  if (stats.nodesDeleted) parts.push(`${plural(stats.nodesDeleted, 'node')} deleted`);
  if (stats.relationshipsCreated) parts.push(`${plural(stats.relationshipsCreated, 'relationship')} created`);
  if (stats.relationshipsDeleted) parts.push(`${plural(stats.relationshipsDeleted, 'relationship')} deleted`);
  if (stats.propertiesSet) parts.push(`${plural(stats.propertiesSet, 'property', 'properties')} set`);
  if (stats.propertiesRemoved) parts.push(`${plural(stats.propertiesRemoved, 'property', 'properties')} removed`);
  if (stats.labelsAdded) parts.push(`${plural(stats.labelsAdded, 'label')} added`);
  if (stats.labelsRemoved) parts.push(`${plural(stats.labelsRemoved, 'label')} removed`);
  return parts;
}

export interface SummaryInput {
  hasColumns: boolean;
  rowCount: number;
  stats: QueryStats | null;
  elapsedMs: number;
  timing: boolean;
  inTransaction: boolean;
}

/** The line under a result: `3 rows (1.2 ms)`, `2 nodes created, 1 label added (4.0 ms)`. */
export function summaryText(input: SummaryInput): string {
  const parts: string[] = [];
  if (input.hasColumns) parts.push(plural(input.rowCount, 'row'));
  if (input.stats) parts.push(...statsParts(input.stats));
  if (parts.length === 0) parts.push('no changes');
  let text = parts.join(', ');
  if (input.timing) text += ` (${formatMs(input.elapsedMs)})`;
  if (input.inTransaction) text += ' — in the open transaction, not committed yet';
  return text;
}

/** A plan as an indented tree; PROFILE adds rows and time per operator. */
export function planText(plan: PlanDescription): string {
  const lines: string[] = [];
  const walk = (node: PlanDescription, prefix: string, childPrefix: string): void => {
    let line = `${prefix}${node.operator}`;
    if (node.details) line += `  ${node.details}`;
    if (node.rows !== undefined) line += `  [rows ${node.rows}${node.timeMs !== undefined ? `, ${node.timeMs.toFixed(3)} ms` : ''}]`;
    lines.push(line);
    node.children.forEach((child, i) => {
      const last = i === node.children.length - 1;
      walk(child, `${childPrefix}${last ? '└─ ' : '├─ '}`, `${childPrefix}${last ? '   ' : '│  '}`);
    });
  };
  walk(plan, '', '');
  return lines.join('\n');
}

export function checkpointText(report: CheckpointReport): string {
  return (
    `checkpoint ${report.mode}: ${report.pagesCopied} pages copied, ${report.framesRemaining} frames left in the WAL, ` +
    `WAL now ${formatBytes(report.walSizeBytesAfter)} (${formatMs(report.durationMs)})`
  );
}

export function backupText(report: BackupReport): string {
  return (
    `backup ${report.kind} #${report.sequence} to ${report.dir}/${report.file}: ${report.pagesCopied} of ${report.pageCount} pages ` +
    `(LSN ${report.fromLsn}..${report.toLsn}), ${formatBytes(report.fileBytes)} in ${formatMs(report.durationMs)}; chain of ${report.chainLength}`
  );
}

export function compactText(report: CompactReport): string {
  const lines = [
    `compacted ${report.path}: ${report.pagesBefore} -> ${report.pagesAfter} pages, ${formatBytes(report.bytesReclaimed)} reclaimed, ` +
      `fragmentation ${report.fragmentationPercentBefore}% -> ${report.fragmentationPercentAfter}% (${formatMs(report.durationMs)}, ` +
      `writers held ${formatMs(report.writersHeldMs)})`,
  ];
  for (const warning of report.warnings) lines.push(`  warning: ${warning}`);
  return lines.join('\n');
}

const percent = (ratio: number | null): string => (ratio === null ? '-' : `${(ratio * 100).toFixed(1)}%`);
const rate = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

/** `:stats` — the metrics snapshot in a screenful. */
export function snapshotText(s: MetricsSnapshot): string {
  const d = s.database;
  const flags = [d.readOnly ? 'read-only' : null, d.maintenanceMode ? 'maintenance mode' : null, d.encrypted ? 'encrypted' : null].filter(Boolean);
  const lat = (l: MetricsSnapshot['commitLatencyMs']): string =>
    l.count === 0 ? 'no samples' : `p50 ${formatMs(l.p50)}, p95 ${formatMs(l.p95)}, p99 ${formatMs(l.p99)}, max ${formatMs(l.max)} (${l.count} in window)`;
  const lines = [
    `database      ${d.path}${flags.length > 0 ? ` (${flags.join(', ')})` : ''}, up ${formatSeconds(s.uptimeSeconds)}`,
    `graph         ${d.nodes} nodes, ${d.relationships} relationships`,
    `storage       ${formatBytes(d.fileSizeBytes)} in ${d.pageCount} pages of ${d.pageSizeBytes} B, ${d.freePages} free, fragmentation ${d.fragmentationPercent === null ? 'not analysed' : `${d.fragmentationPercent}%`}`,
    `transactions  ${rate(s.transactions.committedPerSecond)} commits/s, ${rate(s.transactions.readsPerSecond)} reads/s, ${rate(s.transactions.writesPerSecond)} writes/s; ${s.transactions.committedTotal} committed, ${s.transactions.rolledBackTotal} rolled back`,
    `commit        ${lat(s.commitLatencyMs)}`,
    `query         ${lat(s.queryLatencyMs)}`,
    `WAL           ${formatBytes(s.wal.logBytes)} of ${formatBytes(s.wal.maxBytes)}, ${s.wal.frames} frames (${s.wal.framesPendingCheckpoint} to checkpoint), ${s.wal.checkpointsTotal} checkpoints${s.wal.archiveLagFrames === null ? '' : `, archive lag ${s.wal.archiveLagFrames} frames`}`,
    `page cache    hit rate ${percent(s.cache.hitRate)}, ${s.cache.residentPages}/${s.cache.capacityPages} resident, ${s.cache.dirtyPages} dirty, ${s.cache.evictionsTotal} evictions`,
    `jobs          ${s.jobs.running.length} running, ${s.jobs.recent.length} recent`,
    `health        ${s.health.status}${s.health.checks.filter((c) => c.status !== 'healthy').map((c) => `; ${c.name}: ${c.message}`).join('')}`,
  ];
  return lines.join('\n');
}

function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** `:jobs` — running jobs with progress, then the recent ones with their outcome. */
export function jobsText(jobs: { running: readonly JobInfo[]; recent: readonly JobInfo[] }): string {
  if (jobs.running.length === 0 && jobs.recent.length === 0) return 'no jobs yet';
  const lines: string[] = [];
  for (const job of jobs.running) {
    const { phase, done, total } = job.progress;
    const progress = total > 0 ? ` ${((done / total) * 100).toFixed(0)}% (${done}/${total})` : '';
    lines.push(`#${job.id}  running    ${job.kind.padEnd(11)} ${job.description}: ${phase}${progress}`);
  }
  for (const job of jobs.recent) {
    const took = job.endedAtMs === null ? '' : ` in ${formatMs(job.endedAtMs - job.startedAtMs)}`;
    const why = job.error ? `: ${job.error.code}: ${job.error.message}` : '';
    lines.push(`#${job.id}  ${job.state.padEnd(10)} ${job.kind.padEnd(11)} ${job.description}${took}${why}`);
  }
  return lines.join('\n');
}
