// The observer of one open database: it owns the metrics, the health evaluation, the alert
// ring, the circuit breaker and write guards, and the logger, and it is the only thing the
// storage layer calls back into (pagerHooks). The facade (database.ts) creates one before
// the pager opens and asks it for snapshots and health with an ObserverSource.
//
//   hooks            pager → observer: commits, rollbacks, syncs, checkpoints, corruption,
//                    I/O errors, background errors (metrics + logs + breaker)
//   snapshot(src)    MetricsSnapshot for the dashboard, `:stats` and the exporters
//   health(src)      HealthReport (health.ts), also inside every snapshot
//   guard            assertWritable: shutting down / read-only / maintenance / breaker
//   attach(res)      things that close with the database (the HTTP metrics server)
//
// Invariants:
//  (O1) Hooks never throw into the pager: an observer bug must not fail a commit.
//  (O2) Every warn/error/fatal line also lands in the alert ring (logger.ts).
//  (O3) Slow-operation warnings are rate-limited to SLOW_WARNINGS_PER_SECOND; the number
//       suppressed is reported with the next one that gets through.
//  (O4) A pager that refuses all work after an unrecoverable I/O error (pager.ts R4) still
//       gets a snapshot and a health report: the last readings that worked, plus an
//       unhealthy 'storage' check naming the error. Only a closed database throws.

import type { OmbraConfig } from '../config.js';
import { toOmbraError, type OmbraError } from '../errors.js';
import type { JobRegistry } from '../ops/job.js';
import type { CheckpointReport } from '../storage/checkpoint.js';
import type { PagerHooks, PagerStats } from '../storage/pager.js';
import type { RecoveryReport } from '../storage/wal.js';
import { AlertRing } from './alerts.js';
import { evaluateHealth, formatDuration } from './health.js';
import { Logger, type LogDestination, type LogSettings } from './logger.js';
import { Metrics, monotonicClock, type MonotonicClock, type SlowOperationKind } from './metrics.js';
import { CircuitBreaker, WriteGuard, type WriteKind } from './safety.js';
import type { HealthReport, MetricsSnapshot } from './snapshot.js';
import type { ObserverSource } from './source.js';

export const SLOW_WARNINGS_PER_SECOND = 10;

export interface ObserverOptions {
  config: Readonly<OmbraConfig>;
  log: LogSettings;
  /** Fields on every log line (the database path). */
  logBase?: Record<string, unknown>;
  logDestination?: LogDestination;
  /** Where the 'stderr' log destination writes (tests). */
  stderr?: { write(text: string): unknown };
  /** Level of the open / checkpoint / close lines: 'debug' for memory databases (nothing durable happens). */
  lifecycleLevel?: 'info' | 'debug';
  clock?: MonotonicClock;
}

export interface Closeable {
  close(): Promise<void> | void;
}

export class Observer {
  readonly metrics: Metrics;
  readonly alerts = new AlertRing();
  readonly logger: Logger;
  readonly breaker: CircuitBreaker;
  readonly guard: WriteGuard;
  readonly pagerHooks: PagerHooks;
  /** Set by the ops layer after each finished backup (ms since the epoch). */
  lastBackupAtMs: number | null = null;
  /** Set by fragmentation analysis (`ombra info`, compact --analyze). */
  fragmentationPercent: number | null = null;

  private readonly jobsEnded = { succeeded: 0, failed: 0, cancelled: 0 };
  private lastCorruptionMessage: string | null = null;
  private readonly attached = new Set<Closeable>();
  private slowSecond = -1;
  private slowInSecond = 0;
  private slowSuppressed = 0;
  private unsubscribeJobs: (() => void) | null = null;
  private readonly lifecycleLevel: 'info' | 'debug';
  /** The last readings that worked: a broken pager still gets a snapshot (O4). */
  private lastStats: PagerStats | null = null;
  private lastFacts: { nodes: number; relationships: number; encrypted: boolean } | null = null;

