// Compaction as a job: rebuild every B+tree into a fresh, densely filled file and swap it in.
//
// COMPACTION PROTOCOL (sync barriers ══; failpoints in quotes)
//   1. Analyse fragmentation (fragmentation.ts) under a read snapshot.
//   2. Build `<db>.compact` from a read snapshot at LSN L: copy every tree of every root slot
//      entry by entry, in key order, into new trees (sequential inserts fill pages well),
//      through a BulkFileStore (bulk-file-store.ts, as new databases are built); the meta page keeps the database id, creation time,
//      flags and counters; every page is sealed with LSN L+1 — the compaction is a
//      transaction of its own, so incremental backups after it copy every page and the
//      WAL archive records it as an image. ══ fsync the file.
//      'compact.beforeTempSync', 'compact.afterTempSync'
//      Writers keep committing meanwhile (optimistic build). If one did (LSN moved past L),
//      the copy is stale: build again. After optimisticAttempts stale builds, the last build
//      runs with the writer held, so it cannot go stale.
//   3. Verify the copy (storage-level full verify) before it may replace anything.
//   4. Hold the writer (other writers get TRANSACTION_STATE naming the compaction), check the
//      LSN is still L, wait until no reader is open and every commit is synced.
//   5. pager.swapDatabaseFile (pager.ts FILE SWAP PROTOCOL): backfill the old file, archive
//      and truncate its WAL (══), rename the copy over the database (commit point), ══ fsync
//      the directory, adopt the new file. 'swap.afterWalTruncate', 'swap.beforeDirSync',
//      'swap.afterDirSync' (plus the checkpoint, WAL and archive failpoints inside).
//   6. With a WAL archive, archive the new file as an image at LSN L+1 (wal-archive.ts).
//   7. Release the writer.
//
// Crash safety: before the rename reaches the disk the database is the old file with every
// commit backfilled (its WAL empty or intact); after it, the new file with an empty WAL —
// an old WAL is never replayed onto the new file (pager R7). A leftover `<db>.compact` is
// removed by the next compaction.
//
// Readers: never broken. They finish on their snapshots; the swap waits for them (up to
// busyTimeoutMs, then CHECKPOINT_BUSY and the old file stays).

import type { Database } from '../database.js';
import { StorageError, TransactionError } from '../errors.js';
import { resolveConfig } from '../config.js';
import { BTree, rootInSlot } from '../storage/btree.js';
import { failpoint } from '../storage/failpoint.js';
import * as meta from '../storage/meta.js';
import { Pager, type WriteTransaction } from '../storage/pager.js';
import type { FileHandle } from '../storage/types.js';
import { BulkFileStore } from './bulk-file-store.js';
import { isProcessDeath, unlinkIfExists } from './files.js';
import { analyzeFragmentation, type FragmentationReport } from './fragmentation.js';
import type { JobContext } from './job.js';
import { OperationError } from './ops-error.js';
import { rootSlotName, verifyPager } from './verify.js';

export interface CompactOptions {
  /** Builds while writers keep committing before the writer is held for the build (default 2). */
  optimisticAttempts?: number;
  /** How long to wait for an open write transaction and for readers at the swap (default 5000 ms). */
  busyTimeoutMs?: number;
  /** Verify the compacted copy before the swap (default true). */
  verify?: boolean;
  /** Pages the builder keeps in memory (default 4096). */
  residentPagesMax?: number;
}

export interface CompactReport {
  path: string;
  pagesBefore: number;
  pagesAfter: number;
  /** Live pages copied into the compacted file (compaction rewrites every live page). */
  pagesMoved: number;
  freePagesBefore: number;
  bytesBefore: number;
  bytesAfter: number;
  bytesReclaimed: number;
  fragmentationPercentBefore: number;
  fragmentationPercentAfter: number;
  entriesCopied: number;
  trees: { name: string; entries: number }[];
  /** Builds made (more than 1 when writers committed during an optimistic build). */
  attempts: number;
  /** How long other writers were refused. */
  writersHeldMs: number;
  /** LSN of the compacted database (the old LSN + 1). */
  lsn: bigint;
  /** The WAL archive took the new file as an image (false when there is no archive). */
  archived: boolean;
  warnings: string[];
  durationMs: number;
}

