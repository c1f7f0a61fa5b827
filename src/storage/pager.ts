// The pager: the database file, its WAL and the page cache behind one transactional API.
//
//   Pager.open()  → lock, create or open the file, recover the WAL, read the meta page
//   beginRead()   → ReadTransaction (a snapshot; never blocked by the writer)
//   beginWrite()  → WriteTransaction (one at a time); commit() / commitAsync() / rollback()
//   checkpoint()  → copy the WAL back into the database file (checkpoint.ts)
//   close()       → drain syncs, checkpoint (truncate), release the lock
//
// STATE (all sequences are global WAL frame sequences, wal.ts)
//   committed   newest commit: new transactions snapshot here
//   durable     newest commit whose frames are synced (≤ committed)
//   backfilled  the database file holds every page as of this sequence (≤ durable)
//
// Invariants:
//  (R1) A read at snapshot s returns the newest version ≤ s of the page: from the cache when
//       the cached image's tag ≤ s, else from the WAL frame versionAt(page, s), else from the
//       database file (transaction.ts T1).
//  (R2) Only the newest version of a page is installed in the cache (page-cache.ts).
//  (R3) The log restarts only when backfilled = committed and no checkpoint is copying
//       (every reader then finds each page in the database file, as of its snapshot).
//  (R4) A failed WAL sync rewinds the pager to the durable sequence: the cache is cleared and
//       every transaction begun before is invalidated (transaction.ts T4). The database stays
//       usable and nothing durable is lost.
//  (R5) The meta page is pinned in the cache: every transaction starts by reading it.
//  (R6) When a WAL archive is attached (attachLogArchive, ops/wal-archive.ts), no generation
//       of the log is discarded (restart / truncate) before the archive holds every committed
//       transaction of it. If archiving fails the log does not restart: it keeps growing (up
//       to WAL_FULL) and the error goes to onBackgroundError, so PITR never silently loses a
//       transaction (PostgreSQL keeps unarchived WAL segments for the same reason).
//       Failpoint 'pager.afterArchive' sits between archiving and the restart.
//  (R7) The database file is only replaced (swapDatabaseFile, compaction) while the caller
//       holds the writer, no reader is open, every frame is backfilled and the WAL file is
//       truncated to zero bytes and synced: an old log can never be replayed onto a new file.
//
// FILE SWAP PROTOCOL (swapDatabaseFile; the replacement is complete and synced; sync barriers ══)
//   1. copy every committed frame into the old file (checkpoint protocol steps 1–5, its failpoints)
//   2. archive the generation (R6), truncate the WAL to 0 bytes ══ sync    'wal.beforeTruncateSync'
//                                                                         'swap.afterWalTruncate'
//   3. rename the replacement over the database file                      'swap.beforeDirSync'
//      ══ fsync the directory                                             'swap.afterDirSync'
//   4. reopen the file, drop the cache, read the new meta page (same database id and page size)
//   A crash before the rename reaches the disk leaves the old file with its WAL (intact, or
//   after 2 empty: every frame is in the file by then); after it, the new file with an empty
//   WAL. A failure after 3 marks the pager broken (reopen). Compaction drives this (ops/compact.ts).

import { dirname } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { CheckpointMode, OmbraConfig } from '../config.js';
import { CorruptionError, isOmbraError, OmbraError, StorageError, TransactionError } from '../errors.js';
import { CHECKPOINT_MODES, type CheckpointReport } from './checkpoint.js';
import { failpoint } from './failpoint.js';
import { clearHole, holeLength, holeStart } from './free-space.js';
import { listFreePages } from './freelist.js';
import { acquireLock, type DatabaseLock } from './lock.js';
import * as meta from './meta.js';
import { getPageLsn, pageProblem, resealPage, sealPage, verifyPage } from './page.js';
import { PageCache } from './page-cache.js';
import { PagePool } from './page-pool.js';
import { ReadTransaction, WriteTransaction, type CommitOutcome, type CommitResult, type PagerCore } from './transaction.js';
import type { FileHandle, FileSystem, Lsn, PageId } from './types.js';
import { PREALLOCATION_STEP_BYTES_MAX, WriteAheadLog, type CommitRecord, type RecoveryReport } from './wal.js';

/** Encryption at rest plugs in here (security layer); page 0 never goes through it. */
export interface PageCodec {
  /** Stored form of a sealed plain page (encrypts the content, reseals the checksum). */
  encode(page: Uint8Array, pageId: PageId): Uint8Array;
  /** Plain form of a verified stored page. */
  decode(page: Uint8Array, pageId: PageId): Uint8Array;
}

/**
 * The WAL archive plugs in here (ops/wal-archive.ts); storage does not depend on ops/.
 * Invariant R6.
 */
export interface LogArchive {
  /** Make every committed transaction of the current generation durable in the archive, or throw. */
  archiveBeforeRestart(): void;
  /** Called after each checkpoint: a chance to archive durable frames early (keeps the lag low). */
  afterCheckpoint?(): void;
}

/** Observability plugs in here; the storage layer does not depend on observe/. */
export interface PagerHooks {
  onCommit?(info: { latencyMs: number; pagesWritten: number; lsn: Lsn }): void;
  onRollback?(): void;
  onSync?(durationMs: number): void;
  onCheckpoint?(report: CheckpointReport): void;
  onCorruption?(error: CorruptionError): void;
  onIoError?(error: OmbraError): void;
  /** Errors of background work (auto-checkpoint) that have no caller to throw to. */
  onBackgroundError?(error: unknown): void;
}

export interface PagerOptions {
  fs: FileSystem;
  path: string;
  config: OmbraConfig;
  hooks?: PagerHooks;
  codec?: PageCodec;
  /** Take `<db>-lock` (default true for writers; read-only opens never lock). */
  lock?: boolean;
  /** How long full/restart/truncate checkpoints and close wait for old readers. */
  busyTimeoutMs?: number;
  /** Create the database file when it does not exist (default true for writers). */
  create?: boolean;
  /** Run auto-checkpoints (WAL size and interval); default true for writers. */
  autoCheckpoint?: boolean;
}

