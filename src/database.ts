// The facade: one open database — its pager, graph store, query engine, jobs, metrics and
// guards — behind the API applications and the console use.
//
//   const db = Database.open('/data/social.db', { cacheSizePages: 20_000 });
//   ...
//   await db.close();
//
// ':memory:' opens a database that lives in memory only (tests, the TCK, scratch work).

import { resolveConfig, validateOption, CONFIG_SPEC, type CheckpointMode, type OmbraConfig } from './config.js';
import { ConfigError, StorageError } from './errors.js';
import { JobRegistry } from './ops/job.js';
import { backupDatabase, type BackupOptions, type BackupReport } from './ops/backup.js';
import { analyzeDatabase, compactDatabase, type CompactOptions, type CompactReport } from './ops/compact.js';
import type { FragmentationReport } from './ops/fragmentation.js';
import { databaseInfo, type DatabaseInfo } from './ops/info.js';
import { restoreBackup, type RestoreOptions, type RestoreReport } from './ops/restore.js';
import { verifyDatabase, type VerifyOptions, type VerifyReport } from './ops/verify.js';
import { WalArchiver } from './ops/wal-archive.js';
import type { CheckpointReport } from './storage/checkpoint.js';
import { RealFileSystem } from './storage/fs-real.js';
import { SimulatedFileSystem } from './storage/fs-sim.js';
import { Pager, type PagerHooks } from './storage/pager.js';
import type { FileSystem } from './storage/types.js';
// observability and safety (src/observe/)
import { Observer } from './observe/observer.js';
import { resolveLogSettings, type LogDestination, type Logger } from './observe/logger.js';
import type { WriteKind } from './observe/safety.js';
import type { HealthReport, MetricsSnapshot } from './observe/snapshot.js';
import { pagerSource, type ObserverSource } from './observe/source.js';

export const MEMORY_PATH = ':memory:';

export interface OpenOptions extends Partial<OmbraConfig> {
  /** The file system to use (tests pass a SimulatedFileSystem). Default: the real one. */
  fs?: FileSystem;
  /** Take `<db>-lock` (default true unless read-only). */
  lock?: boolean;
  /** Create the database when it does not exist (default true unless read-only). */
  create?: boolean;
  /** Extra storage hooks (tests); the database's own metrics hooks always run. */
  hooks?: PagerHooks;
  /** Where log lines go from the start (the console passes 'memory'; default: logFile, else stderr). */
  logDestination?: LogDestination;
}

export class Database {
  readonly jobs = new JobRegistry();
  private closing: Promise<void> | null = null;
  /** The WAL archiver when `walArchiveDir` is set (ops/wal-archive.ts). */
  private archiver: WalArchiver | null = null;

  private constructor(
    readonly path: string,
    readonly fs: FileSystem,
    readonly pager: Pager,
    private readonly settings: OmbraConfig,
    /** Metrics, health, alerts, logger, write guards (src/observe/observer.ts). */
    readonly observer: Observer,
  ) {}

  /** What the observer reads for snapshots and health (set by open). */
  private observed!: ObserverSource;

