// Online backup as a job: full, or incremental on top of a chain (backup-format.ts for the
// file, backup-manifest.ts for the chain).
//
// BACKUP PROTOCOL
//   1. Take a read snapshot (the writer never waits for it) and wait until its newest commit
//      is durable: a backup never holds a commit the database could still lose.
//   2. Choose the pages: every page that is not a free-list leaf (full), or those whose
//      page LSN is newer than the chain's last toLsn (incremental; page.ts keeps the LSN of
//      each page's last change, and a page taken off the free list is always rewritten).
//   3. Stream them, verified (a page that fails its checksum stops the backup, named), into
//      `<name>.tmp`; trailer with the CRC-32 of the file. ══ fsync.   failpoint 'backup.beforeRename'
//   4. Rename to `<name>`, ══ fsync the directory.                     failpoint 'backup.beforeManifest'
//   5. Replace the manifest atomically (files.ts).                      manifest invariant C2
//   A crash before 5 leaves the old chain; a later backup of the same sequence replaces the
//   orphaned file.
//
// Cost: reads every non-free page once (incrementals too: the LSN is in the page), writes
// the chosen ones. The snapshot pins WAL frames while it runs, so checkpoints cannot pass it
// and the WAL grows meanwhile (up to WAL_FULL at 4 × walSizeBytesMax).

import { dirname, resolve } from 'node:path';
import type { Database } from '../database.js';
import { failpoint } from '../storage/failpoint.js';
import { getPageLsn } from '../storage/page.js';
import type { FileSystem } from '../storage/types.js';
import {
  backupFileName,
  encodeBackupHeader,
  encodeEntryHeader,
  encodeTrailerBody,
  isBackupFileName,
  BACKUP_ENTRY_HEADER_BYTES,
  BACKUP_TRAILER_BYTES,
  type BackupKind,
} from './backup-format.js';
import { readManifest, writeManifest, type BackupManifest, type BackupManifestEntry, MANIFEST_FILE } from './backup-manifest.js';
import { BufferedWriter, hex32, isDirectory, isProcessDeath, joinPath, unlinkIfExists } from './files.js';
import { OperationError } from './ops-error.js';

export interface BackupOptions {
  /** Backup directory; created when missing. */
  dir: string;
  /**
   * Append an incremental backup to the chain in `dir`. Into an empty directory the first
   * backup is full either way; a full backup into a directory that holds a chain is refused.
   */
  incremental?: boolean;
}

export interface BackupReport {
  dir: string;
  file: string;
  kind: BackupKind;
  /** Position in the chain (1 = the full backup). */
  sequence: number;
  databaseId: string;
  /** Pages with fromLsn < LSN ≤ toLsn are in the file. */
  fromLsn: bigint;
  toLsn: bigint;
  pageCount: number;
  pagesCopied: number;
  /** Free-list leaves, not copied (content-free). */
  freePagesSkipped: number;
  /** Pages unchanged since the previous backup (incremental). */
  pagesUnchanged: number;
  fileBytes: number;
  checksum: { algorithm: 'crc32'; value: string };
  snapshotAtMs: number;
  chainLength: number;
  durationMs: number;
  bytesPerSecond: number;
}

/** Pages read per positioned read of the database file (1 MiB at 8 KiB pages). */
const RUN_PAGES = 128;

