// The facade: one open database — its pager, graph store, query engine, jobs, metrics and
// guards — behind the API applications and the console use.
//
//   const db = Database.open('/data/social.db', { cacheSizePages: 20_000 });
//   ...
//   await db.close();
//
// ':memory:' opens a database that lives in memory only (tests, the TCK, scratch work).

import { resolveConfig, validateOption, CONFIG_SPEC, type CheckpointMode, type OmbraConfig } from './config.js';
import { ConfigError, SecurityError, StorageError } from './errors.js';
import { JobRegistry } from './ops/job.js';
import { backupDatabase, type BackupOptions, type BackupReport } from './ops/backup.js';
import { analyzeDatabase, compactDatabase, type CompactOptions, type CompactReport } from './ops/compact.js';
import type { FragmentationReport } from './ops/fragmentation.js';
import { databaseInfo, type DatabaseInfo } from './ops/info.js';
import { restoreBackup, type RestoreOptions, type RestoreReport } from './ops/restore.js';
import { verifyDatabase, type VerifyOptions, type VerifyReport } from './ops/verify.js';
import { repairDatabase, type RepairOptions, type RepairReport } from './ops/repair.js';
import { salvageDatabase, type SalvageOptions, type SalvageReport } from './ops/salvage.js';
import { importIntoDatabase, importNewDatabase, type CsvImportOptions, type ImportReport, type NewDatabaseImportOptions } from './ops/import.js';
import { exportDatabase, type ExportOptions, type ExportReport } from './ops/export.js';
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
// security (src/security/): access control, audit log, encryption at rest
import { backupCodec, DatabaseEncryption, rekeyDatabase, resolveKey, Security, type RekeyReport } from './security/index.js';
// queries (src/cypher, src/query)
import { QueryEngine } from './cypher/engine.js';
import type { ProcedureRegistry } from './cypher/binder/procedures.js';
import { GraphShared } from './graph/shared.js';
import { MEMORY_PATH } from './memory-path.js';
import { PreparedStatement, QuerySession, Transaction, type QueryOptions, type QueryResult } from './query/index.js';

export { MEMORY_PATH };

// What the query layer reports per statement, made once rather than per statement.
const READ_STATEMENT = Object.freeze({ write: false });
const WRITE_STATEMENT = Object.freeze({ write: true });

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
  /**
   * Key of an encrypted database (64 hex digits, base64 of 32 bytes, or 32 raw bytes). Default:
   * config keyFile, else OMBRA_ENCRYPTION_KEY. A new file opened with a key is created
   * encrypted (security/key.ts, security/encrypted-open.ts).
   */
  encryptionKey?: string | Uint8Array;
  /** The session user (CLI --user); default: the OS user mapped by config userMap (security/security.ts). */
  user?: string;
  /** Where OMBRA_ENCRYPTION_KEY is read (default process.env; the CLI passes its own). */
  env?: NodeJS.ProcessEnv;
  /**
   * Log how each job ended (failures at error level; default true). A one-shot CLI command
   * passes false: it prints the outcome itself, and stderr should say it once.
   */
  logJobOutcomes?: boolean;
}

export class Database {
  readonly jobs = new JobRegistry();
  private closing: Promise<void> | null = null;
  /** The WAL archiver when `walArchiveDir` is set (ops/wal-archive.ts). */
  private archiver: WalArchiver | null = null;
  /** Access control and audit (security/security.ts); set by open. */
  private securityState!: Security;
  /** Encryption at rest of this open (security/encrypted-open.ts); set by open. */
  private encryption!: DatabaseEncryption;

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
    const { fs: givenFs, lock, create, hooks, logDestination, encryptionKey, user, env, logJobOutcomes, ...overrides } = options;
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
    let encryption: DatabaseEncryption;
    try {
      // The key is tried on page 0 before the lock, the WAL or anything else is touched.
      const key = resolveKey({ encryptionKey, keyFile: config.keyFile, env });
      encryption = DatabaseEncryption.prepare({ fs, path: filePath, key, readOnly: config.readOnly, create: create ?? !config.readOnly, pageSizeBytes: config.pageSizeBytes });
      const codec = encryption.codec ?? undefined;
      pager = Pager.open({ fs, path: filePath, config, hooks: observer.hooksWith(hooks), lock: path === MEMORY_PATH ? false : lock, create, codec });
    } catch (error) {
      observer.dispose();
      throw error;
    }
    let security: Security;
    try {
      encryption.attach(pager);
      // The audit log of a memory database goes to the real file system unless a fs was given.
      const auditFs = path === MEMORY_PATH && givenFs === undefined ? new RealFileSystem() : fs;
      security = new Security({
        pager,
        fs: auditFs,
        settings: config,
        ...(user !== undefined ? { user } : {}),
        assertWritable: () => db.assertWritable('maintenance'),
        onError: (error, what) => db.logger.event('security', `${what} failed: ${error instanceof Error ? error.message : String(error)}`, {}, 'error'),
      });
    } catch (error) {
      pager.close({ checkpoint: false }).catch(() => undefined);
      observer.dispose();
      throw error;
    }
    const db = new Database(path, fs, pager, config, observer);
    db.securityState = security;
    db.encryption = encryption;
    encryption.onBackgroundError = (error) => observer.hooksWith(undefined).onBackgroundError?.(error);
    db.jobs.guard = { admit: (spec) => security.admitJob(spec) };
    db.observed = pagerSource({
      path,
      fs,
      pager,
      config: db.settings,
      jobs: () => db.jobs.list(),
      archiveLagFrames: () => db.archiver?.lagFrames() ?? null,
      lock: path === MEMORY_PATH ? { kind: 'none', reason: 'in-memory database' } : lock === false ? { kind: 'none', reason: 'opened with lock: false' } : { kind: 'held' },
    });
    observer.watchJobs(db.jobs, { logOutcomes: logJobOutcomes ?? true });
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
   * config.ts may change; others throw CONFIG_INVALID naming the key. Needs Configure.
   */
  configure(changes: Partial<OmbraConfig>): void {
    const target = Object.keys(changes).join(', ');
    const user = this.security.authorize('configure', 'configure', target);
    const validated: Partial<OmbraConfig> = {};
    for (const [key, value] of Object.entries(changes)) {
      const spec = (CONFIG_SPEC as Record<string, { live: boolean }>)[key];
      if (spec === undefined) validateOption(key as keyof OmbraConfig, value, 'configure');
      if (!spec!.live) {
        throw new ConfigError('CONFIG_INVALID', `'${key}' cannot be changed while the database is open (it is fixed at open)`, { key });
      }
      (validated as Record<string, unknown>)[key] = validateOption(key as keyof OmbraConfig, value, 'configure');
    }
    this.security.validateSettings(validated);
    Object.assign(this.settings, validated);
    this.pager.configure(validated);
    this.observer.configure(validated);
    this.security.applySettings(validated);
    this.security.record({ user, action: 'configure', target, outcome: 'ok' });
  }