export interface PagerStats {
  pageSizeBytes: number;
  pageCount: number;
  freePages: number;
  fileSizeBytes: number;
  /** Size of the WAL file on disk. */
  walFileBytes: number;
  /** Bytes of the current log (header + committed frames of this generation). */
  walLogBytes: number;
  walFrames: number;
  /** Committed frames not yet copied into the database file. */
  framesPendingCheckpoint: number;
  committedSequence: number;
  durableSequence: number;
  backfilledSequence: number;
  pendingSyncs: number;
  lastLsn: Lsn;
  lastCheckpointAtMs: number;
  lastCheckpointLsn: Lsn;
  checkpoints: number;
  transactionsCommitted: number;
  transactionsRolledBack: number;
  activeReaders: number;
  oldestReaderAgeMs: number;
  writerActive: boolean;
  cache: { capacityPages: number; residentPages: number; hits: number; misses: number; evictions: number; dirtyPages: number };
  wal: { framesWritten: number; bytesWritten: number; syncs: number; restarts: number };
}

export class Pager implements PagerCore {
  readonly pageSizeBytes: number;
  readonly readOnly: boolean;
  readonly walPath: string;
  readonly recovery: RecoveryReport;
  readonly databaseId: string;
  epoch = 0;
  readonly limits: { maxTransactionPages: number; transactionTimeoutMs: number; maxDatabaseSizeBytes: number };

  private readonly cache: PageCache;
  private readonly pool: PagePool;
  /** Transactions begun so far (page-pool.ts PP1). */
  private transactionStamps = 0;
  private readonly wal: WriteAheadLog;
  private readonly readers = new Set<ReadTransaction>();
  private writer: WriteTransaction | null = null;
  private backfilled: number;
  private lastCheckpointAtMs: number;
  private lastCheckpointLsn: Lsn;
  private checkpointsDone = 0;
  private checkpointRunning: Promise<CheckpointReport> | null = null;
  private archive: LogArchive | null = null;
  /** Why the writer is held (holdWriter), for the error a second writer gets. */
  private writerPurpose: string | null = null;
  private copying = false;
  private committedCount = 0;
  private rolledBackCount = 0;
  private closed = false;
  private intervalTimer: NodeJS.Timeout | null = null;
  private autoCheckpointQueued = false;
  private readonly openedLsn: Lsn;
  private walSizeBytesMax: number;
  private checkpointIntervalMs: number;
  private readonly autoCheckpoint: boolean;
  private readonly busyTimeoutMs: number;

  private constructor(
    private readonly fs: FileSystem,
    readonly path: string,
    private dbFile: FileHandle,
    private readonly lock: DatabaseLock | null,
    pageSizeBytes: number,
    config: OmbraConfig,
    private readonly hooks: PagerHooks,
    private readonly codec: PageCodec | null,
    options: PagerOptions,
  ) {
    this.pageSizeBytes = pageSizeBytes;
    this.readOnly = config.readOnly;
    this.walPath = `${path}-wal`;
    this.pool = new PagePool(pageSizeBytes, poolLimitFor(config.cacheSizePages), () => this.oldestOpenStamp());
    this.cache = new PageCache(config.cacheSizePages, (image) => this.retirePage(image));
    this.limits = {
      maxTransactionPages: config.maxTransactionPages,
      transactionTimeoutMs: config.transactionTimeoutMs,
      maxDatabaseSizeBytes: config.maxDatabaseSizeBytes,
    };
    this.walSizeBytesMax = config.walSizeBytesMax;
    this.checkpointIntervalMs = config.checkpointIntervalMs;
    this.autoCheckpoint = options.autoCheckpoint ?? !config.readOnly;
    this.busyTimeoutMs = options.busyTimeoutMs ?? 5000;

    const { wal, report } = WriteAheadLog.open(fs, this.walPath, pageSizeBytes, { readOnly: config.readOnly });
    this.wal = wal;
    this.recovery = report;
    wal.groupCommit = { intervalMs: config.groupCommitIntervalMs, maxTransactions: config.groupCommitMaxTransactions };
    wal.preallocationStepBytesMax = preallocationStepFor(config.walSizeBytesMax);
    wal.onSync = (ms) => this.hooks.onSync?.(ms);
    wal.onSyncFailure = (error) => this.rewindAfterFailedSync(error);
    this.backfilled = wal.generationBase;

    const metaPage = this.readAt(0, wal.committedSequence);
    const fields = meta.readMeta(metaPage, path);
    if (fields.pageSizeBytes !== pageSizeBytes) {
      throw new CorruptionError(`page 0 of ${path} says page size ${fields.pageSizeBytes} but the file was opened with ${pageSizeBytes}`, {
        file: path,
        pageNumber: 0,
      });
    }
    this.databaseId = fields.databaseId;
    this.openedLsn = fields.lastLsn;
    const stamp = this.readCheckpointStamp();
    this.lastCheckpointAtMs = stamp.atMs;
    this.lastCheckpointLsn = stamp.lsn;
    this.startIntervalTimer();
  }

  /**
   * Open or create a database. Cost: reads the whole WAL once (recovery). Throws LockedError
   * when another process writes the database, CorruptionError when page 0 is unusable.
   */
  static open(options: PagerOptions): Pager {
    const { fs, path, config } = options;
    const readOnly = config.readOnly;
    const lock = !readOnly && options.lock !== false ? acquireLock(fs, path) : null;
    let dbFile: FileHandle | null = null;
    try {
      const exists = fs.exists(path);
      if (!exists) {
        if (readOnly || options.create === false) {
          throw new StorageError('DATABASE_NOT_FOUND', `database file ${path} does not exist`, { file: path });
        }
        if (fs.exists(`${path}-wal`)) {
          throw new StorageError('WAL_WITHOUT_DATABASE', `${path}-wal exists but ${path} does not: refusing to create a new database beside a WAL of another`, {
            file: path,
          });
        }
        createDatabaseFile(fs, path, config.pageSizeBytes);
      }
      dbFile = fs.open(path, { readOnly });
      const pageSizeBytes = probePageSize(dbFile, path);
      return new Pager(fs, path, dbFile, lock, pageSizeBytes, config, options.hooks ?? {}, options.codec ?? null, options);
    } catch (error) {
      try {
        dbFile?.close();
      } catch {
        // the open error is the one to report
      }
      lock?.release();
      throw error;
    }
  }

  // ── transactions ─────────────────────────────────────────────────────────

  /** A snapshot of the newest commit. Cost: a Set insert. Call end() when done. */
  beginRead(): ReadTransaction {
    this.assertOpen();
    const sequence = this.wal.committedSequence;
    const txn = new ReadTransaction(this, sequence, this.readAt(0, sequence));
    this.readers.add(txn);
    return txn;
  }