/** Fragmentation analysis as a job ('compact --analyze'); reads only. */
export async function analyzeDatabase(db: Database): Promise<FragmentationReport> {
  return db.jobs.run({
    kind: 'compact',
    description: `fragmentation analysis of ${db.path}`,
    body: async (ctx) => {
      ctx.progress({ phase: 'analysing page use' });
      const txn = db.pager.beginRead();
      try {
        return await analyzeFragmentation(db.pager, txn, () => ctx.checkpoint());
      } finally {
        txn.end();
      }
    },
  });
}

/** Compact `db` (exclusive job: never beside a backup or another compaction). */
export async function compactDatabase(db: Database, options: CompactOptions = {}): Promise<CompactReport> {
  return db.jobs.run({
    kind: 'compact',
    description: `compact ${db.path}`,
    exclusive: true,
    body: (ctx) => runCompaction(db, options, ctx),
  });
}

async function runCompaction(db: Database, options: CompactOptions, ctx: JobContext): Promise<CompactReport> {
  const started = performance.now();
  const pager = db.pager;
  if (pager.readOnly) throw new StorageError('READ_ONLY', `${pager.path} is open read-only: it cannot be compacted`, { file: pager.path });
  db.assertWritable('maintenance');
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const optimisticAttempts = options.optimisticAttempts ?? 2;
  const tempPath = `${pager.path}.compact`;
  const warnings: string[] = [];
  unlinkIfExists(db.fs, tempPath);

  ctx.progress({ phase: 'analysing fragmentation' });
  const before = await withSnapshot(pager, (txn) => analyzeFragmentation(pager, txn, () => ctx.checkpoint()));
  const totalEntries = before.trees.reduce((sum, t) => sum + t.entries, 0);

  let guard: WriteTransaction | null = null;
  let heldSince = 0;
  let writersHeldMs = 0;
  const release = (): void => {
    if (guard === null) return;
    guard.rollback();
    guard = null;
    writersHeldMs += performance.now() - heldSince;
  };
  const hold = async (purpose: string): Promise<WriteTransaction> => {
    const deadline = Date.now() + busyTimeoutMs;
    while (pager.writerActive) {
      if (Date.now() >= deadline) {
        throw new TransactionError('TRANSACTION_STATE', `compaction waited ${busyTimeoutMs} ms for the open write transaction to finish`, { timeoutMs: busyTimeoutMs });
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    guard = pager.holdWriter(purpose);
    heldSince = performance.now();
    return guard;
  };

  try {
    for (let attempt = 1; ; attempt++) {
      const pessimistic = attempt > optimisticAttempts;
      if (pessimistic) await hold(`compaction of ${pager.path} is rebuilding the file`);
      const build = await withSnapshot(pager, (txn) => buildCompactedFile(db, txn, tempPath, totalEntries, options, ctx));
      if (options.verify !== false) await verifyCopy(db, tempPath, build.lsn, ctx);
      const writer = guard ?? (await hold(`compaction of ${pager.path} is swapping the database file`));
      if (pager.lastLsn !== build.lsn - 1n) {
        // Writers committed during the build: the copy is stale.
        release();
        unlinkIfExists(db.fs, tempPath);
        ctx.progress({ phase: `writers committed during build ${attempt}; building again` });
        continue;
      }
      ctx.progress({ phase: 'waiting for readers to finish' });
      await pager.waitForSwap(writer, busyTimeoutMs);
      ctx.progress({ phase: 'swapping the database file' });
      pager.swapDatabaseFile(writer, tempPath);
      let archived = false;
      if (db.walArchive !== null) {
        try {
          archived = db.walArchive.catchUp() > 0;
        } catch (error) {
          warnings.push(`the WAL archive could not take the compacted file yet (${error instanceof Error ? error.message : String(error)}); it will at its next catch-up`);
        }
      }
      release();
      const after = await withSnapshot(pager, (txn) => analyzeFragmentation(pager, txn));
      const ps = pager.pageSizeBytes;
      return {
        path: pager.path,
        pagesBefore: before.pageCount,
        pagesAfter: after.pageCount,
        pagesMoved: after.pageCount - 1 - after.freePages,
        freePagesBefore: before.freePages,
        bytesBefore: before.pageCount * ps,
        bytesAfter: after.pageCount * ps,
        bytesReclaimed: (before.pageCount - after.pageCount) * ps,
        fragmentationPercentBefore: before.fragmentationPercent,
        fragmentationPercentAfter: after.fragmentationPercent,
        entriesCopied: build.entries,
        trees: build.trees,
        attempts: attempt,
        writersHeldMs,
        lsn: build.lsn,
        archived,
        warnings,
        durationMs: performance.now() - started,
      };
    }
  } catch (error) {
    if (!isProcessDeath(error)) {
      try {
        unlinkIfExists(db.fs, tempPath);
      } catch {
        // the compaction's own error is the one to report
      }
    }
    throw error;
  } finally {
    release();
  }
}

async function withSnapshot<T>(pager: Pager, body: (txn: ReturnType<Pager['beginRead']>) => Promise<T>): Promise<T> {
  const txn = pager.beginRead();
  try {
    return await body(txn);
  } finally {
    txn.end();
  }
}

interface BuildResult {
  lsn: bigint;
  pages: number;
  entries: number;
  trees: { name: string; entries: number }[];
}

/** Step 2: copy every tree of the snapshot into a new file at `tempPath`, synced. */
async function buildCompactedFile(
  db: Database,
  txn: ReturnType<Pager['beginRead']>,
  tempPath: string,
  totalEntries: number,
  options: CompactOptions,
  ctx: JobContext,
): Promise<BuildResult> {
  const lsn = txn.lastLsn + 1n;
  let file: FileHandle | null = db.fs.open(tempPath, { create: true });
  try {
    file.truncate(0);
    const store = new BulkFileStore(file, txn.meta, lsn, db.pager.pageCodec, options.residentPagesMax ?? 4096);
    const trees: { name: string; entries: number }[] = [];
    let entries = 0;
    ctx.progress({ phase: 'copying trees', done: 0, total: totalEntries });
    for (let slot = 0; slot < meta.ROOT_SLOT_COUNT; slot++) {
      if (txn.getRoot(slot) === 0) continue;
      const name = rootSlotName(slot);
      const source = new BTree(txn, rootInSlot(txn, slot), { name });
      const target = new BTree(store, rootInSlot(store, slot), { name });
      let copied = 0;
      for (const { key, value } of source.range()) {
        target.insert(key, value);
        copied++;
        if ((copied & 255) === 0) {
          store.evictIfOver();
          ctx.progress({ done: entries + copied });
          await ctx.checkpoint();
        }
      }
      entries += copied;
      trees.push({ name, entries: copied });
      store.evictIfOver();
    }
    const pages = store.finish(Date.now());
    failpoint('compact.beforeTempSync');
    file.sync();
    failpoint('compact.afterTempSync');
    file.close();
    file = null;
    return { lsn, pages, entries, trees };
  } finally {
    file?.close();
  }
}

/** Step 3: the copy must pass a full storage-level verification before it may replace anything. */
async function verifyCopy(db: Database, tempPath: string, lsn: bigint, ctx: JobContext): Promise<void> {
  ctx.progress({ phase: 'verifying the compacted copy' });
  const pager = Pager.open({ fs: db.fs, path: tempPath, config: resolveConfig({ readOnly: true }), lock: false, codec: db.pager.pageCodec ?? undefined });
  try {
    const report = await verifyPager(pager, { level: 'full', graphCheck: null }, ctx);
    if (!report.ok || report.lsn !== lsn) {
      throw new OperationError('VERIFY_FAILED', `the compacted copy ${tempPath} failed verification (${report.problems[0]?.message ?? `LSN ${report.lsn}, expected ${lsn}`}); the database was not changed`, {
        file: tempPath,
        problems: report.problems.slice(0, 20),
      });
    }
  } finally {
    await pager.close();
  }
}
