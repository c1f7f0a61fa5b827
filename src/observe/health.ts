// Health: named checks, each Healthy / Degraded / Unhealthy against thresholds from the
// configuration; the report's status is the worst of its checks. A pure function of its
// inputs (the observer gathers them), so every rule is tested without a database.
//
// CHECKS (thresholds are config.ts options; "off" means the check only reports its value)
//   wal_size         log bytes not yet checkpointed vs walSizeBytesMax: degraded above 1×;
//                    unhealthy when not even the smallest write (a page and the meta page)
//                    fits under 4× (the point where writes fail with WAL_FULL). A log whose frames are all copied is
//                    healthy at any size: the next commit restarts it (pager.ts R3).
//   cache_hit_rate   hit rate over the window below healthCacheHitRateMin → degraded, once
//                    the window holds at least CACHE_MIN_LOOKUPS lookups (a cold cache right
//                    after open is not a problem). Off when the minimum is 0.
//   corruption       any corruption error seen since open → unhealthy.
//   disk_space       free bytes on the volume below healthDiskFreeBytesMin → degraded; below
//                    the hard floor → unhealthy. The floor is room for one full WAL
//                    (walSizeBytesMax), at least 16 MiB, and not above the degraded
//                    threshold (unless that is below 16 MiB), so Degraded comes first.
//   checkpoint_age   time since the last checkpoint above healthCheckpointAgeMsMax while
//                    frames wait to be copied → degraded (an empty WAL needs no checkpoint).
//   backup_age       time since the last recorded backup above healthBackupAgeMsMax, or no
//                    backup recorded at all → degraded. Off (reports only) when the max is 0.
//                    Only this process's backups are recorded (Database.recordBackup); one
//                    made by another process is not seen, so the message says "since open".
//   circuit_breaker  open → unhealthy (writes are refused until reset).
//   lock             writer holding the lock, or no lock (in memory): healthy. Read-only
//                    beside another writer: healthy, and the message names the writer.
//   access_control   reports whether access control is on (off: every session may do anything);
//                    healthy either way.
//   storage          present only when the pager refuses all work after an I/O error it
//                    could not recover from in place (pager.ts R4): unhealthy, reopen.
//
// Invariants:
//  (HC1) A freshly created database with the default configuration is Healthy: every check
//        above is healthy for an empty WAL, no errors, a closed breaker and ≥ 100 MiB free.
//  (HC2) report.status = the worst status among report.checks.

import type { OmbraConfig } from '../config.js';
import type { LockOwner } from '../storage/lock.js';
import type { HealthCheck, HealthReport, HealthStatus } from './snapshot.js';

const MIB = 1024 * 1024;
export const DISK_FREE_FLOOR_BYTES = 16 * MIB;
export const CACHE_MIN_LOOKUPS = 100;
/** Bytes of a WAL frame besides the page image (wal-format.ts FRAME_HEADER_BYTES). */
const FRAME_OVERHEAD_BYTES = 40;
/** The smallest write: one page and the meta page. */
const SMALLEST_WRITE_FRAMES = 2;

export type LockStatus =
  | { kind: 'held'; owner: LockOwner | null }
  | { kind: 'none'; reason: string }
  | { kind: 'read-only'; writer: LockOwner | null };

export interface HealthInputs {
  nowMs: number;
  config: Pick<
    OmbraConfig,
    'walSizeBytesMax' | 'healthCacheHitRateMin' | 'healthDiskFreeBytesMin' | 'healthCheckpointAgeMsMax' | 'healthBackupAgeMsMax' | 'accessControl'
  >;
  pageSizeBytes: number;
  wal: { logBytes: number; framesPendingCheckpoint: number };
  cache: { hitRate: number | null; lookups: number };
  corruption: { total: number; lastMessage: string | null };
  diskFreeBytes: number | null;
  /** 0 when the database was never checkpointed. */
  lastCheckpointAtMs: number;
  lastBackupAtMs: number | null;
  breaker: { open: boolean; consecutiveFailures: number; threshold: number; lastError: string | null };
  lock: LockStatus;
  /** Set when the storage refuses all work (a failed WAL rewind): adds an unhealthy 'storage' check. */
  storageProblem?: string | null;
}

const RANK: Record<HealthStatus, number> = { healthy: 0, degraded: 1, unhealthy: 2 };

export function worstStatus(statuses: Iterable<HealthStatus>): HealthStatus {
  let worst: HealthStatus = 'healthy';
  for (const status of statuses) if (RANK[status] > RANK[worst]) worst = status;
  return worst;
}