  /**
   * Open (or create) a database. Cost: recovery reads the WAL once. Throws LockedError when
   * another process writes it, CorruptionError / NOT_A_DATABASE when it cannot be used,
   * ConfigError for a bad option (each names the key and the allowed range).
   */
  static open(path: string, options: OpenOptions = {}): Database {
    const { fs: givenFs, lock, create, hooks, logDestination, ...overrides } = options;
    const config = resolveConfig(overrides, 'open options');
    const observer = new Observer({
      config,
      log: resolveLogSettings(config, overrides),
      logBase: { db: path },
      logDestination,
      lifecycleLevel: path === MEMORY_PATH ? 'debug' : 'info',
    });
    let fs = givenFs;
    let filePath = path;
    if (path === MEMORY_PATH) {
      fs = fs ?? memoryFileSystem();
      filePath = '/memory/db';
    }
    fs = fs ?? new RealFileSystem();
    let pager: Pager;
    try {
      pager = Pager.open({ fs, path: filePath, config, hooks: observer.hooksWith(hooks), lock: path === MEMORY_PATH ? false : lock, create });
    } catch (error) {
      observer.dispose();
      throw error;
    }
    const db = new Database(path, fs, pager, config, observer);
    db.observed = pagerSource({
      path,
      fs,
      pager,
      config: db.settings,
      jobs: () => db.jobs.list(),
      archiveLagFrames: () => db.archiver?.lagFrames() ?? null,
      lock: path === MEMORY_PATH ? { kind: 'none', reason: 'in-memory database' } : lock === false ? { kind: 'none', reason: 'opened with lock: false' } : { kind: 'held' },
    });
    observer.watchJobs(db.jobs);
    observer.prime(db.observed);
    observer.logOpened({ path, readOnly: pager.readOnly, databaseId: pager.databaseId, recovery: pager.recovery });
    if (config.walArchiveDir !== '' && !config.readOnly) {
      try {
        db.archiver = WalArchiver.attach(fs, config.walArchiveDir, pager);
      } catch (error) {
        pager.close({ checkpoint: false }).catch(() => undefined);
        observer.dispose();
        throw error;
      }
    }
    return db;
  }

  /** The effective configuration (a copy). */
  get config(): OmbraConfig {
    return { ...this.settings };
  }

  /**
   * Change settings on the running database (console `:set`). Only options marked live in
   * config.ts may change; others throw CONFIG_INVALID naming the key.
   */
  configure(changes: Partial<OmbraConfig>): void {
    const validated: Partial<OmbraConfig> = {};
    for (const [key, value] of Object.entries(changes)) {
      const spec = (CONFIG_SPEC as Record<string, { live: boolean }>)[key];
      if (spec === undefined) validateOption(key as keyof OmbraConfig, value, 'configure');
      if (!spec!.live) {
        throw new ConfigError('CONFIG_INVALID', `'${key}' cannot be changed while the database is open (it is fixed at open)`, { key });
      }
      (validated as Record<string, unknown>)[key] = validateOption(key as keyof OmbraConfig, value, 'configure');
    }
    Object.assign(this.settings, validated);
    this.pager.configure(validated);
    this.observer.configure(validated);
  }

  /** Checkpoint as a job (shows in the Jobs panel and `:jobs`). */
  checkpoint(mode: CheckpointMode = 'passive'): Promise<CheckpointReport> {
    this.assertOpen();
    this.assertWritable('maintenance');
    return this.jobs.run({
      kind: 'checkpoint',
      description: `checkpoint (${mode})`,
      body: async (ctx) => {
        ctx.progress({ phase: `copying the WAL into the database (${mode})` });
        const report = await this.pager.checkpoint(mode);
        ctx.progress({ phase: 'done', done: report.pagesCopied, total: report.pagesCopied });
        return report;
      },
    });
  }

  // ── operations (src/ops/): each runs as a job, the same one the CLI and the console run ──

  /** The WAL archive (point-in-time restore), or null when `walArchiveDir` is not set. */
  get walArchive(): WalArchiver | null {
    return this.archiver;
  }

  /** Online backup into a chain directory (ops/backup.ts). Writers never wait for it. */
  backup(options: BackupOptions): Promise<BackupReport> {
    this.assertOpen();
    return backupDatabase(this, options);
  }

  /** Verify checksums (fast) or every invariant (full) under one snapshot (ops/verify.ts). */
  verify(options: VerifyOptions = {}): Promise<VerifyReport> {
    this.assertOpen();
    return verifyDatabase(this, options);
  }

  /** Rebuild every tree into a dense file and swap it in, crash-safe (ops/compact.ts). */
  compact(options: CompactOptions = {}): Promise<CompactReport> {
    this.assertOpen();
    return compactDatabase(this, options);
  }

  /** Free pages and unused bytes in used pages (ops/fragmentation.ts). Reads every tree page. */
  analyzeFragmentation(): Promise<FragmentationReport> {
    this.assertOpen();
    return analyzeDatabase(this);
  }