  constructor(options: ObserverOptions) {
    const clock = options.clock ?? monotonicClock;
    this.lifecycleLevel = options.lifecycleLevel ?? 'info';
    this.metrics = new Metrics(clock, options.config.slowOperationMs);
    this.metrics.onSlowOperation = (kind, ms) => this.slowOperation(kind, ms);
    this.logger = new Logger({
      settings: options.log,
      alerts: this.alerts,
      base: options.logBase,
      destination: options.logDestination,
      stderr: options.stderr,
    });
    this.breaker = new CircuitBreaker(options.config.circuitBreakerThreshold);
    this.guard = new WriteGuard(this.breaker);
    this.pagerHooks = this.createHooks();
  }

  // ── pager hooks ──────────────────────────────────────────────────────────

  private createHooks(): PagerHooks {
    const metrics = this.metrics;
    const breaker = this.breaker;
    return {
      onCommit: (info) => {
        metrics.recordCommit(info.latencyMs);
        breaker.recordSuccess();
      },
      onRollback: () => metrics.recordRollback(),
      onSync: (ms) => metrics.recordSync(ms),
      onCheckpoint: (report) => this.guarded(() => this.checkpointDone(report)),
      onCorruption: (error) =>
        this.guarded(() => {
          metrics.recordCorruption();
          this.lastCorruptionMessage = error.message;
          this.logger.errorFrom(error, 'corruption detected');
        }),
      onIoError: (error) => this.guarded(() => this.ioError(error)),
      onBackgroundError: (error) => this.guarded(() => this.logger.errorFrom(error, 'background checkpoint failed')),
    };
  }

  /** The observer's hooks followed by `extra` (tests add their own). */
  hooksWith(extra: PagerHooks | undefined): PagerHooks {
    if (extra === undefined) return this.pagerHooks;
    const own = this.pagerHooks as Required<PagerHooks>;
    const more = extra;
    return {
      onCommit: (info) => (own.onCommit(info), more.onCommit?.(info)),
      onRollback: () => (own.onRollback(), more.onRollback?.()),
      onSync: (ms) => (own.onSync(ms), more.onSync?.(ms)),
      onCheckpoint: (report) => (own.onCheckpoint(report), more.onCheckpoint?.(report)),
      onCorruption: (error) => (own.onCorruption(error), more.onCorruption?.(error)),
      onIoError: (error) => (own.onIoError(error), more.onIoError?.(error)),
      onBackgroundError: (error) => (own.onBackgroundError(error), more.onBackgroundError?.(error)),
    };
  }

  private checkpointDone(report: CheckpointReport): void {
    this.metrics.recordCheckpoint(report.durationMs);
    this.logger.event('checkpoint', `checkpoint (${report.mode}) copied ${report.pagesCopied} page(s) in ${report.durationMs.toFixed(1)} ms`, {
      mode: report.mode,
      pagesCopied: report.pagesCopied,
      framesRemaining: report.framesRemaining,
      complete: report.complete,
      restarted: report.restarted,
      walSizeBytesAfter: report.walSizeBytesAfter,
      durationMs: round(report.durationMs),
      lsn: report.lsn.toString(),
    }, this.lifecycleLevel);
  }

  private ioError(error: OmbraError): void {
    this.metrics.recordIoError();
    this.logger.errorFrom(error, 'I/O error');
    if (this.breaker.recordFailure(error)) {
      this.logger.fatal(`circuit breaker opened after ${this.breaker.consecutiveFailures} consecutive I/O failures: writes are refused until reset`, {
        code: 'CIRCUIT_OPEN',
        threshold: this.breaker.threshold,
        lastError: this.breaker.lastError,
      });
    }
  }