  /** The write transaction. Throws TRANSACTION_STATE if one is already open. */
  beginWrite(): WriteTransaction {
    this.assertOpen();
    if (this.readOnly) throw new StorageError('READ_ONLY', `${this.path} is open read-only`, { file: this.path });
    if (this.writer !== null) {
      if (this.writerPurpose !== null) {
        throw new TransactionError('TRANSACTION_STATE', `writes are held: ${this.writerPurpose}; retry in a moment`, { heldBy: this.writerPurpose });
      }
      throw new TransactionError('TRANSACTION_STATE', 'another write transaction is open (ombra has one writer at a time)', {});
    }
    const sequence = this.wal.committedSequence;
    const txn = new WriteTransaction(this, sequence, this.pool.copyOf(this.readAt(0, sequence)));
    this.writer = txn;
    return txn;
  }

  get writerActive(): boolean {
    return this.writer !== null;
  }

  /**
   * The write transaction, taken to hold other writers off (compaction's swap). A second
   * beginWrite() gets TRANSACTION_STATE naming `purpose`. Roll it back to release.
   */
  holdWriter(purpose: string): WriteTransaction {
    const txn = this.beginWrite();
    this.writerPurpose = purpose;
    return txn;
  }

  readAt(pageId: PageId, sequence: number): Uint8Array {
    const hit = this.cache.lookup(pageId, sequence);
    if (hit !== undefined) return hit;
    return this.readMiss(pageId, sequence);
  }

  private readMiss(pageId: PageId, sequence: number): Uint8Array {
    try {
      const version = this.wal.versionAt(pageId, sequence);
      const stored = version > 0 ? this.readWalFrame(version) : this.readDbPage(pageId);
      const image = pageId === 0 || this.codec === null ? stored : this.codec.decode(stored, pageId);
      if (version === this.wal.newestVersion(pageId)) {
        this.cache.install(pageId, image, version);
        if (pageId === 0) this.cache.pin(0); // invariant R5
      }
      return image;
    } catch (error) {
      if (error instanceof CorruptionError) this.hooks.onCorruption?.(error);
      else if (isOmbraError(error, 'IO') || isOmbraError(error, 'IO_NO_SPACE')) this.hooks.onIoError?.(error);
      throw error;
    }
  }

  private readWalFrame(sequence: number): Uint8Array {
    try {
      return this.wal.readFrame(sequence, this.pool.take());
    } catch (error) {
      if (this.readOnly && error instanceof CorruptionError) throw snapshotExpired(this.path);
      throw error;
    }
  }

  private readDbPage(pageId: PageId): Uint8Array {
    const page = this.pool.take();
    const read = this.dbFile.read(page, 0, this.pageSizeBytes, pageId * this.pageSizeBytes);
    if (read < this.pageSizeBytes) {
      throw new CorruptionError(`page ${pageId} of ${this.path} is missing: the file ends at ${this.dbFile.size()} bytes`, {
        file: this.path,
        pageNumber: pageId,
      });
    }
    verifyPage(page, pageId, this.path);
    // Another process's checkpoint may have moved the file past a read-only snapshot.
    if (this.readOnly && pageId !== 0 && getPageLsn(page) > this.openedLsn) throw snapshotExpired(this.path);
    return page;
  }

  endRead(txn: ReadTransaction): void {
    this.readers.delete(txn);
  }

  // ── page buffers (page-pool.ts) ──────────────────────────────────────────

  nextTransactionStamp(): number {
    return ++this.transactionStamps;
  }

  copyPage(page: Uint8Array): Uint8Array {
    return this.pool.copyOf(page);
  }

  blankPage(): Uint8Array {
    return this.pool.takeZeroed();
  }

  retirePage(image: Uint8Array): void {
    this.pool.retire(image, this.transactionStamps);
  }

  /** PP1: readers is in begin order (a Set keeps insertion order), so its first is the oldest. */
  private oldestOpenStamp(): number {
    let oldest = this.writer?.stamp ?? Infinity;
    for (const reader of this.readers) {
      if (reader.stamp < oldest) oldest = reader.stamp;
      break;
    }
    return oldest;
  }

  /** Page buffers reused instead of allocated, and buffers waiting in the pool. */
  get pagePoolStats(): { reused: number; waiting: number } {
    return { reused: this.pool.reused, waiting: this.pool.size };
  }

  endWrite(txn: WriteTransaction, committed: boolean): void {
    if (this.writer === txn) {
      this.writer = null;
      this.writerPurpose = null;
    }
    if (!committed) {
      this.rolledBackCount++;
      this.hooks.onRollback?.();
    }
  }

  commitWrite(txn: WriteTransaction, durability: 'sync' | 'async'): CommitOutcome {
    this.assertOpen();
    if (txn !== this.writer) throw new TransactionError('TRANSACTION_STATE', 'this write transaction is no longer the active one');
    const started = performance.now();
    if (!txn.changed) {
      txn.markEnded();
      this.writer = null;
      const result: CommitResult = { lsn: this.lastLsn, sequence: this.wal.committedSequence, pagesWritten: 0, commitLatencyMs: 0 };
      // Nothing to write, but what this transaction read must be durable when commit returns
      // (it may have read a group commit whose sync is still in flight).
      const seen = txn.snapshotSequence;
      if (this.wal.durableSequence >= seen) return { result, durable: null };
      if (durability === 'async') return { result, durable: this.wal.requestSync(seen) };
      this.wal.syncNow();
      return { result, durable: null };
    }
    let commitSequence: number;
    let lsn: Lsn;
    let pagesWritten: number;
    try {
      failpoint('pager.beforeCommit');
      lsn = this.lastLsn + 1n;
      meta.setLastLsn(txn.meta, lsn);
      const pageCount = meta.getPageCount(txn.meta);
      this.maybeRestartLog();
      const ids = [...txn.dirty.keys()].sort((a, b) => a - b);
      this.ensureWalRoom(ids.length);
      const frames = ids.map((pageId) => {
        const image = txn.dirty.get(pageId)!;
        // The page's free space is zeroed before the checksum covers it, so its frame can
        // leave it out (free-space.ts); an encrypted image has no hole.
        const hole = clearHole(image);
        sealPage(image, pageId, lsn, holeStart(hole), holeLength(hole));
        if (pageId === 0 || this.codec === null) return { pageId, image, hole };
        return { pageId, image: this.codec.encode(image, pageId), hole: 0 };
      });
      const pending = this.wal.writeTransaction(frames, lsn, pageCount, Date.now());
      this.wal.publish(pending);
      for (let i = 0; i < ids.length; i++) this.cache.install(ids[i]!, txn.dirty.get(ids[i]!)!, pending.firstSequence + i);
      commitSequence = pending.commitSequence;
      pagesWritten = ids.length;
    } catch (error) {
      txn.markEnded();
      this.endWrite(txn, false);
      // A sync that failed inside the WAL write rewound the pager and reported it (R4).
      if (txn.epoch === this.epoch) this.reportIo(error);
      throw error;
    }
    txn.markEnded();
    this.writer = null;
    this.committedCount++;
    const result: CommitResult = { lsn, sequence: commitSequence, pagesWritten, commitLatencyMs: 0 };
    if (durability === 'sync') {
      try {
        this.wal.syncNow();
      } catch (error) {
        this.rewindAfterFailedSync(error);
        throw commitFailed(error, this.walPath);
      }
      result.commitLatencyMs = performance.now() - started;
      this.hooks.onCommit?.({ latencyMs: result.commitLatencyMs, pagesWritten, lsn });
      this.afterCommit('sync');
      return { result, durable: null };
    }
    const durable = this.wal.requestSync(commitSequence).then(
      () => {
        result.commitLatencyMs = performance.now() - started;
        this.hooks.onCommit?.({ latencyMs: result.commitLatencyMs, pagesWritten, lsn });
        this.afterCommit('async');
      },
      (error: unknown) => {
        throw commitFailed(error, this.walPath);
      },
    );
    return { result, durable };
  }

