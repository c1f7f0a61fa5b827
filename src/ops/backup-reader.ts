// Reading a backup file back (backup-format.ts): restore applies its pages, verify --backup
// only checks them. Both go through readBackupFile, which checks everything the format
// promises: header against the manifest entry, every page image, order, the trailer and
// the CRC-32 of the whole file.

import { crc32 } from 'node:zlib';
import { pageProblem } from '../storage/page.js';
import type { FileSystem } from '../storage/types.js';
import {
  BACKUP_ENTRY_HEADER_BYTES,
  BACKUP_HEADER_BYTES,
  BACKUP_TRAILER_BYTES,
  decodeBackupHeader,
  decodeBackupTrailer,
  entryBytes,
  entryPageId,
  type BackupHeader,
} from './backup-format.js';
import type { BackupManifest, BackupManifestEntry } from './backup-manifest.js';
import { hex32, joinPath } from './files.js';
import { OperationError } from './ops-error.js';

/** Entries read per file read (about 2 MiB at 8 KiB pages). */
const ENTRIES_PER_READ = 256;

export interface BackupFileProblem {
  page?: number;
  /** False when the problem stops the file from being read further (header, size, trailer). */
  pageLevel: boolean;
  message: string;
}

export interface BackupFileResult {
  header: BackupHeader | null;
  entries: number;
  checksum: number | null;
  problems: BackupFileProblem[];
}

/**
 * Read one backup file of `manifest`. `onPage` receives each page image that passed its
 * check (a view into a reused buffer: copy or write it before returning). `tick` runs
 * between batches (job checkpoints). Structural problems end the read; page problems are
 * collected and reading goes on.
 */
export async function readBackupFile(
  fs: FileSystem,
  dir: string,
  manifest: BackupManifest,
  entry: BackupManifestEntry,
  onPage: ((pageId: number, image: Uint8Array) => void) | null,
  tick: (pagesRead: number) => Promise<void>,
): Promise<BackupFileResult> {
  const path = joinPath(dir, entry.file);
  const result: BackupFileResult = { header: null, entries: 0, checksum: null, problems: [] };
  const fatal = (message: string): BackupFileResult => {
    result.problems.push({ pageLevel: false, message: `${entry.file}: ${message}` });
    return result;
  };
  if (!fs.exists(path)) return fatal('the file is missing');
  const file = fs.open(path, { readOnly: true });
  try {
    const size = file.size();
    const ps = manifest.pageSizeBytes;
    const perEntry = entryBytes(ps);
    if (size !== entry.fileBytes) return fatal(`is ${size} bytes but the manifest records ${entry.fileBytes}`);
    if (size < BACKUP_HEADER_BYTES + BACKUP_TRAILER_BYTES || (size - BACKUP_HEADER_BYTES - BACKUP_TRAILER_BYTES) % perEntry !== 0) {
      return fatal(`size ${size} is not a header, whole page entries and a trailer`);
    }
    const entries = (size - BACKUP_HEADER_BYTES - BACKUP_TRAILER_BYTES) / perEntry;
    const headerBytes = new Uint8Array(BACKUP_HEADER_BYTES);
    file.read(headerBytes, 0, BACKUP_HEADER_BYTES, 0);
    let header: BackupHeader;
    try {
      header = decodeBackupHeader(headerBytes, path);
    } catch (error) {
      return fatal(error instanceof Error ? error.message : String(error));
    }
    result.header = header;
    const mismatch = headerMismatch(header, manifest, entry);
    if (mismatch !== null) return fatal(mismatch);
    const trailerBytes = new Uint8Array(BACKUP_TRAILER_BYTES);
    file.read(trailerBytes, 0, BACKUP_TRAILER_BYTES, size - BACKUP_TRAILER_BYTES);
    let trailer;
    try {
      trailer = decodeBackupTrailer(trailerBytes, path);
    } catch (error) {
      return fatal(error instanceof Error ? error.message : String(error));
    }
    if (trailer.entries !== entries || trailer.fileBytes !== size) {
      return fatal(`the trailer records ${trailer.entries} entries in ${trailer.fileBytes} bytes, the file has ${entries} in ${size}`);
    }
    if (entries !== entry.pagesCopied) return fatal(`holds ${entries} pages but the manifest records ${entry.pagesCopied}`);

    let crc = crc32(headerBytes);
    const buffer = new Uint8Array(Math.min(entries, ENTRIES_PER_READ) * perEntry);
    let previousPage = -1;
    for (let first = 0; first < entries; first += ENTRIES_PER_READ) {
      const count = Math.min(ENTRIES_PER_READ, entries - first);
      const bytes = buffer.subarray(0, count * perEntry);
      const read = file.read(bytes, 0, bytes.length, BACKUP_HEADER_BYTES + first * perEntry);
      if (read !== bytes.length) return fatal(`short read at entry ${first}`);
      crc = crc32(bytes, crc);
      for (let i = 0; i < count; i++) {
        const at = i * perEntry;
        const pageId = entryPageId(bytes.subarray(at, at + BACKUP_ENTRY_HEADER_BYTES));
        const image = bytes.subarray(at + BACKUP_ENTRY_HEADER_BYTES, at + perEntry);
        if (pageId <= previousPage || pageId >= header.pageCount) {
          result.problems.push({ page: pageId, pageLevel: true, message: `${entry.file}: entry ${first + i} names page ${pageId}, out of order or beyond the page count ${header.pageCount}` });
          continue;
        }
        previousPage = pageId;
        const problem = pageProblem(image, pageId);
        if (problem !== null) {
          result.problems.push({ page: pageId, pageLevel: true, message: `${entry.file}: page ${pageId} is corrupt: ${problem}` });
          continue;
        }
        onPage?.(pageId, image);
      }
      result.entries += count;
      await tick(count);
    }
    crc = crc32(trailerBytes.subarray(0, BACKUP_TRAILER_BYTES - 4), crc);
    result.checksum = crc;
    if (crc !== trailer.checksum) return fatal(`file checksum mismatch: computed ${hex32(crc)}, the trailer records ${hex32(trailer.checksum)}`);
    if (hex32(crc) !== entry.checksum.value) return fatal(`file checksum ${hex32(crc)} differs from the manifest's ${entry.checksum.value}`);
    return result;
  } finally {
    file.close();
  }
}