/** Back `db` up into `options.dir` as a job (kind 'backup', exclusive: never beside a compaction). */
export async function backupDatabase(db: Database, options: BackupOptions): Promise<BackupReport> {
  const dir = resolve(options.dir);
  return db.jobs.run({
    kind: 'backup',
    description: `backup to ${dir}${options.incremental ? ' (incremental)' : ''}`,
    exclusive: true,
    body: async (ctx) => {
      const started = performance.now();
      const startedAt = new Date();
      const { fs, pager } = db;
      ctx.progress({ phase: 'reading the chain' });
      const manifest = prepareDirectory(fs, dir, options.incremental === true);
      if (manifest !== null) {
        if (manifest.databaseId !== pager.databaseId) {
          throw new OperationError('BACKUP_CHAIN', `the chain in ${dir} belongs to database ${manifest.databaseId}, not to ${pager.path} (database ${pager.databaseId})`, {
            dir,
            chainDatabaseId: manifest.databaseId,
            databaseId: pager.databaseId,
          });
        }
        if (manifest.pageSizeBytes !== pager.pageSizeBytes) {
          throw new OperationError('BACKUP_CHAIN', `the chain in ${dir} has page size ${manifest.pageSizeBytes}, the database ${pager.pageSizeBytes}`, { dir });
        }
      }
      const previous = manifest?.backups[manifest.backups.length - 1];
      const kind: BackupKind = previous === undefined ? 'full' : 'incremental';
      const sequence = (previous?.sequence ?? 0) + 1;
      const fromLsn = previous === undefined ? 0n : BigInt(previous.toLsn);

      const txn = pager.beginRead();
      const tempPath = joinPath(dir, `${backupFileName(sequence, kind)}.tmp`);
      let file = null as ReturnType<FileSystem['open']> | null;
      try {
        const snapshotAtMs = Date.now();
        ctx.progress({ phase: 'waiting for the snapshot to be durable' });
        await pager.whenDurable(txn.snapshotSequence);
        const toLsn = txn.lastLsn;
        if (toLsn < fromLsn) {
          throw new OperationError('BACKUP_CHAIN', `the database is at LSN ${toLsn} but the chain in ${dir} already reaches LSN ${fromLsn}: it is older than the chain (restored from a backup?); start a new chain in an empty directory`, {
            dir,
            lsn: String(toLsn),
            chainLsn: String(fromLsn),
          });
        }
        const pageCount = txn.pageCount;
        const free = pager.freePages(txn);
        const freeLeaves = new Set(free.leaves);

        unlinkIfExists(fs, tempPath);
        file = fs.open(tempPath, { create: true });
        const out = new BufferedWriter(file);
        out.write(encodeBackupHeader({ pageSizeBytes: pager.pageSizeBytes, kind, sequence, databaseId: pager.databaseId, fromLsn, toLsn, pageCount, snapshotAtMs }));
        const entryHeader = new Uint8Array(BACKUP_ENTRY_HEADER_BYTES);
        let pagesCopied = 0;
        let pagesUnchanged = 0;
        ctx.progress({ phase: 'copying pages', done: 0, total: pageCount, bytes: 0 });
        const ps = pager.pageSizeBytes;
        const run = new Uint8Array(RUN_PAGES * ps);
        const isFree = (pageId: number): boolean => freeLeaves.has(pageId);
        for (let first = 0; first < pageCount; first += RUN_PAGES) {
          const count = Math.min(RUN_PAGES, pageCount - first);
          const bad = pager.readStoredPages(first, count, txn.snapshotSequence, run, isFree);
          if (bad.length > 0) throw bad[0]!.error; // never copy a page that fails its checksum
          for (let i = 0; i < count; i++) {
            const pageId = first + i;
            if (isFree(pageId)) continue;
            const image = run.subarray(i * ps, (i + 1) * ps);
            if (kind === 'full' || getPageLsn(image) > fromLsn) {
              encodeEntryHeader(entryHeader, pageId);
              out.write(entryHeader);
              out.write(image);
              pagesCopied++;
            } else {
              pagesUnchanged++;
            }
          }
          ctx.progress({ done: first + count, bytes: out.bytesWritten });
          await ctx.checkpoint();
        }
        const fileBytes = out.bytesWritten + BACKUP_TRAILER_BYTES;
        out.write(encodeTrailerBody(pagesCopied, fileBytes));
        const checksum = out.checksum;
        const crcField = new Uint8Array(4);
        new DataView(crcField.buffer).setUint32(0, checksum);
        out.write(crcField);
        out.flush();
        ctx.progress({ phase: 'syncing', done: pageCount, bytes: fileBytes });
        file.sync();
        file.close();
        file = null;
        failpoint('backup.beforeRename');
        const name = backupFileName(sequence, kind);
        fs.rename(tempPath, joinPath(dir, name));
        fs.syncDirectory(dir);
        failpoint('backup.beforeManifest');

        const finishedAt = new Date();
        const entry: BackupManifestEntry = {
          sequence,
          kind,
          file: name,
          fromLsn: String(fromLsn),
          toLsn: String(toLsn),
          pageCount,
          pagesCopied,
          fileBytes,
          checksum: { algorithm: 'crc32', value: hex32(checksum) },
          snapshotAt: new Date(snapshotAtMs).toISOString(),
          startedAt: startedAt.toISOString(),
          finishedAt: finishedAt.toISOString(),
        };
        const next: BackupManifest = {
          format: 'ombra-backup-chain',
          formatVersion: 1,
          databaseId: pager.databaseId,
          pageSizeBytes: pager.pageSizeBytes,
          source: resolve(pager.path),
          walArchiveDir: db.config.walArchiveDir === '' ? (manifest?.walArchiveDir ?? null) : resolve(db.config.walArchiveDir),
          createdAt: manifest?.createdAt ?? startedAt.toISOString(),
          updatedAt: finishedAt.toISOString(),
          backups: [...(manifest?.backups ?? []), entry],
        };
        ctx.progress({ phase: 'writing the manifest' });
        writeManifest(fs, dir, next);
        db.recordBackup(snapshotAtMs); // health: backup age counts from the data's age
        const durationMs = performance.now() - started;
        return {
          dir,
          file: name,
          kind,
          sequence,
          databaseId: pager.databaseId,
          fromLsn,
          toLsn,
          pageCount,
          pagesCopied,
          freePagesSkipped: freeLeaves.size,
          pagesUnchanged,
          fileBytes,
          checksum: entry.checksum,
          snapshotAtMs,
          chainLength: next.backups.length,
          durationMs,
          bytesPerSecond: durationMs > 0 ? (fileBytes / durationMs) * 1000 : 0,
        };
      } catch (error) {
        try {
          file?.close();
          if (!isProcessDeath(error)) unlinkIfExists(fs, tempPath);
        } catch {
          // the backup's own error is the one to report
        }
        throw error;
      } finally {
        txn.end();
      }
    },
  });
}

