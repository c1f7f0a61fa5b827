// The metrics snapshot: everything the dashboard, `:stats`, `ombra info` and the exporters
// show, taken at one moment. The engine produces it (observe/observer.ts); front ends render
// it and compute nothing (CONVENTIONS, console: "components are pure functions of it").
// Units are in the names; rates are per second over a sliding window.

import type { JobInfo } from '../ops/job-types.js';

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface HealthCheck {
  /** Stable name: 'wal_size', 'cache_hit_rate', 'corruption', 'disk_space', 'checkpoint_age', 'backup_age', 'circuit_breaker', 'lock', 'access_control'... */
  name: string;
  status: HealthStatus;
  /** One line: what was measured against what threshold. */
  message: string;
  /** The measured value (unit in `unit`), null when not measured. */
  value: number | null;
  unit: string;
  /** The threshold that decides the status, null when not configured (the check only reports). */
  threshold: number | null;
}

export interface HealthReport {
  status: HealthStatus;
  checks: HealthCheck[];
  checkedAtMs: number;
}

/** Latency over the recent window (the last 30..60 s, observe/metrics.ts WINDOWS). */
export interface LatencySummary {
  /** Values in the window. */
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * A cumulative latency histogram since open, as the exporters publish it (Prometheus
 * `_bucket`/`_sum`/`_count`, StatsD means). Bounds are exact bucket boundaries (histogram.ts).
 */
export interface HistogramData {
  count: number;
  sumMs: number;
  maxMs: number;
  /** Inclusive upper bounds in ms (Prometheus `le`), ascending; +Inf is implied by `count`. */
  boundsMs: number[];
  /** Values ≤ each bound, cumulative, same length as boundsMs. */
  cumulativeCounts: number[];
}

export interface AlertEntry {
  atMs: number;
  level: 'warn' | 'error' | 'fatal';
  /** Error code when the alert is an error. */
  code: string | null;
  message: string;
}

export interface MetricsSnapshot {
  takenAtMs: number;
  /** Seconds since the database was opened by this process. */
  uptimeSeconds: number;
  database: {
    path: string;
    databaseId: string;
    readOnly: boolean;
    maintenanceMode: boolean;
    encrypted: boolean;
    accessControl: boolean;
    pageSizeBytes: number;
    pageCount: number;
    fileSizeBytes: number;
    freePages: number;
    /** Reclaimable share of the file (free pages + unused bytes in used pages), null until analysed. */
    fragmentationPercent: number | null;
    nodes: number;
    relationships: number;
    lastLsn: string;
    /** When the ops layer last recorded a finished backup (ms since the epoch), null when none. */
    lastBackupAtMs?: number | null;
  };
  transactions: {
    committedTotal: number;
    rolledBackTotal: number;
    committedPerSecond: number;
    readsPerSecond: number;
    writesPerSecond: number;
    rolledBackPerSecond?: number;
    /** Read statements and API reads since open. */
    readsTotal?: number;
    /** Entities written since open (recordWrites). */
    writesTotal?: number;
    /** One value per second, oldest first (the dashboard's sparklines), up to historySeconds long. */
    history: { committedPerSecond: number[]; readsPerSecond: number[]; writesPerSecond: number[] };
  };
  commitLatencyMs: LatencySummary;
  queryLatencyMs: LatencySummary;
  /** WAL fdatasync durations. */
  syncLatencyMs?: LatencySummary;
  /** Cumulative histograms since open (exporters); absent in snapshots built elsewhere. */
  histograms?: { commitLatencyMs: HistogramData; queryLatencyMs: HistogramData; syncLatencyMs: HistogramData };
  wal: {
    fileBytes: number;
    logBytes: number;
    /** walSizeBytesMax: auto-checkpoint threshold. */
    maxBytes: number;
    frames: number;
    framesPendingCheckpoint: number;
    pendingSyncs: number;
    syncsTotal: number;
    checkpointsTotal: number;
    lastCheckpointAtMs: number;
    lastCheckpointDurationMs: number | null;
    /** Frames not yet archived when a WAL archive is configured, else null. */
    archiveLagFrames: number | null;
  };
  cache: {
    capacityPages: number;
    residentPages: number;
    dirtyPages: number;
    hitsTotal: number;
    missesTotal: number;
    evictionsTotal: number;
    /** Hits / (hits + misses) over the sliding window; null when there were no reads. */
    hitRate: number | null;
  };
  storage: {
    corruptionErrorsTotal: number;
    ioErrorsTotal: number;
    diskFreeBytes: number | null;
  };
  circuitBreaker: { open: boolean; consecutiveFailures: number; threshold: number };
  jobs: {
    running: JobInfo[];
    recent: JobInfo[];
    /** Jobs that ended since open, by final state. */
    endedTotal?: { succeeded: number; failed: number; cancelled: number };
  };
  health: HealthReport;
  /** Recent warn/error/fatal log entries, oldest first (at most 50). */
  alerts: AlertEntry[];
}