function headerMismatch(header: BackupHeader, manifest: BackupManifest, entry: BackupManifestEntry): string | null {
  if (header.databaseId !== manifest.databaseId) return `belongs to database ${header.databaseId}, the chain to ${manifest.databaseId}`;
  if (header.pageSizeBytes !== manifest.pageSizeBytes) return `has page size ${header.pageSizeBytes}, the chain ${manifest.pageSizeBytes}`;
  if (header.kind !== entry.kind) return `is a ${header.kind} backup, the manifest says ${entry.kind}`;
  if (header.sequence !== entry.sequence) return `is backup ${header.sequence} of its chain, the manifest says ${entry.sequence}`;
  if (String(header.fromLsn) !== entry.fromLsn || String(header.toLsn) !== entry.toLsn) {
    return `covers LSN ${header.fromLsn}..${header.toLsn}, the manifest says ${entry.fromLsn}..${entry.toLsn}`;
  }
  if (header.pageCount !== entry.pageCount) return `records ${header.pageCount} pages, the manifest ${entry.pageCount}`;
  return null;
}

/** Throw BACKUP_CORRUPT for the first problem of a file (restore cannot use a damaged file). */
export function throwIfDamaged(result: BackupFileResult, dir: string, file: string): void {
  const first = result.problems[0];
  if (first === undefined) return;
  throw new OperationError('BACKUP_CORRUPT', `backup ${joinPath(dir, file)} is damaged: ${first.message}${result.problems.length > 1 ? ` (and ${result.problems.length - 1} more problem(s))` : ''}`, {
    file: joinPath(dir, file),
    ...(first.page !== undefined ? { pageNumber: first.page } : {}),
    problems: result.problems.length,
  });
}