/**
 * Make sure `dir` can take the next backup and return its manifest (null: empty, first
 * backup is full). Refuses a directory with foreign files, and a full backup into a chain.
 */
function prepareDirectory(fs: FileSystem, dir: string, incremental: boolean): BackupManifest | null {
  if (!fs.exists(dir)) {
    fs.mkdir(dir);
    fs.syncDirectory(dirname(dir));
    return null;
  }
  if (!isDirectory(fs, dir)) throw new OperationError('BACKUP_CHAIN', `${dir} is not a directory`, { dir });
  const manifest = readManifest(fs, dir);
  if (manifest === null) {
    const foreign = fs.readdir(dir).filter((name) => !isBackupFileName(name) && name !== `${MANIFEST_FILE}.tmp`);
    if (foreign.length > 0) {
      throw new OperationError('BACKUP_CHAIN', `${dir} is not empty and holds no backup manifest (found ${foreign.slice(0, 3).join(', ')}); choose an empty directory`, { dir });
    }
    return null;
  }
  if (!incremental && manifest.backups.length > 0) {
    throw new OperationError('BACKUP_CHAIN', `${dir} already holds a backup chain of ${manifest.backups.length} backup(s); add --incremental to extend it, or choose an empty directory for a new full backup`, {
      dir,
      chainLength: manifest.backups.length,
    });
  }
  return manifest;
}
