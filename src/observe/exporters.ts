// Exporters: the metrics snapshot as Prometheus text, JSON and StatsD lines. Each is a
// function of a MetricsSnapshot only, so a front end holding a snapshot (the dashboard
// across its worker port) exports exactly what it shows.
//
// PROMETHEUS (text exposition format 0.0.4) goes through prom-client: a private Registry
// per export (never the global default registry), Counter and Gauge set from the snapshot,
// and histograms from the snapshot's cumulative bucket data (SnapshotHistogram below: prom-
// client's Histogram can only observe() values one by one, so its export is overridden to
// publish our exact cumulative counts). Names: `ombra_` prefix, base units (seconds, bytes),
// counters end in `_total`, histograms are `_bucket{le=...}` / `_sum` / `_count`.
//
// STATSD lines: `ombra.transactions.committed:123|c`. A StatsD counter is an increment, so
// a StatsdExporter remembers what it sent and sends the difference (the first export sends
// everything since open). Gauges are `|g`. Latencies: one `|ms` line per histogram with the
// mean of the samples recorded since the last export and a sample rate of 1/n, so the
// server's count and sum are exact; percentiles, which StatsD cannot rebuild from a mean, go
// as gauges (`.p50`, `.p95`, `.p99`, `.max`) computed from our histogram.

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { HealthStatus, HistogramData, MetricsSnapshot } from './snapshot.js';

export type MetricsFormat = 'prometheus' | 'json' | 'statsd';
export const METRICS_FORMATS: readonly MetricsFormat[] = ['prometheus', 'json', 'statsd'];

/** Content type of the Prometheus text format (for /metrics). */
export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

const HEALTH_VALUE: Record<HealthStatus, number> = { healthy: 0, degraded: 1, unhealthy: 2 };

// ── Prometheus ───────────────────────────────────────────────────────────────

type HistogramExport = Awaited<ReturnType<Histogram<string>['get']>>;
/** prom-client's typings declare MetricType as a numeric enum; at run time it is the string. */
const HISTOGRAM_TYPE = 'histogram' as unknown as HistogramExport['type'];

/** A prom-client histogram whose values come from a snapshot's cumulative bucket data. */
class SnapshotHistogram extends Histogram<string> {
  constructor(
    registry: Registry,
    private readonly metricName: string,
    private readonly metricHelp: string,
    private readonly data: HistogramData,
  ) {
    super({ name: metricName, help: metricHelp, registers: [registry], buckets: data.boundsMs.map((ms) => ms / 1000) });
  }

  override async get(): Promise<HistogramExport> {
    return this.exported();
  }

  /** The registry prefers this method for the text format when it exists. */
  async getForPromString(): Promise<HistogramExport> {
    return this.exported();
  }

  private exported(): HistogramExport {
    const { data, metricName: name } = this;
    const values: HistogramExport['values'] = data.boundsMs.map((ms, i) => ({
      labels: { le: ms / 1000 },
      value: data.cumulativeCounts[i]!,
      metricName: `${name}_bucket`,
    }));
    values.push(
      { labels: { le: '+Inf' }, value: data.count, metricName: `${name}_bucket` },
      { labels: {}, value: data.sumMs / 1000, metricName: `${name}_sum` },
      { labels: {}, value: data.count, metricName: `${name}_count` },
    );
    return { name, help: this.metricHelp, type: HISTOGRAM_TYPE, values, aggregator: 'sum', collect: () => undefined };
  }
}