  /** LSN of the newest commit. */
  get lastLsn(): Lsn {
    return meta.getLastLsn(this.readAt(0, this.wal.committedSequence));
  }

  /**
   * WAL sequence of the newest commit: what a read transaction begun now would see. Every
   * commit moves it forward; only a rewind (which bumps epoch) moves it back.
   */
  get committedSequence(): number {
    return this.wal.committedSequence;
  }

  // ── checkpoints ──────────────────────────────────────────────────────────

  /**
   * Copy the WAL back into the database file (checkpoint.ts has the protocol). Yields to the
   * event loop between batches of pages, so writers and readers carry on meanwhile.
   * Throws CHECKPOINT_BUSY when full/restart/truncate cannot get every reader to the newest
   * commit within busyTimeoutMs.
   */
  async checkpoint(mode: CheckpointMode = 'passive'): Promise<CheckpointReport> {
    this.assertOpen();
    if (!CHECKPOINT_MODES.includes(mode)) {
      throw new StorageError('INVALID_ARGUMENT', `unknown checkpoint mode '${mode}' (expected ${CHECKPOINT_MODES.join(', ')})`, { mode });
    }
    if (this.readOnly) throw new StorageError('READ_ONLY', `${this.path} is open read-only: it cannot be checkpointed`, { file: this.path });
    while (this.checkpointRunning !== null) await this.checkpointRunning.catch(() => undefined);
    const run = this.runCheckpoint(mode);
    this.checkpointRunning = run;
    try {
      return await run;
    } finally {
      this.checkpointRunning = null;
    }
  }

  private async runCheckpoint(mode: CheckpointMode): Promise<CheckpointReport> {
    const startedAtMs = Date.now();
    const started = performance.now();
    const walFramesBefore = this.wal.frameCount;
    const waitForAll = mode !== 'passive';
    if (waitForAll) {
      await this.wal.drainSyncs();
      await this.waitForReaders(mode);
    }
    let pagesCopied = 0;
    let restarted = false;
    for (let pass = 0; pass < 3; pass++) {
      pagesCopied += await this.copyToDatabase();
      if (!waitForAll || this.backfilled === this.wal.committedSequence) break;
      await this.wal.drainSyncs();
    }
    const complete = this.backfilled === this.wal.committedSequence;
    if (waitForAll && complete && this.wal.frameCount > 0 && this.writer === null) {
      if (mode === 'truncate' || mode === 'restart') restarted = this.restartLog(mode, false);
    } else if (mode === 'truncate' && complete && this.wal.frameCount === 0 && this.writer === null) {
      this.wal.truncate();
      restarted = true;
    }
    const report: CheckpointReport = {
      mode,
      pagesCopied,
      walFramesBefore,
      framesRemaining: this.wal.committedSequence - this.backfilled,
      complete,
      restarted,
      walSizeBytesAfter: this.wal.sizeBytes,
      backfilledSequence: this.backfilled,
      lsn: this.lastCheckpointLsn,
      startedAtMs,
      durationMs: performance.now() - started,
    };
    this.checkpointsDone++;
    this.hooks.onCheckpoint?.(report);
    if (this.archive?.afterCheckpoint) {
      try {
        this.archive.afterCheckpoint();
      } catch (error) {
        this.hooks.onBackgroundError?.(error);
      }
    }
    return report;
  }