export function evaluateHealth(inputs: HealthInputs): HealthReport {
  const checks = [
    walSizeCheck(inputs),
    cacheHitRateCheck(inputs),
    corruptionCheck(inputs),
    diskSpaceCheck(inputs),
    checkpointAgeCheck(inputs),
    backupAgeCheck(inputs),
    circuitBreakerCheck(inputs),
    lockCheck(inputs),
    accessControlCheck(inputs),
  ];
  if (inputs.storageProblem) {
    checks.unshift({
      name: 'storage',
      status: 'unhealthy',
      message: `the database refuses all work until it is reopened: ${inputs.storageProblem}`,
      value: null,
      unit: '',
      threshold: null,
    });
  }
  return { status: worstStatus(checks.map((c) => c.status)), checks, checkedAtMs: inputs.nowMs };
}

function walSizeCheck({ wal, config, pageSizeBytes }: HealthInputs): HealthCheck {
  const max = config.walSizeBytesMax;
  const hardLimit = 4 * max;
  const base = { name: 'wal_size', value: wal.logBytes, unit: 'bytes', threshold: max };
  if (wal.framesPendingCheckpoint === 0) {
    return { ...base, status: 'healthy', message: `WAL log ${formatBytes(wal.logBytes)}, every frame checkpointed (max ${formatBytes(max)})` };
  }
  const pending = `WAL log ${formatBytes(wal.logBytes)} with ${wal.framesPendingCheckpoint} frame(s) not yet checkpointed`;
  if (wal.logBytes + SMALLEST_WRITE_FRAMES * (pageSizeBytes + FRAME_OVERHEAD_BYTES) > hardLimit) {
    return { ...base, status: 'unhealthy', message: `${pending}: at the 4× limit ${formatBytes(hardLimit)}, writes fail with WAL_FULL until a checkpoint can copy it` };
  }
  if (wal.logBytes > max) {
    return { ...base, status: 'degraded', message: `${pending}: above walSizeBytesMax ${formatBytes(max)} (writes fail at ${formatBytes(hardLimit)}); is a reader holding an old snapshot?` };
  }
  return { ...base, status: 'healthy', message: `${pending} (max ${formatBytes(max)})` };
}

function cacheHitRateCheck({ cache, config }: HealthInputs): HealthCheck {
  const min = config.healthCacheHitRateMin;
  const base = { name: 'cache_hit_rate', value: cache.hitRate, unit: 'ratio', threshold: min > 0 ? min : null };
  if (cache.hitRate === null) return { ...base, status: 'healthy', message: 'no page lookups in the window' };
  const rate = `cache hit rate ${formatPercent(cache.hitRate)} over ${cache.lookups} lookups`;
  if (min <= 0) return { ...base, status: 'healthy', message: `${rate} (no minimum configured)` };
  if (cache.lookups < CACHE_MIN_LOOKUPS) return { ...base, status: 'healthy', message: `${rate}: too few to judge against ${formatPercent(min)}` };
  if (cache.hitRate < min) {
    return { ...base, status: 'degraded', message: `${rate}: below healthCacheHitRateMin ${formatPercent(min)}; consider a larger cacheSizePages` };
  }
  return { ...base, status: 'healthy', message: `${rate} (min ${formatPercent(min)})` };
}

function corruptionCheck({ corruption }: HealthInputs): HealthCheck {
  const base = { name: 'corruption', value: corruption.total, unit: 'errors', threshold: 0 };
  if (corruption.total === 0) return { ...base, status: 'healthy', message: 'no corruption seen since open' };
  return {
    ...base,
    status: 'unhealthy',
    message: `${corruption.total} corruption error(s) since open${corruption.lastMessage ? `; last: ${corruption.lastMessage}` : ''}; run verify`,
  };
}

/** Free bytes below this are Unhealthy (see CHECKS). */
export function diskFreeFloorBytes(config: HealthInputs['config']): number {
  const floor = Math.max(DISK_FREE_FLOOR_BYTES, config.walSizeBytesMax);
  return config.healthDiskFreeBytesMin > 0 ? Math.min(floor, Math.max(DISK_FREE_FLOOR_BYTES, config.healthDiskFreeBytesMin)) : floor;
}