  private slowOperation(kind: SlowOperationKind, ms: number): void {
    this.guarded(() => {
      const second = Math.floor(Date.now() / 1000);
      if (second !== this.slowSecond) {
        this.slowSecond = second;
        this.slowInSecond = 0;
      }
      if (this.slowInSecond >= SLOW_WARNINGS_PER_SECOND) {
        this.slowSuppressed++;
        return;
      }
      this.slowInSecond++;
      const suppressed = this.slowSuppressed;
      this.slowSuppressed = 0;
      this.logger.warn(`slow ${kind}: ${formatDuration(ms)} (slowOperationMs ${this.metrics.slowOperationMs})`, {
        event: 'slow-operation',
        operation: kind,
        durationMs: round(ms),
        thresholdMs: this.metrics.slowOperationMs,
        ...(suppressed > 0 ? { suppressedBefore: suppressed } : {}),
      });
    });
  }

  /** O1: a hook must not throw into the pager. */
  private guarded(body: () => void): void {
    try {
      body();
    } catch {
      // Logging itself failed (e.g. the log file's disk is full): nothing better to do here.
    }
  }

  // ── query layer, ops layer ───────────────────────────────────────────────

  /** A finished statement (the query layer calls this). */
  recordQuery(latencyMs: number, options: { write: boolean }): void {
    this.metrics.recordQuery(latencyMs, options);
  }

  recordWrites(entities: number): void {
    this.metrics.recordWrites(entities);
  }

  recordReads(n = 1): void {
    this.metrics.recordReads(n);
  }

  /** Count jobs by outcome and log how each ended, unless `logOutcomes` is false (call once with the database's registry). */
  watchJobs(jobs: JobRegistry, options: { logOutcomes: boolean } = { logOutcomes: true }): void {
    this.unsubscribeJobs?.();
    this.unsubscribeJobs = jobs.subscribe((info) => {
      if (info.state === 'running') return;
      this.jobsEnded[info.state]++;
      if (!options.logOutcomes) return;
      const what = `${info.kind} job ${info.id} (${info.description})`;
      if (info.state === 'failed') this.logger.error(`${what} failed: ${info.error?.message ?? 'unknown error'}`, { event: 'job', code: info.error?.code ?? null, jobId: info.id, kind: info.kind });
      else if (info.state === 'cancelled') this.logger.info(`${what} was cancelled`, { event: 'job', jobId: info.id, kind: info.kind });
      else this.logger.debug(`${what} succeeded`, { event: 'job', jobId: info.id, kind: info.kind });
    });
  }

  // ── lifecycle logs ───────────────────────────────────────────────────────

  logOpened(facts: { path: string; readOnly: boolean; databaseId: string; recovery: RecoveryReport }): void {
    const r = facts.recovery;
    const replayed = r.transactionsRecovered > 0 ? `recovered ${r.transactionsRecovered} transaction(s) (${r.framesApplied} frames) from the WAL` : 'nothing to recover';
    const tail = r.invalidFrames > 0 || r.tornTailBytes > 0 ? `; ignored ${r.invalidFrames} frame(s) and ${r.tornTailBytes} byte(s) after the last commit (${r.endReason})` : '';
    this.logger.event('open', `opened ${facts.path}${facts.readOnly ? ' read-only' : ''}: ${replayed}${tail}`, {
      readOnly: facts.readOnly,
      databaseId: facts.databaseId,
      recovery: { ...r, lastLsn: r.lastLsn.toString() },
    }, this.lifecycleLevel);
  }

  logClosed(path: string): void {
    const v = this.metrics;
    this.logger.event('close', `closed ${path}`, {
      uptimeSeconds: round(v.uptimeSeconds()),
      transactionsCommitted: v.committedTotal,
      transactionsRolledBack: v.rolledBackTotal,
    }, this.lifecycleLevel);
  }

  // ── settings, guards ─────────────────────────────────────────────────────

