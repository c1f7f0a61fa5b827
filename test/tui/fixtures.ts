// Snapshots for the dashboard tests: a realistic busy database, and variants (degraded,
// jobs running, empty history, nulls). Times are fixed so captures are stable.

import type { HealthCheck, MetricsSnapshot } from '../../src/observe/snapshot.js';
import type { JobInfo } from '../../src/ops/job-types.js';

export const NOW_MS = Date.UTC(2025, 0, 15, 3, 12, 40);

/** A smooth, deterministic wave for sparklines. */
function wave(length: number, base: number, amplitude: number, period: number, phase = 0): number[] {
  return Array.from({ length }, (_, i) => Math.max(0, Math.round(base + amplitude * Math.sin((i + phase) / period) + ((i * 7) % 5))));
}

export function healthyChecks(): HealthCheck[] {
  return [
    { name: 'wal_size', status: 'healthy', message: 'WAL 27.0 MiB of 64.0 MiB max (42%)', value: 42, unit: '%', threshold: 80 },
    { name: 'cache_hit_rate', status: 'healthy', message: 'hit rate 99.2% (min 90%)', value: 99.2, unit: '%', threshold: 90 },
    { name: 'corruption', status: 'healthy', message: 'no corruption seen', value: 0, unit: 'errors', threshold: 0 },
    { name: 'disk_space', status: 'healthy', message: '182 GiB free', value: 182, unit: 'GiB', threshold: 5 },
    { name: 'checkpoint_age', status: 'healthy', message: 'last checkpoint 12s ago (max 300s)', value: 12, unit: 's', threshold: 300 },
  ];
}

export function job(overrides: Partial<JobInfo> & Pick<JobInfo, 'id' | 'kind' | 'state'>): JobInfo {
  return {
    description: `${overrides.kind} job`,
    progress: { phase: '', done: 0, total: 0, bytes: 0 },
    startedAtMs: NOW_MS - 60_000,
    endedAtMs: overrides.state === 'running' ? null : NOW_MS - 30_000,
    error: null,
    report: null,
    exclusive: false,
    ...overrides,
  };
}

export function makeSnapshot(): MetricsSnapshot {
  const history = 300;
  return {
    takenAtMs: NOW_MS,
    uptimeSeconds: 3 * 3600 + 12 * 60 + 5,
    database: {
      path: '/var/lib/ombra/graph.db',
      databaseId: '5f0c6e1e-7c1a-4b1e-9d0a-2f3c4d5e6f70',
      readOnly: false,
      maintenanceMode: false,
      encrypted: true,
      accessControl: true,
      pageSizeBytes: 8192,
      pageCount: 157_286,
      fileSizeBytes: 157_286 * 8192,
      freePages: 1024,
      fragmentationPercent: 3.14,
      nodes: 1_234_567,
      relationships: 3_456_789,
      lastLsn: '0x00000000002a9f11',
    },
    transactions: {
      committedTotal: 9_876_543,
      rolledBackTotal: 12,
      committedPerSecond: 142.4,
      readsPerSecond: 12_345.6,
      writesPerSecond: 310.2,
      history: {
        committedPerSecond: wave(history, 140, 60, 9),
        readsPerSecond: wave(history, 12_000, 4000, 13, 3),
        writesPerSecond: wave(history, 300, 120, 7, 1),
      },
    },
    commitLatencyMs: { count: 51_234, p50: 1.23, p95: 4.1, p99: 9.8, max: 31.2 },
    queryLatencyMs: { count: 1_234_567, p50: 0.42, p95: 2.2, p99: 12.4, max: 210 },
    wal: {
      fileBytes: 30 * 1024 * 1024,
      logBytes: 27 * 1024 * 1024,
      maxBytes: 64 * 1024 * 1024,
      frames: 3456,
      framesPendingCheckpoint: 1234,
      pendingSyncs: 0,
      syncsTotal: 120_345,
      checkpointsTotal: 40,
      lastCheckpointAtMs: NOW_MS - 12_000,
      lastCheckpointDurationMs: 85,
      archiveLagFrames: null,
    },
    cache: {
      capacityPages: 8192,
      residentPages: 8192,
      dirtyPages: 120,
      hitsTotal: 99_000_000,
      missesTotal: 800_000,
      evictionsTotal: 3400,
      hitRate: 0.992,
    },
    storage: { corruptionErrorsTotal: 0, ioErrorsTotal: 0, diskFreeBytes: 182 * 1024 ** 3 },
    circuitBreaker: { open: false, consecutiveFailures: 0, threshold: 5 },
    jobs: {
      running: [],
      recent: [job({ id: 7, kind: 'verify', state: 'succeeded', startedAtMs: NOW_MS - 124_000, endedAtMs: NOW_MS - 120_000 })],
    },
    health: { status: 'healthy', checks: healthyChecks(), checkedAtMs: NOW_MS - 1000 },
    alerts: [],
  };
}