  // ── security (src/security/) ─────────────────────────────────────────────

  /** Users, roles, permission checks and the audit log of this database (security/security.ts). */
  get security(): Security {
    return this.securityState;
  }

  /**
   * This database as `user`: every statement, job and change made through the returned view
   * (and the transactions and prepared statements it hands out) is checked and audited as
   * `user`. Cost: a Proxy; AsyncLocalStorage per call.
   */
  asUser(user: string): Database {
    return this.security.sessionView(this, user);
  }

  /**
   * Rewrite every page into a new file under a new key (`newKey`, or the key file
   * `newKeyFile`; `newKey: null` writes an unencrypted copy) as a job; the source is not
   * changed (security/rekey.ts). Needs Admin. Cost: reads and writes every page once.
   */
  async rekey(options: { out: string; newKey?: string | Uint8Array | null; newKeyFile?: string }): Promise<RekeyReport> {
    this.assertOpen();
    if (options.newKey === undefined && options.newKeyFile === undefined) {
      throw new SecurityError('INVALID_ARGUMENT', 'rekey needs the new key (newKey or newKeyFile), or newKey: null for an unencrypted copy', {});
    }
    if (this.fs.exists(options.out)) throw new SecurityError('INVALID_ARGUMENT', `${options.out} already exists: rekey writes a new database and never replaces one`, { file: options.out });
    const newKey = options.newKey === null ? null : resolveKey({ ...(options.newKey !== undefined ? { encryptionKey: options.newKey } : {}), keyFile: options.newKeyFile ?? '', env: {} });
    return rekeyDatabase(this, { out: options.out, newKey });
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

  /**
   * Rebuild every derived structure (indexes, adjacency, degrees, counters, free list) from the
   * primary records into a new database at `options.out`, reporting what was fixed
   * (ops/repair.ts). Reads one snapshot of this database; never changes it.
   */
  repair(options: RepairOptions): Promise<RepairReport> {
    this.assertOpen();
    return repairDatabase(this, options);
  }

  /**
   * Import CSV files (neo4j-admin import format) into this database in one write transaction:
   * all or nothing (ops/import.ts, graph/bulk-import.ts). Holds the writer while it runs.
   */
  importCsv(options: CsvImportOptions): Promise<ImportReport> {
    this.assertOpen();
    return importIntoDatabase(this, options);
  }

  /** Export the graph as CSV files bulk import reads back (ops/export.ts). Reads one snapshot. */
  exportCsv(options: ExportOptions): Promise<ExportReport> {
    this.assertOpen();
    return exportDatabase(this, options);
  }

  /**
   * Scan the pages of a database too damaged to open or repair and write what they hold into a
   * new database (ops/salvage.ts). Needs no open database; only reads the damaged files.
   */
  static salvage(options: SalvageOptions, jobs?: JobRegistry): Promise<SalvageReport> {
    return salvageDatabase(options, jobs);
  }

  /** Import CSV files into a new database file, built directly and renamed into place when complete (ops/import.ts). */
  static importCsvToNewDatabase(options: NewDatabaseImportOptions, jobs?: JobRegistry): Promise<ImportReport> {
    return importNewDatabase(options, jobs);
  }

  /**
   * Restore a backup chain (and the WAL archive up to a time) into a new database file
   * (ops/restore.ts). An encrypted chain restores as stored; its key (`encryptionKey`, else
   * OMBRA_ENCRYPTION_KEY) lets the result get full verification. On a database's job
   * registry (`db.jobs`) the restore is a job of that database: Admin, audited.
   */
  static async restore(options: RestoreOptions & { encryptionKey?: string | Uint8Array; keyFile?: string; env?: NodeJS.ProcessEnv }, jobs?: JobRegistry): Promise<RestoreReport> {
    const { encryptionKey, keyFile, env, ...restore } = options;
    if (restore.codec === undefined) {
      const codec = backupCodec(restore.dir, { ...(encryptionKey !== undefined ? { encryptionKey } : {}), keyFile: keyFile ?? '', ...(env !== undefined ? { env } : {}) }, restore.fs);
      if (codec !== null) restore.codec = codec;
    }
    return restoreBackup(restore, jobs);
  }

  get isClosed(): boolean {
    return this.pager.isClosed;
  }

  // ── queries (src/query/session.ts has the contract) ──────────────────────

  /** Per-database graph caches (catalog names, index definitions) every GraphReader/Writer of this database shares. */
  readonly graphShared = new GraphShared();
  private session: QuerySession | null = null;
  /** Sessions of users other than the default one (asUser / security.runAs), on the same host. */
  private readonly userSessions = new Map<string, QuerySession>();

  /** The query session of the current user (security.currentUser()): statements are checked and audited as that user. */
  private get queries(): QuerySession {
    this.assertOpen();
    if (this.session === null) {
      const engine = new QueryEngine();
      this.session = new QuerySession({
        pager: this.pager,
        graphShared: this.graphShared,
        engine,
        limits: () => this.settings, // live: `:set` changes this object in place
        assertWritable: () => this.assertWritable('data'),
        recordQuery: (ms, write) => this.observer.recordQuery(ms, write ? WRITE_STATEMENT : READ_STATEMENT),
        recordWrites: (n) => this.observer.recordWrites(n),
        guard: this.security,
      }, this.security.defaultUser);
    }
    const user = this.security.currentUser();
    if (user === this.session.user) return this.session;
    let session = this.userSessions.get(user);
    if (session === undefined) {
      session = new QuerySession(this.session.host, user);
      this.userSessions.set(user, session);
    }
    return session;
  }

  /** The query engine: plan cache, procedures (register more with `queryEngine.procedures.register`). */
  get queryEngine(): QueryEngine {
    return this.queries.host.engine;
  }

  /** Procedures CALL can use. */
  get procedures(): ProcedureRegistry {
    return this.queryEngine.procedures;
  }

  /**
   * Run one statement in its own transaction. A statement that writes commits durably
   * (synced) before this returns; a failed statement changes nothing. Params are JS values
   * (integral numbers are INTEGER, float(x) a FLOAT, bigint an INTEGER).
   */
  query(text: string, params?: Readonly<Record<string, unknown>>, options?: QueryOptions): QueryResult {
    return this.queries.query(text, params, options);
  }

  /** As query(), but a write joins a group commit; resolves once it is durable. */
  queryAsync(text: string, params?: Readonly<Record<string, unknown>>, options?: QueryOptions): Promise<QueryResult> {
    return this.queries.queryAsync(text, params, options);
  }

  /** Parse, bind and plan once (cached by text); run many times with run() / stream(). */
  prepare(text: string): PreparedStatement {
    const session = this.queries;
    return new PreparedStatement(session, session.prepare(text));
  }

  /**
   * An explicit transaction. Read-write (default) holds the single writer until commit or
   * rollback; `readOnly` is one snapshot for several reads.
   */
  begin(options: { readOnly?: boolean } = {}): Transaction {
    const session = this.queries;
    if (options.readOnly === true) return new Transaction(session, this.pager.beginRead());
    this.assertWritable('data');
    return new Transaction(session, this.pager.beginWrite());
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

  /** Maintenance mode refuses data writes (MAINTENANCE_MODE); reads and maintenance jobs go on. Needs Configure. */
  setMaintenanceMode(on: boolean): void {
    const user = this.security.authorize('configure', 'configure', `maintenance mode ${on ? 'on' : 'off'}`);
    this.observer.setMaintenanceMode(on, this.path);
    this.security.record({ user, action: 'configure', target: `maintenance mode ${on ? 'on' : 'off'}`, outcome: 'ok' });
  }

  /** Close the I/O circuit breaker after the storage problem is fixed: writes are accepted again. Needs Configure. */
  resetCircuitBreaker(): void {
    const user = this.security.authorize('configure', 'configure', 'circuit breaker reset');
    this.observer.resetCircuitBreaker(this.path);
    this.security.record({ user, action: 'configure', target: 'circuit breaker reset', outcome: 'ok' });
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
      this.session?.close();
      for (const session of this.userSessions.values()) session.close();
      this.closing = (async () => {
        this.jobs.cancel();
        await this.jobs.idle();
        try {
          this.encryption.release(); // encryption.ts N3: before the last checkpoint
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