  private async waitForReaders(mode: CheckpointMode): Promise<void> {
    const deadline = Date.now() + this.busyTimeoutMs;
    for (;;) {
      const target = this.wal.committedSequence;
      let behind = 0;
      for (const reader of this.readers) if (reader.snapshotSequence < target) behind++;
      if (behind === 0) return;
      if (Date.now() >= deadline) {
        throw new StorageError('CHECKPOINT_BUSY', `${mode} checkpoint gave up after ${this.busyTimeoutMs} ms: ${behind} reader(s) still hold older snapshots`, {
          mode,
          readers: behind,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Steps 1–5 of the checkpoint protocol, yielding to the event loop between batches. */
  private async copyToDatabase(): Promise<number> {
    const steps = this.copySteps();
    for (let step = steps.next(); !step.done; step = steps.next()) await yieldToEventLoop();
    return this.lastCopyCount;
  }

  /** The same, without yielding (when a commit needs room in the log now). */
  private copyToDatabaseNow(): number {
    const steps = this.copySteps();
    while (!steps.next().done);
    return this.lastCopyCount;
  }

  private lastCopyCount = 0;
  private checkpointPage: Uint8Array | null = null;

  private *copySteps(): Generator<void, void, void> {
    this.lastCopyCount = 0;
    const target = this.checkpointTarget();
    if (target <= this.backfilled) return;
    this.copying = true;
    try {
      const pages: PageId[] = [];
      for (const [pageId] of this.wal.pagesInLog()) {
        if (this.wal.versionAt(pageId, target) > this.backfilled) pages.push(pageId);
      }
      pages.sort((a, b) => a - b);
      const metaAtTarget = this.readAt(0, target);
      const lsn = meta.getLastLsn(metaAtTarget);
      const pageCount = meta.getPageCount(metaAtTarget);
      const nowMs = Date.now();
      for (const pageId of pages) {
        let image = this.frameImage(pageId, this.wal.versionAt(pageId, target));
        if (pageId === 0) {
          image = image.slice();
          meta.setCheckpointStamp(image, nowMs, lsn); // meta.ts M1
          resealPage(image);
        }
        this.dbFile.write(image, 0, this.pageSizeBytes, pageId * this.pageSizeBytes);
        failpoint('checkpoint.afterPageWrite');
        this.lastCopyCount++;
        if (this.lastCopyCount % 256 === 0) yield;
      }
      const sizeBytes = pageCount * this.pageSizeBytes;
      if (this.dbFile.size() !== sizeBytes) this.dbFile.truncate(sizeBytes);
      failpoint('checkpoint.beforeDbSync');
      this.dbFile.sync();
      failpoint('checkpoint.afterDbSync');
      this.backfilled = target;
      this.lastCheckpointAtMs = nowMs;
      this.lastCheckpointLsn = lsn;
    } catch (error) {
      this.reportIo(error);
      throw error;
    } finally {
      this.copying = false;
    }
  }

  /**
   * The stored image of WAL frame `version` of a page. The cache holds that very image when
   * its tag is the version (the bytes sealed at commit, never modified after: C3), so the
   * copy needs no read and no checksum of the frame; with a codec the cache holds the plain
   * form, so the frame is read. Cost: a Map lookup, else one frame read and verify.
   */
  private frameImage(pageId: PageId, version: number): Uint8Array {
    if (this.codec === null) {
      const cached = this.cache.peek(pageId);
      if (cached !== undefined && cached.tag === version) return cached.data;
    }
    // Written to the database file at once and dropped: one buffer serves every copy.
    return this.wal.readFrame(version, (this.checkpointPage ??= new Uint8Array(this.pageSizeBytes)));
  }

  /** Invariant K1: durable, and needed by no reader. */
  private checkpointTarget(): number {
    return Math.min(this.wal.durableSequence, this.oldestReaderSnapshot());
  }

  /** Invariant R3. */
  private maybeRestartLog(): void {
    if (this.wal.frameCount > 0 && this.backfilled >= this.wal.committedSequence && !this.copying) this.restartLog('restart', false);
  }

  /**
   * Invariant R6: hand the generation to the archive, then restart (or truncate) the log.
   * When archiving fails: `required` rethrows, else the log is kept, the error reported, and
   * false returned.
   */
  private restartLog(mode: 'restart' | 'truncate', required: boolean): boolean {
    if (this.archive !== null && this.wal.frameCount > 0) {
      try {
        this.archive.archiveBeforeRestart();
      } catch (error) {
        if (required) throw error;
        this.hooks.onBackgroundError?.(error);
        return false;
      }
      failpoint('pager.afterArchive');
    }
    if (mode === 'truncate') this.wal.truncate();
    else this.wal.restart();
    return true;
  }

  /**
   * Refuse to grow the log past 4 × walSizeBytesMax: first try to make room with a checkpoint
   * right here (no reader in the way), else fail the commit with WAL_FULL.
   */
  private ensureWalRoom(frames: number): void {
    const hardLimit = 4 * this.walSizeBytesMax;
    const needed = () => frames * (this.pageSizeBytes + 40) + this.wal.logBytes;
    if (needed() <= hardLimit) return;
    if (!this.copying) {
      // Only durable frames may be copied (K1): make every written frame durable first.
      if (this.wal.durableSequence < this.wal.committedSequence) this.wal.syncNow();
      this.copyToDatabaseNow();
      this.maybeRestartLog();
      if (needed() <= hardLimit) return;
    }
    throw new StorageError(
      'WAL_FULL',
      `the WAL would grow past ${hardLimit} bytes (4 × walSizeBytesMax) and cannot be checkpointed: ${this.readers.size} reader(s) hold old snapshots`,
      { walLogBytes: this.wal.logBytes, limitBytes: hardLimit, readers: this.readers.size },
    );
  }

  /**
   * Auto-checkpoint once the log passes walSizeBytesMax, one at a time. After a synchronous
   * commit it runs inline, as SQLite's does: a writer committing in a tight loop never yields
   * to the event loop, so a scheduled checkpoint would not run until the 4x hard limit
   * stopped it. After a group commit it is scheduled (autoCheckpointAsync), and only when it
   * can copy something a reader does not pin: not once per commit group. Failures are
   * reported, never thrown: the commit is done.
   */
  private afterCommit(mode: 'sync' | 'async'): void {
    if (!this.autoCheckpoint || this.wal.logBytes <= this.walSizeBytesMax) return;
    if (this.copying || this.checkpointRunning !== null) return;
    // Nothing the readers let go of is left to copy: the next commit restarts the log (R3),
    // or an old reader still pins the rest.
    const committed = this.wal.committedSequence;
    const oldestReader = this.oldestReaderSnapshot();
    if (Math.min(oldestReader, committed) <= this.backfilled) return;
    if (mode === 'sync') {
      try {
        if (this.wal.durableSequence < committed) this.syncInFlightFrames();
        this.checkpointInline();
      } catch (error) {
        this.hooks.onBackgroundError?.(error);
      }
      return;
    }
    if (this.autoCheckpointQueued) return;
    // A reader pins frames and everything durable it allows is copied already.
    if (oldestReader < committed && Math.min(this.wal.durableSequence, oldestReader) <= this.backfilled) return;
    this.autoCheckpointQueued = true;
    setImmediate(() => {
      this.autoCheckpointQueued = false;
      if (this.closed || this.checkpointRunning !== null) return;
      void this.autoCheckpointAsync();
    });
  }

  /**
   * The group-commit auto-checkpoint. Under steady group commit the next group is usually in
   * flight (written, not yet durable), and only durable frames may be copied (K1), so a
   * passive checkpoint alone never reaches the newest commit and the log never restarts (R3).
   * So: a passive checkpoint copies what is durable, yielding between batches; then, when no
   * reader pins older frames, the frames written meanwhile are synced (their waiters released
   * by that sync, W2) and the few pages they changed copied inline. The next commit restarts
   * the log. No frame is ever dropped: the restart still needs every frame backfilled (R3).
   */
  private async autoCheckpointAsync(): Promise<void> {
    try {
      await this.checkpoint('passive');
      if (this.closed || this.broken !== null || this.copying || this.checkpointRunning !== null) return;
      const committed = this.wal.committedSequence;
      if (this.backfilled >= committed || this.oldestReaderSnapshot() < committed) return;
      if (this.wal.durableSequence < committed) this.syncInFlightFrames();
      this.checkpointInline();
    } catch (error) {
      this.hooks.onBackgroundError?.(error);
    }
  }

  /** Snapshot of the oldest open reader, or Infinity. */
  private oldestReaderSnapshot(): number {
    let oldest = Infinity;
    for (const reader of this.readers) if (reader.snapshotSequence < oldest) oldest = reader.snapshotSequence;
    return oldest;
  }

  /**
   * Make every written frame durable now, for a checkpoint (K1). The waiters of those frames
   * are released by the same sync (W2). A failure rewinds like any failed sync (R4).
   */
  private syncInFlightFrames(): void {
    try {
      this.wal.syncNow();
    } catch (error) {
      this.rewindAfterFailedSync(error);
      throw error;
    }
  }

  /** A passive checkpoint without yielding; the next commit restarts the log (R3). */
  private checkpointInline(): void {
    const startedAtMs = Date.now();
    const started = performance.now();
    const walFramesBefore = this.wal.frameCount;
    const pagesCopied = this.copyToDatabaseNow();
    const report: CheckpointReport = {
      mode: 'passive',
      pagesCopied,
      walFramesBefore,
      framesRemaining: this.wal.committedSequence - this.backfilled,
      complete: this.backfilled === this.wal.committedSequence,
      restarted: false,
      walSizeBytesAfter: this.wal.sizeBytes,
      backfilledSequence: this.backfilled,
      lsn: this.lastCheckpointLsn,
      startedAtMs,
      durationMs: performance.now() - started,
    };
    this.checkpointsDone++;
    this.hooks.onCheckpoint?.(report);
  }

  private startIntervalTimer(): void {
    if (this.intervalTimer !== null) clearInterval(this.intervalTimer);
    this.intervalTimer = null;
    if (!this.autoCheckpoint || this.checkpointIntervalMs <= 0) return;
    this.intervalTimer = setInterval(() => {
      if (this.closed || this.checkpointRunning !== null) return;
      if (this.wal.committedSequence === this.backfilled) return;
      this.checkpoint('passive').catch((error: unknown) => this.hooks.onBackgroundError?.(error));
    }, this.checkpointIntervalMs);
    this.intervalTimer.unref();
  }

  // ── failure handling ─────────────────────────────────────────────────────

  /** Invariant R4. If even the rewind fails, the pager refuses all work until reopened. */
  private rewindAfterFailedSync(error: unknown): void {
    this.epoch++;
    this.readers.clear();
    this.pool.dropRetired(); // PP3: the readers just forgotten may still hold retired images
    if (this.writer !== null) {
      this.writer.markEnded();
      this.writer = null;
    }
    this.cache.clear();
    try {
      this.wal.rewindTo(this.wal.durableSequence, error);
    } catch (rewindError) {
      this.broken = rewindError;
    }
    this.reportIo(error);
  }

  /** Set when the pager cannot trust its own state any more (a rewind failed): reopen. */
  private broken: unknown = null;

  private reportIo(error: unknown): void {
    if (isOmbraError(error, 'IO') || isOmbraError(error, 'IO_NO_SPACE')) this.hooks.onIoError?.(error);
  }

  // ── live settings, status, shutdown ──────────────────────────────────────

  /** Change settings while running (console `:set`). Unknown keys are ignored here. */
  configure(settings: Partial<OmbraConfig>): void {
    if (settings.cacheSizePages !== undefined) {
      this.pool.setLimit(poolLimitFor(settings.cacheSizePages));
      this.cache.resize(settings.cacheSizePages);
    }
    if (settings.groupCommitIntervalMs !== undefined) this.wal.groupCommit.intervalMs = settings.groupCommitIntervalMs;
    if (settings.groupCommitMaxTransactions !== undefined) this.wal.groupCommit.maxTransactions = settings.groupCommitMaxTransactions;
    if (settings.walSizeBytesMax !== undefined) {
      this.walSizeBytesMax = settings.walSizeBytesMax;
      this.wal.preallocationStepBytesMax = preallocationStepFor(settings.walSizeBytesMax);
    }
    if (settings.maxTransactionPages !== undefined) this.limits.maxTransactionPages = settings.maxTransactionPages;
    if (settings.transactionTimeoutMs !== undefined) this.limits.transactionTimeoutMs = settings.transactionTimeoutMs;
    if (settings.maxDatabaseSizeBytes !== undefined) this.limits.maxDatabaseSizeBytes = settings.maxDatabaseSizeBytes;
    if (settings.checkpointIntervalMs !== undefined) {
      this.checkpointIntervalMs = settings.checkpointIntervalMs;
      this.startIntervalTimer();
    }
  }

  stats(): PagerStats {
    this.assertOpen();
    const metaPage = this.readAt(0, this.wal.committedSequence);
    const freeList = meta.getFreeList(metaPage);
    let oldest = 0;
    const now = Date.now();
    for (const reader of this.readers) oldest = Math.max(oldest, now - reader.startedAtMs);
    const c = this.cache.counters;
    const w = this.wal.counters;
    return {
      pageSizeBytes: this.pageSizeBytes,
      pageCount: meta.getPageCount(metaPage),
      freePages: freeList.count,
      fileSizeBytes: this.dbFile.size(),
      walFileBytes: this.wal.sizeBytes,
      walLogBytes: this.wal.logBytes,
      walFrames: this.wal.frameCount,
      framesPendingCheckpoint: this.wal.committedSequence - this.backfilled,
      committedSequence: this.wal.committedSequence,
      durableSequence: this.wal.durableSequence,
      backfilledSequence: this.backfilled,
      pendingSyncs: this.wal.pendingSyncs,
      lastLsn: meta.getLastLsn(metaPage),
      lastCheckpointAtMs: this.lastCheckpointAtMs,
      lastCheckpointLsn: this.lastCheckpointLsn,
      checkpoints: this.checkpointsDone,
      transactionsCommitted: this.committedCount,
      transactionsRolledBack: this.rolledBackCount,
      activeReaders: this.readers.size,
      oldestReaderAgeMs: oldest,
      writerActive: this.writer !== null,
      cache: {
        capacityPages: this.cache.capacity,
        residentPages: this.cache.resident,
        hits: c.hits,
        misses: c.misses,
        evictions: c.evictions,
        dirtyPages: this.writer?.dirtyPages ?? 0,
      },
      wal: { framesWritten: w.framesWritten, bytesWritten: w.bytesWritten, syncs: w.syncs, restarts: w.restarts },
    };
  }

  /** Commits of the current log generation (backup, point-in-time restore). */
  walCommits(): readonly CommitRecord[] {
    return this.wal.commits;
  }

  /** Sequence of the newest commit whose frames are synced (W2). */
  get durableSequence(): number {
    return this.wal.durableSequence;
  }

  /** Frame sequences ≤ this belong to earlier generations of the log (no longer readable). */
  get walGenerationBase(): number {
    return this.wal.generationBase;
  }

  /** The stored image of WAL frame `sequence` of the current generation, verified (archive, verify). */
  readCommittedFrame(sequence: number): Uint8Array {
    this.assertOpen();
    return this.wal.readFrame(sequence);
  }

  /** Resolves once the commit at `sequence` is durable (backups only copy durable commits). */
  whenDurable(sequence: number): Promise<void> {
    this.assertOpen();
    return this.wal.requestSync(sequence);
  }

  /** The page codec (encryption at rest) or null: compaction writes pages in their stored form. */
  get pageCodec(): PageCodec | null {
    return this.codec;
  }

  /** Attach (or detach, with null) the WAL archive (invariant R6). */
  attachLogArchive(archive: LogArchive | null): void {
    this.archive = archive;
  }

  // ── file swap (compaction) ──────────────────────────────────────────────

  /**
   * Wait until the file can be swapped (R7): no checkpoint running, every commit synced, no
   * reader open. The caller holds the writer (`guard`), so nothing new starts meanwhile
   * except readers, which are waited out. Throws CHECKPOINT_BUSY after `timeoutMs`.
   */
  async waitForSwap(guard: WriteTransaction, timeoutMs: number = this.busyTimeoutMs): Promise<void> {
    this.assertOpen();
    if (guard !== this.writer) throw new TransactionError('TRANSACTION_STATE', 'waitForSwap needs the caller to hold the writer');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.checkpointRunning !== null) await this.checkpointRunning.catch(() => undefined);
      await this.wal.drainSyncs();
      if (this.checkpointRunning === null && this.readers.size === 0 && this.wal.durableSequence === this.wal.committedSequence) return;
      if (Date.now() >= deadline) {
        throw new StorageError('CHECKPOINT_BUSY', `the database file cannot be swapped: ${this.readers.size} reader(s) still open after ${timeoutMs} ms`, {
          readers: this.readers.size,
          timeoutMs,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /**
   * FILE SWAP PROTOCOL (header; invariant R7). `replacementPath` is a complete, synced database
   * file with the same database id and page size, in the same directory. Synchronous: no
   * reader or writer can start while it runs. Call waitForSwap() first.
   */
  swapDatabaseFile(guard: WriteTransaction, replacementPath: string): void {
    this.assertOpen();
    if (guard !== this.writer) throw new TransactionError('TRANSACTION_STATE', 'swapDatabaseFile needs the caller to hold the writer');
    if (this.readers.size > 0 || this.copying || this.checkpointRunning !== null || this.wal.durableSequence !== this.wal.committedSequence) {
      throw new StorageError('INTERNAL', 'swapDatabaseFile called while readers, a checkpoint or a sync are in flight (call waitForSwap first)', {
        file: this.path,
      });
    }
    // 1. Backfill everything (K1 holds: no reader, every frame durable).
    this.copyToDatabaseNow();
    if (this.backfilled !== this.wal.committedSequence) {
      throw new StorageError('INTERNAL', `swap: backfill stopped at ${this.backfilled} of ${this.wal.committedSequence}`, { file: this.path });
    }
    // 2. Retire the log: archived first (R6), then truncated to zero bytes and synced.
    this.restartLog('truncate', true);
    failpoint('swap.afterWalTruncate');
    // 3. The rename is the commit point of the swap.
    this.fs.rename(replacementPath, this.path);
    try {
      failpoint('swap.beforeDirSync');
      this.fs.syncDirectory(dirname(this.path));
      failpoint('swap.afterDirSync');
      // 4. Adopt the new file.
      const file = this.fs.open(this.path);
      try {
        const size = probePageSize(file, this.path);
        if (size !== this.pageSizeBytes) throw new CorruptionError(`the replacement of ${this.path} has page size ${size}, not ${this.pageSizeBytes}`, { file: this.path });
        const first = new Uint8Array(this.pageSizeBytes);
        file.read(first, 0, this.pageSizeBytes, 0);
        verifyPage(first, 0, this.path);
        const fields = meta.readMeta(first, this.path);
        if (fields.databaseId !== this.databaseId) {
          throw new CorruptionError(`the replacement of ${this.path} belongs to database ${fields.databaseId}, not ${this.databaseId}`, { file: this.path });
        }
        this.lastCheckpointAtMs = fields.checkpointedAtMs;
        this.lastCheckpointLsn = fields.checkpointLsn;
      } catch (error) {
        file.close();
        throw error;
      }
      const old = this.dbFile;
      this.dbFile = file;
      this.cache.clear();
      old.close();
    } catch (error) {
      // The new file is in place but this pager still describes the old one: refuse all work.
      this.broken = error;
      this.reportIo(error);
      throw error;
    }
  }

  /** The free list as of a transaction's snapshot (check and analysis). */
  freePages(txn: ReadTransaction | WriteTransaction): { trunks: PageId[]; leaves: PageId[] } {
    return listFreePages((id) => txn.read(id), txn.meta, this.pageSizeBytes);
  }

  /** The stored (possibly encrypted) image of a page as of a snapshot, verified: backup copies these. */
  readStoredPage(pageId: PageId, sequence: number): Uint8Array {
    const version = this.wal.versionAt(pageId, sequence);
    return version > 0 ? this.wal.readFrame(version) : this.readDbPage(pageId);
  }

  /**
   * The stored images of pages `first`..`first + count − 1` as of `sequence`, into `out`
   * (count × page size bytes), for backup and verify: one positioned read of the database file
   * for the whole run, then every page with a WAL version at `sequence` replaced by its frame.
   * Each page is verified (P1) unless `skip(pageId)` (free-list leaves, content-free); the
   * problems are returned, one per bad page, and the bad images left as read. Cost: one read
   * of the run plus one per WAL version, where readStoredPage costs one read per page.
   */
  readStoredPages(first: PageId, count: number, sequence: number, out: Uint8Array, skip?: (pageId: PageId) => boolean): { pageId: PageId; error: CorruptionError }[] {
    this.assertOpen();
    const ps = this.pageSizeBytes;
    const read = this.dbFile.read(out, 0, count * ps, first * ps);
    if (read < count * ps) out.fill(0, Math.max(0, read), count * ps);
    const problems: { pageId: PageId; error: CorruptionError }[] = [];
    for (let i = 0; i < count; i++) {
      const pageId = first + i;
      if (skip?.(pageId)) continue;
      const page = out.subarray(i * ps, (i + 1) * ps);
      try {
        const version = this.wal.versionAt(pageId, sequence);
        if (version > 0) {
          page.set(this.wal.readFrame(version));
          continue;
        }
        if ((i + 1) * ps > read) {
          throw new CorruptionError(`page ${pageId} of ${this.path} is missing: the file ends at ${this.dbFile.size()} bytes`, { file: this.path, pageNumber: pageId });
        }
        verifyPage(page, pageId, this.path);
        if (this.readOnly && pageId !== 0 && getPageLsn(page) > this.openedLsn) throw snapshotExpired(this.path);
      } catch (error) {
        if (!(error instanceof CorruptionError)) throw error;
        problems.push({ pageId, error });
      }
    }
    return problems;
  }

  /** Why a page's stored image is unusable, or null (fast verify). Reads the version a snapshot sees. */
  pageProblemAt(pageId: PageId, sequence: number): string | null {
    try {
      this.readStoredPage(pageId, sequence);
      return null;
    } catch (error) {
      if (error instanceof CorruptionError) return String(error.details.problem ?? error.message);
      throw error;
    }
  }

  /**
   * Close: roll back an open writer, wait for pending syncs, checkpoint (truncate) when no
   * reader is left, close the files and release the lock. Idempotent.
   */
  async close(options: { checkpoint?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    if (this.intervalTimer !== null) clearInterval(this.intervalTimer);
    this.intervalTimer = null;
    try {
      if (!this.readOnly) {
        this.writer?.rollback();
        await this.wal.drainSyncs();
        while (this.checkpointRunning !== null) await this.checkpointRunning.catch(() => undefined);
        if (options.checkpoint !== false && this.readers.size === 0) await this.checkpoint('truncate').catch((error: unknown) => this.hooks.onBackgroundError?.(error));
      }
    } finally {
      this.closed = true;
      this.readers.clear();
      this.wal.close();
      this.dbFile.close();
      this.lock?.release();
    }
  }

  /** Drop everything without writing (tests: the process "died"). */
  abandon(): void {
    if (this.intervalTimer !== null) clearInterval(this.intervalTimer);
    this.intervalTimer = null;
    this.closed = true;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageError('DATABASE_CLOSED', `${this.path} is closed`, { file: this.path });
    if (this.broken !== null) {
      throw new StorageError('IO', `${this.path} hit an I/O error it could not recover from in place; close and reopen the database`, {
        file: this.path,
      }, { cause: this.broken });
    }
  }

  private readCheckpointStamp(): { atMs: number; lsn: Lsn } {
    const page = new Uint8Array(this.pageSizeBytes);
    const read = this.dbFile.read(page, 0, this.pageSizeBytes, 0);
    if (read < this.pageSizeBytes || pageProblem(page, 0) !== null) return { atMs: 0, lsn: 0n };
    const fields = meta.readMeta(page, this.path);
    return { atMs: fields.checkpointedAtMs, lsn: fields.checkpointLsn };
  }
}

/** A new database file: page 0 only, written and synced directly (there is no WAL yet). */
function createDatabaseFile(fs: FileSystem, path: string, pageSizeBytes: number): void {
  const page = meta.initMetaPage(pageSizeBytes);
  sealPage(page, 0, 0n);
  const file = fs.open(path, { create: true });
  try {
    file.write(page, 0, page.length, 0);
    failpoint('pager.beforeCreateSync');
    file.sync();
  } finally {
    file.close();
  }
  fs.syncDirectory(dirname(path));
}

/** Read the page size from page 0 before the page can be checksummed. */
function probePageSize(file: FileHandle, path: string): number {
  const head = new Uint8Array(64);
  const read = file.read(head, 0, head.length, 0);
  if (read < head.length || !meta.hasMagic(head)) {
    throw new StorageError('NOT_A_DATABASE', `${path} is not an ombra database (no ombra header in page 0)`, { file: path, pageNumber: 0 });
  }
  const size = meta.peekPageSize(head);
  if (size < 4096 || size > 65536 || (size & (size - 1)) !== 0) {
    throw new CorruptionError(`page 0 of ${path} records an impossible page size ${size}`, { file: path, pageNumber: 0 });
  }
  return size;
}

function snapshotExpired(path: string): StorageError {
  return new StorageError('SNAPSHOT_EXPIRED', `the read-only snapshot of ${path} is gone: the writer process checkpointed past it; reopen to read the newest data`, {
    file: path,
  });
}

/** WAL preallocation step (wal.ts W7): an eighth of the auto-checkpoint size, at most 8 MiB. */
function preallocationStepFor(walSizeBytesMax: number): number {
  return Math.min(PREALLOCATION_STEP_BYTES_MAX, Math.floor(walSizeBytesMax / 8));
}

function commitFailed(error: unknown, walPath: string): OmbraError {
  const cause = isOmbraError(error) ? error : undefined;
  const code = cause?.code === 'IO_NO_SPACE' ? 'IO_NO_SPACE' : 'IO';
  return new StorageError(code, `commit failed: the WAL ${walPath} could not be synced (${cause?.message ?? String(error)}); the transaction was rolled back`, {
    file: walPath,
    operation: 'sync',
  }, { cause: error });
}

// Re-exported for callers that only import the pager.
export { ReadTransaction, WriteTransaction, type CommitResult } from './transaction.js';
export type { CheckpointReport } from './checkpoint.js';
export type { RecoveryReport } from './wal.js';

/** Page buffers the pool may keep: a quarter of the cache budget, at least 64 (page-pool.ts PP3). */
function poolLimitFor(cacheSizePages: number): number {
  return Math.max(64, Math.floor(cacheSizePages / 4));
}
