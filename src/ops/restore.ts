// Restore a backup chain into a new database file, optionally replaying the WAL archive up
// to a point in time, as a job.
//
// RESTORE PROTOCOL
//   1. Read the manifest; the chain must be contiguous (manifest C1). With --until T, use the
//      longest prefix of backups whose snapshot time ≤ T (each holds only commits older).
//   2. Refuse an existing --out (or its -wal) unless forced (RESTORE_TARGET_EXISTS); take
//      `<out>-lock` so no process has the target open meanwhile.
//   3. Write `<out>.restoring`: the full backup's pages, then each incremental's in order
//      (every file checked as it is read, backup-reader.ts; a damaged file stops the restore).
//   4. With --until T: replay archived groups after the chain's LSN, in LSN order, while
//      their commit time ≤ T. Whole transactions only, and only an unbroken prefix of the
//      history: a gap in the archive, or its end, stops the replay (the report says so).
//   5. Cut the file at the final page count; page 0 gets a new database id (a restored
//      database is a new database: its backups start a new chain) and a checkpoint stamp.
//      ══ fsync.
//   6. Verify the file (full by default); problems delete it and fail (VERIFY_FAILED).
//   7. Forced: remove `<out>-wal` (it belongs to the database being replaced and must never
//      be replayed onto the restored file) ══ fsync the directory.    failpoint 'restore.beforeRename'
//   8. Rename `<out>.restoring` to `<out>`, ══ fsync the directory.    failpoint 'restore.afterRename'
//   A crash before 8 leaves no file at --out (or, forced, the old one without its WAL); never a
//   half-restored one.

import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { resolveConfig } from '../config.js';
import { StorageError } from '../errors.js';
import { failpoint } from '../storage/failpoint.js';
import { RealFileSystem } from '../storage/fs-real.js';
import { acquireLock } from '../storage/lock.js';
import * as meta from '../storage/meta.js';
import { resealPage, verifyPage } from '../storage/page.js';
import { Pager, type PageCodec } from '../storage/pager.js';
import type { FileHandle, FileSystem } from '../storage/types.js';
import { chainProblems, readManifest, type BackupManifestEntry } from './backup-manifest.js';
import { readBackupFile, throwIfDamaged } from './backup-reader.js';
import { isProcessDeath, unlinkIfExists } from './files.js';
import { JobRegistry } from './job.js';
import { OperationError } from './ops-error.js';
import { verifyPager } from './verify.js';
import type { VerifyLevel } from './verify-types.js';
import { readArchiveGroup, scanArchive } from './wal-archive-reader.js';

export interface RestoreOptions {
  /** Backup directory holding the chain. */
  dir: string;
  /** Database file to create. */
  out: string;
  /** Restore the state as of this time: chain prefix + archived transactions committed at or before it. */
  until?: Date | number | string;
  /** WAL archive to replay from (default: the one the manifest records). */
  archiveDir?: string;
  /** Replace an existing --out (and remove its WAL). */
  force?: boolean;
  /** Verification of the result before it is put in place (default 'full'). */
  verify?: VerifyLevel;
  /** Keep the source's database id (default false: a restored database is a new database). */
  keepDatabaseId?: boolean;
  /**
   * The page codec of an encrypted database (security layer), so full verification can read
   * page content. Without it an encrypted result gets fast verification (stored checksums).
   */
  codec?: PageCodec;
  fs?: FileSystem;
}

export interface RestoreReport {
  dir: string;
  out: string;
  backupsApplied: string[];
  /** LSN of the newest backup applied. */
  chainLsn: bigint;
  /** LSN of the restored database. */
  lsn: bigint;
  pageCount: number;
  transactionsReplayed: number;
  imagesReplayed: number;
  /** The --until time asked for (ISO), or null. */
  until: string | null;
  /**
   * True when the result is provably the state at --until: the archive holds a commit after
   * it (or no --until was given). False when the archive ended or had a gap first.
   */
  untilReached: boolean;
  /** Commit time of the last replayed transaction (ISO), or null. */
  lastReplayedCommitAt: string | null;
  databaseId: string;
  verify: { level: VerifyLevel; ok: boolean; problems: number };
  warnings: string[];
  durationMs: number;
}

/** Parse an --until value; INVALID_ARGUMENT when it is not a time. */
export function parseUntil(value: Date | number | string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new OperationError('INVALID_ARGUMENT', `--until ${String(value)} is not a time (use ISO 8601, e.g. 2024-05-01T12:00:00Z)`, { until: String(value) });
  return ms;
}