function diskSpaceCheck({ diskFreeBytes, config }: HealthInputs): HealthCheck {
  const min = config.healthDiskFreeBytesMin;
  const floor = diskFreeFloorBytes(config);
  const base = { name: 'disk_space', value: diskFreeBytes, unit: 'bytes', threshold: min > 0 ? min : floor };
  if (diskFreeBytes === null) return { ...base, status: 'healthy', message: 'free disk space could not be measured' };
  const free = `${formatBytes(diskFreeBytes)} free`;
  if (diskFreeBytes < floor) {
    return { ...base, status: 'unhealthy', message: `${free}: below the floor ${formatBytes(floor)} (room for one full WAL); writes and checkpoints may fail with IO_NO_SPACE` };
  }
  if (min > 0 && diskFreeBytes < min) return { ...base, status: 'degraded', message: `${free}: below healthDiskFreeBytesMin ${formatBytes(min)}` };
  return { ...base, status: 'healthy', message: min > 0 ? `${free} (min ${formatBytes(min)})` : free };
}

function checkpointAgeCheck({ nowMs, lastCheckpointAtMs, wal, config }: HealthInputs): HealthCheck {
  const max = config.healthCheckpointAgeMsMax;
  const age = lastCheckpointAtMs > 0 ? Math.max(0, nowMs - lastCheckpointAtMs) : null;
  const base = { name: 'checkpoint_age', value: age, unit: 'ms', threshold: max > 0 ? max : null };
  const last = age === null ? 'never checkpointed' : `last checkpoint ${formatDuration(age)} ago`;
  if (wal.framesPendingCheckpoint === 0) return { ...base, status: 'healthy', message: `${last}; nothing waits to be checkpointed` };
  if (max > 0 && (age === null || age > max)) {
    return { ...base, status: 'degraded', message: `${last} with ${wal.framesPendingCheckpoint} frame(s) waiting: above healthCheckpointAgeMsMax ${formatDuration(max)}` };
  }
  return { ...base, status: 'healthy', message: max > 0 ? `${last} (max ${formatDuration(max)})` : last };
}

function backupAgeCheck({ nowMs, lastBackupAtMs, config }: HealthInputs): HealthCheck {
  const max = config.healthBackupAgeMsMax;
  const age = lastBackupAtMs !== null ? Math.max(0, nowMs - lastBackupAtMs) : null;
  const base = { name: 'backup_age', value: age, unit: 'ms', threshold: max > 0 ? max : null };
  const last = age === null ? 'no backup recorded since open' : `last backup ${formatDuration(age)} ago`;
  if (max <= 0) return { ...base, status: 'healthy', message: `${last} (no backup schedule configured)` };
  if (age === null || age > max) return { ...base, status: 'degraded', message: `${last}: healthBackupAgeMsMax is ${formatDuration(max)}` };
  return { ...base, status: 'healthy', message: `${last} (max ${formatDuration(max)})` };
}

function circuitBreakerCheck({ breaker }: HealthInputs): HealthCheck {
  const base = { name: 'circuit_breaker', value: breaker.consecutiveFailures, unit: 'failures', threshold: breaker.threshold };
  if (breaker.open) {
    return {
      ...base,
      status: 'unhealthy',
      message: `open after ${breaker.consecutiveFailures} consecutive I/O failure(s)${breaker.lastError ? ` (last: ${breaker.lastError})` : ''}: writes are refused until reset`,
    };
  }
  return { ...base, status: 'healthy', message: `closed: ${breaker.consecutiveFailures} consecutive I/O failure(s), opens at ${breaker.threshold}` };
}

function lockCheck({ lock }: HealthInputs): HealthCheck {
  const base = { name: 'lock', value: null, unit: '', threshold: null, status: 'healthy' as const };
  switch (lock.kind) {
    case 'held':
      return { ...base, message: lock.owner ? `writer lock held by this process (pid ${lock.owner.pid} on ${lock.owner.host})` : 'writer lock held by this process' };
    case 'none':
      return { ...base, message: `no lock file: ${lock.reason}` };
    case 'read-only':
      return {
        ...base,
        message: lock.writer
          ? `open read-only beside writer pid ${lock.writer.pid} on ${lock.writer.host} (since ${lock.writer.startedAt}); this snapshot expires when it checkpoints`
          : 'open read-only; no writer process holds the lock',
      };
  }
}

function accessControlCheck({ config }: HealthInputs): HealthCheck {
  return {
    name: 'access_control',
    status: 'healthy',
    message: config.accessControl
      ? 'access control is on: every statement and job is checked against the session user\'s roles'
      : 'access control is off (the default for a local file): every session may read, write, delete, back up and configure; set accessControl = true to enforce users and roles',
    value: config.accessControl ? 1 : 0,
    unit: 'bool',
    threshold: null,
  };
}

// ── formatting for messages ─────────────────────────────────────────────────

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const min = s / 60;
  if (min < 120) return `${min.toFixed(0)} min`;
  const h = min / 60;
  if (h < 48) return `${h.toFixed(1)} h`;
  return `${(h / 24).toFixed(1)} d`;
}

function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`;
}
