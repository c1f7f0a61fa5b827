// `ombra verify --backup DIR`: check a backup directory without restoring it, as a job.
//
//   - the manifest parses and the chain is contiguous, one database, one page size (C1);
//   - every file: size, header against the manifest, every page image's checksum and order,
//     trailer, and the CRC-32 of the whole file against the trailer and the manifest;
//   - the WAL archive the manifest names, when it exists: every segment and record, LSN
//     order, gaps; and whether it continues the chain (point-in-time restore past the newest
//     backup needs LSN newest.toLsn + 1, or an image after it).

import { resolve } from 'node:path';
import { RealFileSystem } from '../storage/fs-real.js';
import type { FileSystem } from '../storage/types.js';
import { chainProblems, readManifest } from './backup-manifest.js';
import { readBackupFile } from './backup-reader.js';
import { isDirectory, joinPath } from './files.js';
import { JobRegistry } from './job.js';
import { ProblemList, type VerifyReport } from './verify-types.js';
import { scanArchive } from './wal-archive-reader.js';

export interface VerifyBackupOptions {
  dir: string;
  /** WAL archive to check with the chain (default: the one the manifest records, if it exists). */
  archiveDir?: string;
  fs?: FileSystem;
}

/** Verify a backup directory as a job on `jobs` (kind 'verify'). */
export async function verifyBackupChain(options: VerifyBackupOptions, jobs: JobRegistry = new JobRegistry()): Promise<VerifyReport> {
  const dir = resolve(options.dir);
  return jobs.run({
    kind: 'verify',
    description: `verify backup chain ${dir}`,
    body: async (ctx) => {
      const started = performance.now();
      const fs = options.fs ?? new RealFileSystem();
      const problems = new ProblemList();
      const counts: Record<string, number> = { backups: 0, filesChecked: 0, pagesChecked: 0 };
      const report = (lsn: bigint): VerifyReport => ({
        level: 'backup',
        ok: problems.errors === 0,
        problems: problems.items,
        truncated: problems.truncated,
        counts,
        target: dir,
        lsn,
        durationMs: performance.now() - started,
      });
      ctx.progress({ phase: 'reading the manifest' });
      if (!isDirectory(fs, dir)) {
        problems.error({ file: dir }, `${dir} is not a directory`);
        return report(0n);
      }
      let manifest;
      try {
        manifest = readManifest(fs, dir);
      } catch (error) {
        problems.error({ file: joinPath(dir, 'manifest.json') }, error instanceof Error ? error.message : String(error));
        return report(0n);
      }
      if (manifest === null) {
        problems.error({ file: joinPath(dir, 'manifest.json') }, `${dir} holds no backup manifest`);
        return report(0n);
      }
      counts.backups = manifest.backups.length;
      for (const message of chainProblems(manifest)) problems.error({ file: joinPath(dir, 'manifest.json') }, message);

      const total = manifest.backups.reduce((sum, b) => sum + b.pagesCopied, 0);
      ctx.progress({ phase: 'checking backup files', done: 0, total });
      for (const entry of manifest.backups) {
        const result = await readBackupFile(fs, dir, manifest, entry, null, async (n) => {
          counts.pagesChecked! += n;
          ctx.progress({ done: counts.pagesChecked });
          await ctx.checkpoint();
        });
        counts.filesChecked!++;
        for (const p of result.problems) {
          problems.error({ file: joinPath(dir, entry.file), ...(p.page !== undefined ? { page: p.page } : {}) }, p.message);
        }
      }
      const newest = manifest.backups[manifest.backups.length - 1];
      const chainLsn = newest === undefined ? 0n : BigInt(newest.toLsn);

      const archiveDir = options.archiveDir !== undefined ? resolve(options.archiveDir) : manifest.walArchiveDir;
      if (archiveDir !== null) {
        if (!isDirectory(fs, archiveDir)) {
          problems.warning({ file: archiveDir }, `the WAL archive ${archiveDir} named by the manifest does not exist: point-in-time restore is not possible`);
        } else {
          ctx.progress({ phase: 'checking the WAL archive' });
          const index = scanArchive(fs, archiveDir, { databaseId: manifest.databaseId, pageSizeBytes: manifest.pageSizeBytes });
          counts.archiveSegments = index.segments;
          counts.archiveGroups = index.groups.length;
          for (const p of index.problems) problems.add(p.severity, { file: joinPath(archiveDir, p.file), ...(p.offset !== undefined ? { frame: p.offset } : {}) }, p.message);
          const after = index.groups.filter((g) => g.lsn > chainLsn);
          const next = after[0];
          if (next !== undefined && next.kind === 'transaction' && next.lsn !== chainLsn + 1n) {
            problems.warning({ file: archiveDir }, `the archive does not continue the chain: the newest backup ends at LSN ${chainLsn}, the archive's next transaction is LSN ${next.lsn}`);
          }
          if (index.groups.length > 0) {
            counts.archiveFirstLsn = Number(index.groups[0]!.lsn);
            counts.archiveLastLsn = Number(index.groups[index.groups.length - 1]!.lsn);
          }
        }
      }
      return report(chainLsn);
    },
  });
}