  /** Live settings: logLevel, slowOperationMs, circuitBreakerThreshold (health reads the config itself). */
  configure(changes: Partial<OmbraConfig>): void {
    if (changes.logLevel !== undefined) this.logger.level = changes.logLevel;
    if (changes.slowOperationMs !== undefined) this.metrics.slowOperationMs = changes.slowOperationMs;
    if (changes.circuitBreakerThreshold !== undefined) this.breaker.threshold = changes.circuitBreakerThreshold;
  }

  assertWritable(kind: WriteKind, target: { path: string; readOnly: boolean }): void {
    this.guard.assertWritable(kind, target);
  }

  setMaintenanceMode(on: boolean, path: string): void {
    if (this.guard.maintenanceMode === on) return;
    this.guard.maintenanceMode = on;
    this.logger.event('maintenance', on ? `maintenance mode on for ${path}: writes are refused` : `maintenance mode off for ${path}`, { on }, on ? 'warn' : 'info');
  }

  resetCircuitBreaker(path: string): void {
    const wasOpen = this.breaker.open;
    this.breaker.reset();
    if (wasOpen) this.logger.event('circuit-breaker', `circuit breaker reset for ${path}: writes are accepted again`, {}, 'warn');
  }

  // ── snapshots ────────────────────────────────────────────────────────────

  health(source: ObserverSource): HealthReport {
    const { stats, problem } = this.readStats(source);
    const cache = this.metrics.sampleCache(stats.cache.hits, stats.cache.misses);
    return this.evaluate(source, stats, cache, source.diskFreeBytes(), Date.now(), problem);
  }

  snapshot(source: ObserverSource): MetricsSnapshot {
    const nowMs = Date.now();
    const { stats, problem } = this.readStats(source);
    const facts = this.readFacts(source);
    const view = this.metrics.view();
    const cache = this.metrics.sampleCache(stats.cache.hits, stats.cache.misses);
    const diskFreeBytes = source.diskFreeBytes();
    const config = source.config;
    return {
      takenAtMs: nowMs,
      uptimeSeconds: this.metrics.uptimeSeconds(),
      database: {
        path: source.path,
        databaseId: source.databaseId,
        readOnly: source.readOnly,
        maintenanceMode: this.guard.maintenanceMode,
        encrypted: facts.encrypted,
        accessControl: config.accessControl,
        pageSizeBytes: stats.pageSizeBytes,
        pageCount: stats.pageCount,
        fileSizeBytes: stats.fileSizeBytes,
        freePages: stats.freePages,
        fragmentationPercent: source.fragmentationPercent?.() ?? this.fragmentationPercent,
        nodes: facts.nodes,
        relationships: facts.relationships,
        lastLsn: stats.lastLsn.toString(),
        lastBackupAtMs: this.lastBackupAtMs,
      },
      transactions: {
        committedTotal: view.committedTotal,
        rolledBackTotal: view.rolledBackTotal,
        committedPerSecond: view.committedPerSecond,
        readsPerSecond: view.readsPerSecond,
        writesPerSecond: view.writesPerSecond,
        rolledBackPerSecond: view.rolledBackPerSecond,
        readsTotal: view.readsTotal,
        writesTotal: view.writesTotal,
        history: view.history,
      },
      commitLatencyMs: view.commitLatencyMs,
      queryLatencyMs: view.queryLatencyMs,
      syncLatencyMs: view.syncLatencyMs,
      histograms: { commitLatencyMs: view.commitHistogram, queryLatencyMs: view.queryHistogram, syncLatencyMs: view.syncHistogram },
      wal: {
        fileBytes: stats.walFileBytes,
        logBytes: stats.walLogBytes,
        maxBytes: config.walSizeBytesMax,
        frames: stats.walFrames,
        framesPendingCheckpoint: stats.framesPendingCheckpoint,
        pendingSyncs: stats.pendingSyncs,
        syncsTotal: stats.wal.syncs,
        checkpointsTotal: stats.checkpoints,
        lastCheckpointAtMs: stats.lastCheckpointAtMs,
        lastCheckpointDurationMs: view.lastCheckpointDurationMs,
        archiveLagFrames: source.archiveLagFrames?.() ?? null,
      },
      cache: {
        capacityPages: stats.cache.capacityPages,
        residentPages: stats.cache.residentPages,
        dirtyPages: stats.cache.dirtyPages,
        hitsTotal: stats.cache.hits,
        missesTotal: stats.cache.misses,
        evictionsTotal: stats.cache.evictions,
        hitRate: cache.hitRate,
      },
      storage: { corruptionErrorsTotal: view.corruptionErrorsTotal, ioErrorsTotal: view.ioErrorsTotal, diskFreeBytes },
      circuitBreaker: { open: this.breaker.open, consecutiveFailures: this.breaker.consecutiveFailures, threshold: this.breaker.threshold },
      jobs: { ...source.jobs(), endedTotal: { ...this.jobsEnded } },
      health: this.evaluate(source, stats, cache, diskFreeBytes, nowMs, problem),
      alerts: this.alerts.recent(),
    };
  }