/** Prometheus text exposition of a snapshot. */
export async function toPrometheus(s: MetricsSnapshot): Promise<string> {
  const registry = new Registry();
  const counter = (name: string, help: string, value: number): void => {
    new Counter({ name: `ombra_${name}`, help, registers: [registry] }).inc(Math.max(0, value));
  };
  const gauge = (name: string, help: string, value: number | null | undefined): void => {
    if (value === null || value === undefined || !Number.isFinite(value)) return;
    new Gauge({ name: `ombra_${name}`, help, registers: [registry] }).set(value);
  };
  const labelled = (name: string, help: string, labelNames: string[], samples: [Record<string, string | number>, number][]): void => {
    const g = new Gauge({ name: `ombra_${name}`, help, labelNames, registers: [registry] });
    for (const [labels, value] of samples) g.set(labels, value);
  };
  const bool = (b: boolean): number => (b ? 1 : 0);
  const db = s.database;
  const t = s.transactions;

  labelled('info', 'Database identity (always 1)', ['database_id', 'path'], [[{ database_id: db.databaseId, path: db.path }, 1]]);
  gauge('uptime_seconds', 'Seconds since this process opened the database', s.uptimeSeconds);
  gauge('read_only', 'Whether the database is open read-only (1) or not (0)', bool(db.readOnly));
  gauge('maintenance_mode', 'Whether maintenance mode refuses writes (1) or not (0)', bool(db.maintenanceMode));
  gauge('encrypted', 'Whether pages are encrypted at rest (1) or not (0)', bool(db.encrypted));
  gauge('access_control', 'Whether access control is enforced (1) or not (0)', bool(db.accessControl));

  counter('transactions_committed_total', 'Write transactions committed durably', t.committedTotal);
  counter('transactions_rolled_back_total', 'Write transactions rolled back', t.rolledBackTotal);
  counter('reads_total', 'Read statements and API reads', t.readsTotal ?? 0);
  counter('entities_written_total', 'Nodes, relationships and properties written', t.writesTotal ?? 0);

  gauge('database_page_size_bytes', 'Page size', db.pageSizeBytes);
  gauge('database_pages', 'Pages in the database (as of the newest commit)', db.pageCount);
  gauge('database_size_bytes', 'Size of the database file', db.fileSizeBytes);
  gauge('database_free_pages', 'Pages on the free list', db.freePages);
  gauge('database_fragmentation_ratio', 'Reclaimable share of the file (0..1) from the last analysis', db.fragmentationPercent === null ? null : db.fragmentationPercent / 100);
  gauge('nodes', 'Nodes in the graph', db.nodes);
  gauge('relationships', 'Relationships in the graph', db.relationships);
  gauge('last_lsn', 'Log sequence number of the newest commit', Number(db.lastLsn));
  gauge('last_backup_timestamp_seconds', 'Unix time of the last recorded backup', db.lastBackupAtMs === null || db.lastBackupAtMs === undefined ? null : db.lastBackupAtMs / 1000);

  gauge('wal_file_bytes', 'Size of the WAL file', s.wal.fileBytes);
  gauge('wal_log_bytes', 'Bytes of the current log generation', s.wal.logBytes);
  gauge('wal_max_bytes', 'walSizeBytesMax: the auto-checkpoint threshold', s.wal.maxBytes);
  gauge('wal_frames', 'Frames in the current log', s.wal.frames);
  gauge('wal_frames_pending_checkpoint', 'Committed frames not yet copied into the database file', s.wal.framesPendingCheckpoint);
  gauge('wal_pending_syncs', 'Commits waiting for a WAL sync', s.wal.pendingSyncs);
  gauge('wal_archive_lag_frames', 'Committed frames not yet in the WAL archive', s.wal.archiveLagFrames);
  counter('wal_syncs_total', 'WAL fdatasync calls', s.wal.syncsTotal);
  counter('checkpoints_total', 'Checkpoints run since open', s.wal.checkpointsTotal);
  gauge('checkpoint_last_timestamp_seconds', 'Unix time of the last checkpoint', s.wal.lastCheckpointAtMs > 0 ? s.wal.lastCheckpointAtMs / 1000 : null);
  gauge('checkpoint_last_duration_seconds', 'Duration of the last checkpoint', s.wal.lastCheckpointDurationMs === null ? null : s.wal.lastCheckpointDurationMs / 1000);

  gauge('cache_capacity_pages', 'Page cache budget', s.cache.capacityPages);
  gauge('cache_resident_pages', 'Pages in the page cache', s.cache.residentPages);
  gauge('cache_dirty_pages', 'Pages changed by the open write transaction', s.cache.dirtyPages);
  counter('cache_hits_total', 'Page cache hits', s.cache.hitsTotal);
  counter('cache_misses_total', 'Page cache misses', s.cache.missesTotal);
  counter('cache_evictions_total', 'Page cache evictions', s.cache.evictionsTotal);
  gauge('cache_hit_ratio', 'Page cache hit ratio over the last minute (0..1)', s.cache.hitRate);

  counter('corruption_errors_total', 'Pages or frames that failed a checksum or structure check', s.storage.corruptionErrorsTotal);
  counter('io_errors_total', 'I/O operations that failed', s.storage.ioErrorsTotal);
  gauge('disk_free_bytes', 'Free bytes on the volume holding the database', s.storage.diskFreeBytes);
  gauge('circuit_breaker_open', 'Whether the I/O circuit breaker refuses writes (1) or not (0)', bool(s.circuitBreaker.open));
  gauge('circuit_breaker_consecutive_failures', 'Consecutive I/O failures', s.circuitBreaker.consecutiveFailures);
  gauge('circuit_breaker_threshold', 'Consecutive I/O failures that open the breaker', s.circuitBreaker.threshold);

  gauge('jobs_running', 'Jobs running now', s.jobs.running.length);
  const ended = s.jobs.endedTotal;
  if (ended) {
    const c = new Counter({ name: 'ombra_jobs_ended_total', help: 'Jobs ended since open, by final state', labelNames: ['state'], registers: [registry] });
    for (const state of ['succeeded', 'failed', 'cancelled'] as const) c.inc({ state }, ended[state]);
  }
  const progress = s.jobs.running.filter((j) => j.progress.total > 0);
  if (progress.length > 0) {
    labelled('job_progress_ratio', 'Progress of each running job (done / total)', ['job_id', 'kind'], progress.map((j) => [{ job_id: j.id, kind: j.kind }, Math.min(1, j.progress.done / j.progress.total)]));
  }

  gauge('health_status', 'Overall health: 0 healthy, 1 degraded, 2 unhealthy', HEALTH_VALUE[s.health.status]);
  labelled('health_check_status', 'Each health check: 0 healthy, 1 degraded, 2 unhealthy', ['check'], s.health.checks.map((c) => [{ check: c.name }, HEALTH_VALUE[c.status]]));

  if (s.histograms) {
    new SnapshotHistogram(registry, 'ombra_commit_latency_seconds', 'Commit latency until durable', s.histograms.commitLatencyMs);
    new SnapshotHistogram(registry, 'ombra_query_latency_seconds', 'Statement latency', s.histograms.queryLatencyMs);
    new SnapshotHistogram(registry, 'ombra_wal_sync_latency_seconds', 'WAL fdatasync latency', s.histograms.syncLatencyMs);
  }
  return registry.metrics();
}

