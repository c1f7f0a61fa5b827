// The WAL archiver: copies every durable commit of the database into the archive directory
// (config `walArchiveDir`; format in wal-archive-format.ts) so point-in-time restore can
// replay the history after the newest backup (restore.ts).
//
// When it runs
//   - on attach (Database.open): cut a torn tail, then catch up;
//   - before the log restarts or is truncated (pager invariant R6): catch up, mandatory;
//   - after each checkpoint: catch up early, so the archive lag stays small.
//
// CATCH-UP PROTOCOL (synchronous; sync barriers ══)
//   1. The commits to archive are the durable ones (pager durableSequence) with an LSN above
//      the archive's last (A3).
//   2. If the log holds LSN archived+1, append those transactions (A2). Otherwise the log
//      cannot continue the history (a compaction rewrote every page, or frames were retired
//      while no archive was attached): append an IMAGE of the database at its newest durable
//      snapshot instead. An empty archive simply starts at the first commit it sees.
//   3. Records go to the newest segment (a new one past segmentBytesMax, named by its first
//      LSN). ══ fsync the segment.                         failpoint 'archive.beforeSync'
//   4. A new segment's directory entry: ══ fsync the directory. failpoint 'archive.afterSync'
//   5. Only now is the archived LSN advanced.
// A crash before 5 leaves a torn tail that the next attach cuts off (like WAL invariant W4;
// failpoint 'archive.beforeTailCutSync'), and the same transactions are archived again from
// the log, which still holds them (R6). A segment is synced before the next one is started,
// so only the newest segment can ever be torn.
//
// Invariants:
//  (AR1) archivedLsn is the LSN of the last complete group that is durable in the archive.
//  (AR2) The archive never runs ahead of the database: on attach, an archive whose last LSN
//        is above the database's belongs to another history and is refused (CONFIG_INVALID).

import { dirname, resolve } from 'node:path';
import { ConfigError, StorageError } from '../errors.js';
import { failpoint } from '../storage/failpoint.js';
import * as meta from '../storage/meta.js';
import { getPageNumber } from '../storage/page.js';
import type { LogArchive, Pager } from '../storage/pager.js';
import type { FileHandle, FileSystem } from '../storage/types.js';
import { isDirectory, joinPath } from './files.js';
import {
  encodeRecord,
  encodeSegmentHeader,
  isSegmentFileName,
  recordBytes,
  scanSegment,
  segmentFileName,
  type ArchiveGroupKind,
} from './wal-archive-format.js';

/** Start a new segment once the current one is this large. */
export const DEFAULT_SEGMENT_BYTES_MAX = 64 * 1024 * 1024;

export interface WalArchiverOptions {
  segmentBytesMax?: number;
  /** Clock for segment headers and image times (tests). */
  now?: () => number;
}

export interface WalArchiveStatus {
  dir: string;
  /** LSN of the last transaction or image in the archive (0 = empty). */
  archivedLsn: bigint;
  /** Committed WAL frames not yet in the archive (the dashboard's archive lag). */
  lagFrames: number;
  lagTransactions: number;
  segments: number;
  transactionsArchived: number;
  imagesArchived: number;
  bytesArchived: number;
  /** The last catch-up error, cleared by the next success. */
  lastError: { code: string; message: string; atMs: number } | null;
}

interface OpenSegment {
  name: string;
  handle: FileHandle;
  size: number;
  checksum: number;
  /** Its directory entry is not yet synced. */
  fresh: boolean;
}

export class WalArchiver implements LogArchive {
  readonly dir: string;
  private archived: bigint;
  private segment: OpenSegment | null = null;
  private segmentCount: number;
  private readonly segmentBytesMax: number;
  private readonly now: () => number;
  private scratch: Uint8Array;
  private closed = false;
  private readonly counters = { transactions: 0, images: 0, bytes: 0 };
  private lastError: WalArchiveStatus['lastError'] = null;

  private constructor(
    private readonly fs: FileSystem,
    dir: string,
    private readonly pager: Pager,
    archived: bigint,
    segmentCount: number,
    options: WalArchiverOptions,
  ) {
    this.dir = dir;
    this.archived = archived;
    this.segmentCount = segmentCount;
    this.segmentBytesMax = options.segmentBytesMax ?? DEFAULT_SEGMENT_BYTES_MAX;
    this.now = options.now ?? Date.now;
    this.scratch = new Uint8Array(recordBytes(pager.pageSizeBytes));
  }