  private evaluate(
    source: ObserverSource,
    stats: PagerStats,
    cache: { hitRate: number | null; lookups: number },
    diskFreeBytes: number | null,
    nowMs: number,
    problem: OmbraError | null,
  ): HealthReport {
    return evaluateHealth({
      storageProblem: problem === null ? null : `${problem.code}: ${problem.message}`,
      nowMs,
      config: source.config,
      pageSizeBytes: stats.pageSizeBytes,
      wal: { logBytes: stats.walLogBytes, framesPendingCheckpoint: stats.framesPendingCheckpoint },
      cache,
      corruption: { total: this.metrics.corruptionErrorsTotal, lastMessage: this.lastCorruptionMessage },
      diskFreeBytes,
      lastCheckpointAtMs: stats.lastCheckpointAtMs,
      lastBackupAtMs: this.lastBackupAtMs,
      breaker: { open: this.breaker.open, consecutiveFailures: this.breaker.consecutiveFailures, threshold: this.breaker.threshold, lastError: this.breaker.lastError },
      lock: source.lockStatus(),
    });
  }

  /** O4: pager stats, or the last ones that worked and the error that stops them now. */
  private readStats(source: ObserverSource): { stats: PagerStats; problem: OmbraError | null } {
    try {
      this.lastStats = source.pagerStats();
      return { stats: this.lastStats, problem: null };
    } catch (error) {
      const e = toOmbraError(error);
      if (e.code === 'DATABASE_CLOSED' || this.lastStats === null) throw e;
      return { stats: this.lastStats, problem: e };
    }
  }

  private readFacts(source: ObserverSource): { nodes: number; relationships: number; encrypted: boolean } {
    try {
      this.lastFacts = source.metaFacts();
    } catch (error) {
      if (this.lastFacts === null) throw error;
    }
    return this.lastFacts;
  }

  /** Read what a later failure falls back on (O4); the facade calls it right after open. */
  prime(source: ObserverSource): void {
    try {
      this.readStats(source);
      this.readFacts(source);
    } catch {
      // Only a fallback: the next snapshot reports whatever is wrong.
    }
  }

  // ── resources that close with the database ───────────────────────────────

  /** Close `resource` when the database closes. Returns a function that detaches it. */
  attach(resource: Closeable): () => void {
    this.attached.add(resource);
    return () => this.attached.delete(resource);
  }

  /** Close attached resources, stop watching jobs, close the log file. Idempotent. */
  async close(): Promise<void> {
    this.unsubscribeJobs?.();
    this.unsubscribeJobs = null;
    const resources = [...this.attached];
    this.attached.clear();
    const results = await Promise.allSettled(resources.map(async (r) => r.close()));
    for (const result of results) if (result.status === 'rejected') this.logger.errorFrom(result.reason, 'closing an attached resource failed');
    this.logger.close();
  }

  /** Release what the constructor took (the log file) when the open fails after it. */
  dispose(): void {
    this.logger.close();
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