// ── JSON ─────────────────────────────────────────────────────────────────────

/** JSON with bigints as exact integers (job reports may hold LSNs). */
export function toJsonText(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `__ombra_bigint__${v.toString()}` : v), indent);
  return text.replace(/"__ombra_bigint__(-?\d+)"/g, '$1');
}

// ── StatsD ───────────────────────────────────────────────────────────────────

export class StatsdExporter {
  private readonly sent = new Map<string, number>();

  constructor(private readonly prefix = 'ombra') {}

  /** StatsD lines for everything that changed since the last call (see header). */
  format(s: MetricsSnapshot): string {
    const lines: string[] = [];
    const name = (n: string): string => `${this.prefix}.${n}`;
    const counter = (n: string, total: number): void => {
      const before = this.sent.get(n) ?? 0;
      // A total lower than what we sent means a new process or database: start over.
      const delta = total >= before ? total - before : total;
      this.sent.set(n, total);
      lines.push(`${name(n)}:${delta}|c`);
    };
    const gauge = (n: string, value: number | null | undefined): void => {
      if (value === null || value === undefined || !Number.isFinite(value)) return;
      lines.push(`${name(n)}:${num(Math.max(0, value))}|g`);
    };
    const timing = (n: string, summary: MetricsSnapshot['commitLatencyMs'], data: HistogramData | undefined): void => {
      if (data) {
        const count0 = this.sent.get(`${n}#count`) ?? 0;
        const sum0 = this.sent.get(`${n}#sum`) ?? 0;
        const reset = data.count < count0;
        const count = reset ? data.count : data.count - count0;
        const sum = reset ? data.sumMs : data.sumMs - sum0;
        this.sent.set(`${n}#count`, data.count);
        this.sent.set(`${n}#sum`, data.sumMs);
        if (count > 0) lines.push(`${name(n)}:${num(sum / count)}|ms${count > 1 ? `|@${(1 / count).toPrecision(6)}` : ''}`);
      }
      if (summary.count > 0) {
        gauge(`${n}.p50`, summary.p50);
        gauge(`${n}.p95`, summary.p95);
        gauge(`${n}.p99`, summary.p99);
        gauge(`${n}.max`, summary.max);
      }
    };
    const t = s.transactions;
    counter('transactions.committed', t.committedTotal);
    counter('transactions.rolled_back', t.rolledBackTotal);
    counter('reads', t.readsTotal ?? 0);
    counter('entities_written', t.writesTotal ?? 0);
    counter('wal.syncs', s.wal.syncsTotal);
    counter('checkpoints', s.wal.checkpointsTotal);
    counter('cache.hits', s.cache.hitsTotal);
    counter('cache.misses', s.cache.missesTotal);
    counter('cache.evictions', s.cache.evictionsTotal);
    counter('errors.corruption', s.storage.corruptionErrorsTotal);
    counter('errors.io', s.storage.ioErrorsTotal);

    gauge('transactions.committed_per_second', t.committedPerSecond);
    gauge('reads_per_second', t.readsPerSecond);
    gauge('writes_per_second', t.writesPerSecond);
    gauge('database.pages', s.database.pageCount);
    gauge('database.size_bytes', s.database.fileSizeBytes);
    gauge('database.free_pages', s.database.freePages);
    gauge('nodes', s.database.nodes);
    gauge('relationships', s.database.relationships);
    gauge('wal.file_bytes', s.wal.fileBytes);
    gauge('wal.log_bytes', s.wal.logBytes);
    gauge('wal.frames', s.wal.frames);
    gauge('wal.frames_pending_checkpoint', s.wal.framesPendingCheckpoint);
    gauge('wal.archive_lag_frames', s.wal.archiveLagFrames);
    gauge('cache.resident_pages', s.cache.residentPages);
    gauge('cache.dirty_pages', s.cache.dirtyPages);
    gauge('cache.hit_rate', s.cache.hitRate);
    gauge('disk.free_bytes', s.storage.diskFreeBytes);
    gauge('circuit_breaker.open', s.circuitBreaker.open ? 1 : 0);
    gauge('jobs.running', s.jobs.running.length);
    gauge('health.status', HEALTH_VALUE[s.health.status]);
    gauge('uptime_seconds', s.uptimeSeconds);

    timing('commit.latency', s.commitLatencyMs, s.histograms?.commitLatencyMs);
    timing('query.latency', s.queryLatencyMs, s.histograms?.queryLatencyMs);
    if (s.syncLatencyMs) timing('wal.sync.latency', s.syncLatencyMs, s.histograms?.syncLatencyMs);
    return `${lines.join('\n')}\n`;
  }
}

/** A number as StatsD expects it: plain decimal, at most 6 fractional digits. */
function num(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(6)));
}

/** One export in any format (a fresh StatsdExporter: counters are totals since open). */
export async function exportMetrics(snapshot: MetricsSnapshot, format: MetricsFormat): Promise<string> {
  switch (format) {
    case 'prometheus':
      return toPrometheus(snapshot);
    case 'json':
      return `${toJsonText(snapshot)}\n`;
    case 'statsd':
      return new StatsdExporter().format(snapshot);
  }
}