  /**
   * Open the archive in `dir` for `pager`'s database (creating the directory), cut a torn
   * tail, catch up, and attach to the pager (R6). Cost: reads the newest segment once.
   * Throws CONFIG_INVALID when the archive belongs to another database or history (AR2).
   */
  static attach(fs: FileSystem, dir: string, pager: Pager, options: WalArchiverOptions = {}): WalArchiver {
    const path = resolve(dir);
    if (!fs.exists(path)) {
      fs.mkdir(path);
      fs.syncDirectory(dirname(path));
    } else if (!isDirectory(fs, path)) {
      throw new ConfigError('CONFIG_INVALID', `walArchiveDir ${path} is not a directory`, { key: 'walArchiveDir', value: path });
    }
    const names = fs.readdir(path).filter(isSegmentFileName);
    let archived = 0n;
    let open: OpenSegment | null = null;
    // The newest segment that holds a complete group sets the archived LSN; newer ones that do not are torn creations.
    while (names.length > 0) {
      const name = names[names.length - 1]!;
      const handle = fs.open(joinPath(path, name));
      const scan = scanSegment(handle, name, null);
      if (scan.header !== null && scan.header.databaseId !== pager.databaseId) {
        handle.close();
        throw new ConfigError('CONFIG_INVALID', `walArchiveDir ${path} holds the WAL archive of database ${scan.header.databaseId}, not of ${pager.path} (${pager.databaseId}); give each database its own archive directory`, {
          key: 'walArchiveDir',
          value: path,
        });
      }
      if (scan.header !== null && scan.header.pageSizeBytes !== pager.pageSizeBytes) {
        handle.close();
        throw new ConfigError('CONFIG_INVALID', `walArchiveDir ${path} holds segments of page size ${scan.header.pageSizeBytes}, the database has ${pager.pageSizeBytes}`, {
          key: 'walArchiveDir',
          value: path,
        });
      }
      if (scan.groups.length === 0) {
        handle.close();
        fs.unlink(joinPath(path, name));
        fs.syncDirectory(path);
        names.pop();
        continue;
      }
      if (scan.validEnd < scan.fileBytes) {
        handle.truncate(scan.validEnd);
        failpoint('archive.beforeTailCutSync');
        handle.sync();
      }
      archived = scan.groups[scan.groups.length - 1]!.lsn;
      open = { name, handle, size: scan.validEnd, checksum: scan.checksumAtEnd, fresh: false };
      break;
    }
    const databaseLsn = meta.getLastLsn(pager.readAt(0, pager.durableSequence));
    if (archived > databaseLsn) {
      open?.handle.close();
      throw new ConfigError('CONFIG_INVALID', `walArchiveDir ${path} holds transactions up to LSN ${archived} but ${pager.path} is at LSN ${databaseLsn}: the archive belongs to another history of this database; use a new archive directory`, {
        key: 'walArchiveDir',
        value: path,
        archivedLsn: String(archived),
        databaseLsn: String(databaseLsn),
      });
    }
    const archiver = new WalArchiver(fs, path, pager, archived, names.length, options);
    archiver.segment = open;
    try {
      archiver.catchUp();
    } catch {
      // Kept in status().lastError; the log keeps every unarchived frame (R6) until a later catch-up succeeds.
    }
    pager.attachLogArchive(archiver);
    return archiver;
  }

  /** LSN of the last archived group (AR1). */
  get archivedLsn(): bigint {
    return this.archived;
  }

  // ── LogArchive (pager hooks) ──────────────────────────────────────────────

  archiveBeforeRestart(): void {
    this.catchUp();
    const commits = this.pager.walCommits();
    const last = commits[commits.length - 1];
    if (last !== undefined && last.lsn > this.archived) {
      throw new StorageError('IO', `the WAL archive ${this.dir} is behind (LSN ${this.archived} of ${last.lsn}): the log cannot restart yet`, { file: this.dir });
    }
  }

  afterCheckpoint(): void {
    this.catchUp();
  }

  // ── catch-up ──────────────────────────────────────────────────────────────

  /** Archive every durable commit not yet archived (CATCH-UP PROTOCOL). Returns groups appended. */
  catchUp(): number {
    if (this.closed) return 0;
    try {
      const appended = this.catchUpOnce();
      this.lastError = null;
      return appended;
    } catch (error) {
      const e = error as { code?: string; message?: string };
      this.lastError = { code: e.code ?? 'IO', message: e.message ?? String(error), atMs: this.now() };
      // The file may hold a partial append: reopen (and cut) it before the next one.
      this.segment?.handle.close();
      this.segment = null;
      throw error;
    }
  }