/** Restore as a job on `jobs` (a restore needs no open database). */
export async function restoreBackup(options: RestoreOptions, jobs: JobRegistry = new JobRegistry()): Promise<RestoreReport> {
  const dir = resolve(options.dir);
  const out = resolve(options.out);
  return jobs.run({
    kind: 'restore',
    description: `restore ${dir} to ${out}${options.until !== undefined ? ` until ${String(options.until)}` : ''}`,
    exclusive: true,
    body: async (ctx) => {
      const started = performance.now();
      const fs = options.fs ?? new RealFileSystem();
      const untilMs = options.until === undefined ? null : parseUntil(options.until);
      const warnings: string[] = [];

      // 1. The chain.
      ctx.progress({ phase: 'reading the chain' });
      const manifest = readManifest(fs, dir);
      if (manifest === null) throw new OperationError('BACKUP_CHAIN', `${dir} holds no backup manifest`, { dir });
      const broken = chainProblems(manifest);
      if (broken.length > 0) throw new OperationError('BACKUP_CHAIN', `the chain in ${dir} is broken: ${broken[0]}`, { dir, problems: broken });
      if (manifest.backups.length === 0) throw new OperationError('BACKUP_CHAIN', `the chain in ${dir} holds no backup`, { dir });
      let chosen: BackupManifestEntry[] = manifest.backups;
      if (untilMs !== null) {
        const end = manifest.backups.findIndex((b) => Date.parse(b.snapshotAt) > untilMs);
        chosen = end < 0 ? manifest.backups : manifest.backups.slice(0, end);
        if (chosen.length === 0) {
          throw new OperationError('BACKUP_CHAIN', `no backup in ${dir} is as old as ${new Date(untilMs).toISOString()}: the full backup's snapshot is at ${manifest.backups[0]!.snapshotAt}`, {
            dir,
            until: new Date(untilMs).toISOString(),
          });
        }
      }

      // 2. The target.
      assertTargetDirectory(fs, out);
      const walPath = `${out}-wal`;
      for (const path of [out, walPath]) {
        if (fs.exists(path) && options.force !== true) {
          throw new OperationError('RESTORE_TARGET_EXISTS', `${path} exists; restore never overwrites a database unless forced (--force)`, { file: path });
        }
      }
      const lock = acquireLock(fs, out);
      const tempPath = `${out}.restoring`;
      let temp: FileHandle | null = null;
      let installed = false;
      try {
        unlinkIfExists(fs, tempPath);
        temp = fs.open(tempPath, { create: true });
        const ps = manifest.pageSizeBytes;

        // 3. Full backup, then the incrementals.
        const totalPages = chosen.reduce((sum, b) => sum + b.pagesCopied, 0);
        let pagesDone = 0;
        ctx.progress({ phase: 'applying backups', done: 0, total: totalPages });
        let pageCount = 0;
        for (const entry of chosen) {
          const target = temp;
          const result = await readBackupFile(fs, dir, manifest, entry, (pageId, image) => target.write(image, 0, ps, pageId * ps), async (n) => {
            pagesDone += n;
            ctx.progress({ done: pagesDone, bytes: pagesDone * ps });
            await ctx.checkpoint();
          });
          throwIfDamaged(result, dir, entry.file);
          pageCount = entry.pageCount;
        }
        const chainLsn = BigInt(chosen[chosen.length - 1]!.toLsn);
        let lsn = chainLsn;

        // 4. Archive replay.
        let transactionsReplayed = 0;
        let imagesReplayed = 0;
        let lastReplayedCommitMs: number | null = null;
        let untilReached = untilMs === null;
        if (untilMs !== null) {
          const archiveDir = options.archiveDir !== undefined ? resolve(options.archiveDir) : manifest.walArchiveDir;
          if (archiveDir === null) {
            warnings.push(`no WAL archive is recorded for this chain (and none was given): restored to the backup at ${chosen[chosen.length - 1]!.snapshotAt}`);
          } else {
            ctx.progress({ phase: 'scanning the WAL archive' });
            const index = scanArchive(fs, archiveDir, { databaseId: manifest.databaseId, pageSizeBytes: ps });
            for (const p of index.problems) if (p.severity === 'error') warnings.push(`archive: ${p.message}`);
            const groups = index.groups.filter((g) => g.lsn > chainLsn);
            ctx.progress({ phase: 'replaying the WAL archive', done: 0, total: groups.length });
            let stopped: string | null = null;
            for (const [i, group] of groups.entries()) {
              if (group.commitTimeMs > untilMs) {
                untilReached = true;
                break;
              }
              if (group.kind === 'transaction' && group.lsn !== lsn + 1n) {
                stopped = `the archive has a gap after LSN ${lsn} (next is ${group.lsn})`;
                break;
              }
              const target = temp;
              readArchiveGroup(fs, archiveDir, group, ps, (pageId, image) => target.write(image, 0, ps, pageId * ps));
              pageCount = group.pageCount;
              lsn = group.lsn;
              lastReplayedCommitMs = group.commitTimeMs;
              if (group.kind === 'transaction') transactionsReplayed++;
              else imagesReplayed++;
              ctx.progress({ done: i + 1 });
              await ctx.checkpoint();
            }
            if (!untilReached) {
              const reason = stopped ?? `the archive ends at LSN ${lsn}`;
              warnings.push(`${reason}: commits after it, up to ${new Date(untilMs).toISOString()}, may exist but are not in the archive (archive lag, or frames still in the live WAL)`);
            }
          }
        }

        // 5. Cut, re-identify, stamp, sync.
        ctx.progress({ phase: 'finishing the file' });
        temp.truncate(pageCount * ps);
        const first = new Uint8Array(ps);
        temp.read(first, 0, ps, 0);
        verifyPage(first, 0, tempPath);
        const fields = meta.readMeta(first, tempPath);
        if (fields.pageCount !== pageCount || fields.lastLsn !== lsn) {
          throw new OperationError('BACKUP_CORRUPT', `the restored meta page says ${fields.pageCount} pages at LSN ${fields.lastLsn}, the chain ${pageCount} at LSN ${lsn}`, { file: tempPath });
        }
        if (options.keepDatabaseId !== true) first.set(randomBytes(16), meta.META_OFFSET.databaseId);
        meta.setCheckpointStamp(first, Date.now(), lsn);
        resealPage(first);
        temp.write(first, 0, ps, 0);
        temp.sync();
        temp.close();
        temp = null;
        const databaseId = Buffer.from(first.subarray(meta.META_OFFSET.databaseId, meta.META_OFFSET.databaseId + 16)).toString('hex');

        // 6. Verify before it takes the name.
        let level = options.verify ?? 'full';
        if (level === 'full' && (fields.flags & meta.META_FLAG_ENCRYPTED) !== 0 && options.codec === undefined) {
          level = 'fast';
          warnings.push('the database is encrypted and no key was given: the result got fast verification (checksums), not full');
        }
        ctx.progress({ phase: `verifying the result (${level})` });
        const pager = Pager.open({ fs, path: tempPath, config: resolveConfig({ readOnly: true, pageSizeBytes: ps }), lock: false, ...(options.codec !== undefined ? { codec: options.codec } : {}) });
        let verify;
        try {
          verify = await verifyPager(pager, { level }, ctx);
        } finally {
          await pager.close();
        }
        if (!verify.ok) {
          throw new OperationError('VERIFY_FAILED', `the restored database failed ${level} verification: ${verify.problems[0]?.message ?? 'problems found'}`, {
            file: tempPath,
            problems: verify.problems.slice(0, 20),
          });
        }

        // 7–8. Put it in place.
        if (unlinkIfExists(fs, walPath)) fs.syncDirectory(dirname(out));
        failpoint('restore.beforeRename');
        fs.rename(tempPath, out);
        installed = true;
        fs.syncDirectory(dirname(out));
        failpoint('restore.afterRename');

        return {
          dir,
          out,
          backupsApplied: chosen.map((b) => b.file),
          chainLsn,
          lsn,
          pageCount,
          transactionsReplayed,
          imagesReplayed,
          until: untilMs === null ? null : new Date(untilMs).toISOString(),
          untilReached,
          lastReplayedCommitAt: lastReplayedCommitMs === null ? null : new Date(lastReplayedCommitMs).toISOString(),
          databaseId,
          verify: { level, ok: verify.ok, problems: verify.problems.length },
          warnings,
          durationMs: performance.now() - started,
        };
      } catch (error) {
        try {
          temp?.close();
          if (!installed && !isProcessDeath(error)) unlinkIfExists(fs, tempPath);
        } catch {
          // the restore's own error is the one to report
        }
        throw error;
      } finally {
        lock.release();
      }
    },
  });
}

/** StorageError for a restore target directory that does not exist (clearer than ENOENT). */
function assertTargetDirectory(fs: FileSystem, out: string): void {
  const parent = dirname(resolve(out));
  if (!fs.exists(parent)) throw new StorageError('IO', `the directory of ${out} (${parent}) does not exist`, { file: out });
}