/** Degraded: the WAL is near its maximum and the last backup is old. */
export function degradedSnapshot(): MetricsSnapshot {
  const s = makeSnapshot();
  s.wal.logBytes = 58 * 1024 * 1024;
  s.wal.archiveLagFrames = 40;
  s.wal.pendingSyncs = 2;
  s.health = {
    status: 'degraded',
    checkedAtMs: NOW_MS - 1000,
    checks: [
      ...healthyChecks().filter((c) => c.name !== 'wal_size'),
      { name: 'wal_size', status: 'degraded', message: 'WAL 58.0 MiB of 64.0 MiB max (91%, warn at 80%)', value: 91, unit: '%', threshold: 80 },
      { name: 'backup_age', status: 'degraded', message: 'last backup 26h ago (max 24h)', value: 26, unit: 'h', threshold: 24 },
    ],
  };
  s.alerts = [
    { atMs: NOW_MS - 300_000, level: 'warn', code: null, message: 'slow commit: 812 ms (threshold 500 ms)' },
    { atMs: NOW_MS - 60_000, level: 'error', code: 'IO_NO_SPACE', message: 'backup to /backups/graph failed: no space left on device' },
  ];
  return s;
}

/** A backup and a verify running, with recent results of every kind. */
export function jobsSnapshot(): MetricsSnapshot {
  const s = makeSnapshot();
  s.jobs = {
    running: [
      job({ id: 11, kind: 'backup', state: 'running', description: 'backup to /backups/graph (incremental)', progress: { phase: 'copying pages', done: 6100, total: 10_000, bytes: 0 }, startedAtMs: NOW_MS - 42_000 }),
      job({ id: 12, kind: 'verify', state: 'running', progress: { phase: 'checking adjacency', done: 120_000, total: 0, bytes: 0 }, startedAtMs: NOW_MS - 5000 }),
    ],
    recent: [
      job({ id: 8, kind: 'compact', state: 'cancelled', endedAtMs: NOW_MS - 3_600_000, startedAtMs: NOW_MS - 3_700_000 }),
      job({ id: 9, kind: 'backup', state: 'failed', error: { code: 'IO_NO_SPACE', message: 'no space left on device' }, endedAtMs: NOW_MS - 300_000, startedAtMs: NOW_MS - 310_000 }),
      job({ id: 10, kind: 'checkpoint', state: 'succeeded', endedAtMs: NOW_MS - 20_000, startedAtMs: NOW_MS - 21_000 }),
    ],
  };
  return s;
}

/** Just opened: no history, nothing measured yet, nulls everywhere they are allowed. */
export function emptySnapshot(): MetricsSnapshot {
  const s = makeSnapshot();
  s.uptimeSeconds = 2;
  s.transactions = {
    committedTotal: 0,
    rolledBackTotal: 0,
    committedPerSecond: 0,
    readsPerSecond: 0,
    writesPerSecond: 0,
    history: { committedPerSecond: [], readsPerSecond: [], writesPerSecond: [] },
  };
  s.commitLatencyMs = { count: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  s.queryLatencyMs = { count: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  s.database.fragmentationPercent = null;
  s.wal.lastCheckpointAtMs = 0;
  s.wal.lastCheckpointDurationMs = null;
  s.wal.archiveLagFrames = null;
  s.cache.hitRate = null;
  s.storage.diskFreeBytes = null;
  s.jobs = { running: [], recent: [] };
  s.health = { status: 'healthy', checks: [], checkedAtMs: NOW_MS };
  return s;
}

/** Unhealthy: corruption seen, read-only, maintenance mode, access control off. */
export function unhealthySnapshot(): MetricsSnapshot {
  const s = degradedSnapshot();
  s.database.readOnly = true;
  s.database.maintenanceMode = true;
  s.database.accessControl = false;
  const corruption: HealthCheck = { name: 'corruption', status: 'unhealthy', message: '3 pages failed their checksum (first: page 4711)', value: 3, unit: 'errors', threshold: 0 };
  s.health = { status: 'unhealthy', checkedAtMs: NOW_MS, checks: [...s.health.checks.filter((c) => c.name !== 'corruption'), corruption] };
  return s;
}