  /** What `ombra info` prints (ops/info.ts). */
  info(): Promise<DatabaseInfo> {
    this.assertOpen();
    return databaseInfo(this);
  }

  /** Restore a backup chain (and the WAL archive up to a time) into a new database file (ops/restore.ts). */
  static restore(options: RestoreOptions, jobs?: JobRegistry): Promise<RestoreReport> {
    return restoreBackup(options, jobs);
  }

  get isClosed(): boolean {
    return this.pager.isClosed;
  }

  // ── observability and safety (src/observe/) ──────────────────────────────

  /** The metrics snapshot (dashboard, `:stats`, exporters). Cost: one read transaction, one statfs. */
  metrics(): MetricsSnapshot {
    return this.observer.snapshot(this.observed);
  }

  /** Health from the named checks (observe/health.ts). Cost: one statfs and a lock-file read. */
  health(): HealthReport {
    return this.observer.health(this.observed);
  }

  /**
   * Throw unless a write may start now: SHUTTING_DOWN, READ_ONLY, MAINTENANCE_MODE (data
   * writes only) or CIRCUIT_OPEN (observe/safety.ts G2); DATABASE_CLOSED once closed.
   * Every write path calls it first; 'maintenance' is for checkpoint, compact, repair.
   */
  assertWritable(kind: WriteKind = 'data'): void {
    if (this.pager.isClosed) throw new StorageError('DATABASE_CLOSED', `${this.path} is closed`, { file: this.path });
    this.observer.assertWritable(kind, { path: this.path, readOnly: this.pager.readOnly });
  }

  get maintenanceMode(): boolean {
    return this.observer.guard.maintenanceMode;
  }

  /** Maintenance mode refuses data writes (MAINTENANCE_MODE); reads and maintenance jobs go on. */
  setMaintenanceMode(on: boolean): void {
    this.observer.setMaintenanceMode(on, this.path);
  }

  /** Close the I/O circuit breaker after the storage problem is fixed: writes are accepted again. */
  resetCircuitBreaker(): void {
    this.observer.resetCircuitBreaker(this.path);
  }

  /** The ops layer records each finished backup here (health check backup_age). */
  recordBackup(atMs: number = Date.now()): void {
    this.observer.lastBackupAtMs = atMs;
  }

  /** Structured logger (backup, compaction and other layers log their events through it). */
  get logger(): Logger {
    return this.observer.logger;
  }

  /** Route log lines: 'memory' while the dashboard owns the terminal, 'stderr', 'file', { file }, 'none'. */
  setLogDestination(destination: LogDestination): void {
    this.observer.logger.setDestination(destination);
  }

  /** Stop accepting work (SHUTTING_DOWN) ahead of close(); graceful shutdown calls it. */
  beginShutdown(): void {
    this.observer.guard.shuttingDown = true;
  }

  /** Open and not shutting down (`/ready`). */
  get isReady(): boolean {
    return !this.pager.isClosed && this.closing === null && !this.observer.guard.shuttingDown;
  }

  /**
   * Close: cancel running jobs and wait for them, wait for pending commits, checkpoint,
   * release the lock. Idempotent; concurrent calls share one close.
   */
  close(): Promise<void> {
    if (this.closing === null) {
      this.beginShutdown();
      this.closing = (async () => {
        this.jobs.cancel();
        await this.jobs.idle();
        try {
          await this.pager.close();
        } finally {
          this.archiver?.close();
          this.observer.logClosed(this.path);
          await this.observer.close();
        }
      })();
    }
    return this.closing;
  }

  private assertOpen(): void {
    if (this.pager.isClosed || this.closing !== null) {
      throw new StorageError('DATABASE_CLOSED', `${this.path} is closed`, { file: this.path });
    }
  }
}

/** A file system in memory for ':memory:' databases: durable until the process ends. */
function memoryFileSystem(): FileSystem {
  const fs = new SimulatedFileSystem();
  fs.mkdir('/memory');
  return fs;
}
