// Writing a whole new database file for repair, salvage and import into a new database: the
// trees are built straight into a private file (bulk-file-store.ts BulkFileStore: no WAL,
// pages written out in runs as memory fills), which takes the target's name only when complete.
//
// NEW DATABASE PROTOCOL (sync barriers ══; failpoints in quotes)
//   1. Refuse an existing target (or its -wal) unless forced (OUTPUT_EXISTS); refuse a target
//      that is the source. Take `<out>-lock` so no process opens the target meanwhile.
//   2. Build `<out><suffix>` through a BulkFileStore: every page sealed with the new LSN,
//      page 0 written last (bulk-file-store.ts BF2). ══ fsync.             'newdb.afterTempSync'
//   3. Verify it (full by default) with a read-only pager; problems delete it (VERIFY_FAILED).
//   4. Forced: remove `<out>-wal` (it belongs to the file being replaced and must never be
//      replayed onto the new one) ══ fsync the directory.                  'newdb.beforeRename'
//   5. Rename `<out><suffix>` to `<out>` ══ fsync the directory.           'newdb.afterRename'
//   A crash before 5 leaves no file at the target (or, forced, the old file without its WAL);
//   never a half-built database. A leftover `<out><suffix>` is removed by the next attempt.

import { dirname, resolve } from 'node:path';
import { resolveConfig } from '../config.js';
import { StorageError } from '../errors.js';
import { failpoint } from '../storage/failpoint.js';
import { acquireLock } from '../storage/lock.js';
import * as meta from '../storage/meta.js';
import { Pager, type PageCodec } from '../storage/pager.js';
import type { FileHandle, FileSystem, Lsn } from '../storage/types.js';
import { BulkFileStore } from './bulk-file-store.js';
import { isProcessDeath, unlinkIfExists } from './files.js';
import type { JobContext } from './job.js';
import { OperationError } from './ops-error.js';
import { verifyPager } from './verify.js';
import type { VerifyLevel } from './verify-types.js';

export type NewDatabaseVerify = VerifyLevel | 'none';

export interface NewDatabaseOptions {
  fs: FileSystem;
  /** The database file to create. */
  out: string;
  /** Replace an existing file at `out` (and remove its WAL). */
  force?: boolean;
  /** A file that must not be the target (the source of a repair or salvage). */
  source?: string;
  /** Suffix of the temporary file beside the target (e.g. '.repairing'). */
  suffix: string;
  /** Meta page to start from (flags, counters and key check are kept), or a fresh one of this page size. */
  baseMeta: Uint8Array | { pageSizeBytes: number };
  /** LSN the new file's pages carry. */
  lsn: Lsn;
  /** Page codec of an encrypted database (pages are written in stored form). */
  codec?: PageCodec | null;
  /** Pages the builder keeps in memory (default 8192). */
  residentPagesMax?: number;
  /** Verification of the result before it takes the name (default 'full'). */
  verify?: NewDatabaseVerify;
}

export interface NewDatabaseResult<T> {
  result: T;
  out: string;
  pageCount: number;
  databaseId: string;
  verify: { level: NewDatabaseVerify; ok: boolean; problems: number; firstProblem: string | null };
}

/** Build a new database at `options.out` with `build`, following the protocol above. */
export async function writeNewDatabase<T>(
  options: NewDatabaseOptions,
  ctx: JobContext,
  build: (store: BulkFileStore) => Promise<T>,
): Promise<NewDatabaseResult<T>> {
  const { fs } = options;
  const out = resolve(options.out);
  if (options.source !== undefined && resolve(options.source) === out) {
    throw new OperationError('OUTPUT_EXISTS', `the output ${out} is the database being read: ${options.suffix.slice(1)} never edits a database in place; choose another --out`, { file: out });
  }
  const parent = dirname(out);
  if (!fs.exists(parent)) throw new StorageError('IO', `the directory of ${out} (${parent}) does not exist`, { file: out });
  const walPath = `${out}-wal`;
  for (const path of [out, walPath]) {
    if (fs.exists(path) && options.force !== true) {
      throw new OperationError('OUTPUT_EXISTS', `${path} exists; this command never overwrites a database unless forced (--force)`, { file: path });
    }
  }
  const lock = acquireLock(fs, out);
  const tempPath = `${out}${options.suffix}`;
  let file: FileHandle | null = null;
  let installed = false;
  try {
    unlinkIfExists(fs, tempPath);
    file = fs.open(tempPath, { create: true });
    file.truncate(0);
    const base = options.baseMeta instanceof Uint8Array ? options.baseMeta.slice() : meta.initMetaPage(options.baseMeta.pageSizeBytes);
    const pageSizeBytes = base.length;
    const store = new BulkFileStore(file, base, options.lsn, options.codec ?? null, options.residentPagesMax ?? 8192);
    const result = await build(store);
    ctx.progress({ phase: 'writing the database file' });
    const pageCount = store.finish(Date.now());
    file.sync();
    failpoint('newdb.afterTempSync');
    file.close();
    file = null;
    const databaseId = Buffer.from(store.meta.subarray(meta.META_OFFSET.databaseId, meta.META_OFFSET.databaseId + 16)).toString('hex');

    const level = options.verify ?? 'full';
    let verify: NewDatabaseResult<T>['verify'] = { level, ok: true, problems: 0, firstProblem: null };
    if (level !== 'none') {
      ctx.progress({ phase: `verifying the result (${level})` });
      const pager = Pager.open({
        fs,
        path: tempPath,
        config: resolveConfig({ readOnly: true, pageSizeBytes }),
        lock: false,
        ...(options.codec ? { codec: options.codec } : {}),
      });
      try {
        const report = await verifyPager(pager, { level }, ctx);
        const errors = report.problems.filter((p) => p.severity === 'error');
        verify = { level, ok: report.ok, problems: errors.length, firstProblem: errors[0]?.message ?? null };
        if (!report.ok) {
          throw new OperationError('VERIFY_FAILED', `the new database failed ${level} verification: ${errors[0]?.message ?? 'problems found'}; nothing was written to ${out}`, {
            file: tempPath,
            problems: report.problems.slice(0, 20),
          });
        }
      } finally {
        await pager.close();
      }
    }

    if (unlinkIfExists(fs, walPath)) fs.syncDirectory(parent);
    failpoint('newdb.beforeRename');
    fs.rename(tempPath, out);
    installed = true;
    fs.syncDirectory(parent);
    failpoint('newdb.afterRename');
    return { result, out, pageCount, databaseId, verify };
  } catch (error) {
    try {
      file?.close();
      if (!installed && !isProcessDeath(error)) unlinkIfExists(fs, tempPath);
    } catch {
      // the build's own error is the one to report
    }
    throw error;
  } finally {
    lock.release();
  }
}