  private catchUpOnce(): number {
    const durable = this.pager.durableSequence;
    const pending = this.pager.walCommits().filter((c) => c.sequence <= durable && c.lsn > this.archived);
    const databaseLsn = meta.getLastLsn(this.pager.readAt(0, durable));
    if (databaseLsn <= this.archived) return 0;
    const first = pending[0];
    // An empty archive starts at the first commit it sees; a non-empty one needs the next LSN.
    if (this.archived === 0n && first === undefined) return 0;
    const continues = first !== undefined && (this.archived === 0n || first.lsn === this.archived + 1n);
    let appended = 0;
    if (continues) {
      for (const commit of pending) {
        const count = commit.sequence - commit.firstSequence + 1;
        let index = 0;
        this.appendGroup('transaction', commit.lsn, commit.commitTimeMs, function* (pager) {
          for (let sequence = commit.firstSequence; sequence <= commit.sequence; sequence++, index++) {
            const image = pager.readCommittedFrame(sequence);
            yield { pageId: getPageNumber(image), image, end: index === count - 1 ? commit.pageCount : 0 };
          }
        });
        appended++;
      }
      this.sync();
      this.archived = pending[pending.length - 1]!.lsn;
      this.counters.transactions += appended;
      return appended;
    }
    // The log cannot continue the history: archive an image of the newest durable snapshot.
    const txn = this.pager.beginRead();
    try {
      if (txn.snapshotSequence !== durable) return 0; // not everything is durable yet: next time
      const free = new Set(this.pager.freePages(txn).leaves);
      const pageCount = txn.pageCount;
      const lsn = txn.lastLsn;
      let last = pageCount - 1;
      while (last > 0 && free.has(last)) last--;
      const pager = this.pager;
      this.appendGroup('image', lsn, this.now(), function* () {
        for (let pageId = 0; pageId <= last; pageId++) {
          if (free.has(pageId)) continue;
          yield { pageId, image: pager.readStoredPage(pageId, txn.snapshotSequence), end: pageId === last ? pageCount : 0 };
        }
      });
      this.sync();
      this.archived = lsn;
      this.counters.images++;
      return 1;
    } finally {
      txn.end();
    }
  }

  private appendGroup(
    kind: ArchiveGroupKind,
    lsn: bigint,
    commitTimeMs: number,
    records: (pager: Pager) => Generator<{ pageId: number; image: Uint8Array; end: number }>,
  ): void {
    const segment = this.segmentFor(lsn);
    for (const { pageId, image, end } of records(this.pager)) {
      segment.checksum = encodeRecord(this.scratch, { kind, pageNumber: pageId, endPageCount: end, lsn, commitTimeMs }, image, segment.checksum);
      segment.handle.write(this.scratch, 0, this.scratch.length, segment.size);
      segment.size += this.scratch.length;
      this.counters.bytes += this.scratch.length;
    }
  }

  /** The segment the group of `lsn` goes into: the open one, or a new one past the size limit. */
  private segmentFor(lsn: bigint): OpenSegment {
    if (this.segment !== null && this.segment.size < this.segmentBytesMax) return this.segment;
    if (this.segment === null) {
      // After a failed append: reopen the newest segment through attach's scan (cuts its tail).
      const reopened = this.reopenNewest();
      if (reopened !== null && reopened.size < this.segmentBytesMax) return (this.segment = reopened);
      reopened?.handle.close();
    } else {
      // A segment is complete and durable before the next one starts (only the newest may be torn).
      this.sync();
      this.segment.handle.close();
    }
    const name = segmentFileName(lsn);
    const path = joinPath(this.dir, name);
    const handle = this.fs.open(path, { create: true });
    handle.truncate(0);
    const { bytes, checksum } = encodeSegmentHeader({ pageSizeBytes: this.pager.pageSizeBytes, databaseId: this.pager.databaseId, firstLsn: lsn, createdAtMs: this.now() });
    handle.write(bytes, 0, bytes.length, 0);
    this.segmentCount++;
    this.segment = { name, handle, size: bytes.length, checksum, fresh: true };
    return this.segment;
  }

  private reopenNewest(): OpenSegment | null {
    const names = this.fs.readdir(this.dir).filter(isSegmentFileName);
    const name = names[names.length - 1];
    if (name === undefined) return null;
    const handle = this.fs.open(joinPath(this.dir, name));
    const scan = scanSegment(handle, name, this.pager.pageSizeBytes);
    if (scan.groups.length === 0 || scan.header === null) {
      handle.close();
      return null;
    }
    if (scan.validEnd < scan.fileBytes) {
      handle.truncate(scan.validEnd);
      handle.sync();
    }
    return { name, handle, size: scan.validEnd, checksum: scan.checksumAtEnd, fresh: false };
  }

  private sync(): void {
    const segment = this.segment;
    if (segment === null) return;
    failpoint('archive.beforeSync');
    segment.handle.sync();
    if (segment.fresh) {
      this.fs.syncDirectory(this.dir);
      segment.fresh = false;
    }
    failpoint('archive.afterSync');
  }

  // ── status ────────────────────────────────────────────────────────────────

  /** Committed frames not yet archived. Cost: one pass over the log's commit records. */
  lagFrames(): number {
    let frames = 0;
    for (const commit of this.pager.walCommits()) if (commit.lsn > this.archived) frames += commit.sequence - commit.firstSequence + 1;
    return frames;
  }

  status(): WalArchiveStatus {
    let lagTransactions = 0;
    for (const commit of this.pager.walCommits()) if (commit.lsn > this.archived) lagTransactions++;
    return {
      dir: this.dir,
      archivedLsn: this.archived,
      lagFrames: this.lagFrames(),
      lagTransactions,
      segments: this.segmentCount,
      transactionsArchived: this.counters.transactions,
      imagesArchived: this.counters.images,
      bytesArchived: this.counters.bytes,
      lastError: this.lastError,
    };
  }

  /** Detach from the pager and close the open segment (after the pager's final checkpoint). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pager.attachLogArchive(null);
    this.segment?.handle.close();
    this.segment = null;
  }
}
