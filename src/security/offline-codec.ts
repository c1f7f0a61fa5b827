// Codecs for encrypted files that are not open databases: a backup chain (restore: full
// verification of the result reads page content) and a damaged database file (salvage reads
// its pages). Both are readers' codecs (encryption.ts N7).
//
// Backups copy stored images, so a chain is encrypted exactly when its database is, under the
// same salt (key-area.ts K1): page 0 of the full backup, the first entry of the first file
// (backup-format.ts), holds the key check. A chain restored without its key still restores
// (pages are copied as stored) but only gets fast verification; the restored copy has a new
// database id, so its first writer forks the nonce lineage (encryption.ts N5).
//
// A damaged database's key check is in its page 0; when the file's page 0 is unusable, any
// valid copy of page 0 in the WAL serves (the salt and check never change: K1).

import { resolve } from 'node:path';
import { CorruptionError } from '../errors.js';
import { BACKUP_ENTRY_HEADER_BYTES, BACKUP_HEADER_BYTES } from '../ops/backup-format.js';
import { readManifest } from '../ops/backup-manifest.js';
import { joinPath } from '../ops/files.js';
import { OperationError } from '../ops/ops-error.js';
import { RealFileSystem } from '../storage/fs-real.js';
import * as meta from '../storage/meta.js';
import { pageProblem } from '../storage/page.js';
import type { FileSystem } from '../storage/types.js';
import { PageCipher } from './encryption.js';
import { unlockKeyArea } from './key-area.js';
import { resolveKey, type KeySources, type MasterKey } from './key.js';
import { SecurityError, StorageError } from '../errors.js';
import { decodeWalHeader, FrameWalker, WAL_HEADER_BYTES } from '../storage/wal-format.js';

/** Page 0 as the full backup of the chain in `dir` holds it. */
export function readBackupPage0(fs: FileSystem, dir: string): Uint8Array {
  const manifest = readManifest(fs, dir);
  const full = manifest?.backups[0];
  if (manifest === null || full === undefined) throw new OperationError('BACKUP_CHAIN', `${dir} holds no backup chain`, { dir });
  const path = joinPath(dir, full.file);
  const ps = manifest.pageSizeBytes;
  const entry = new Uint8Array(BACKUP_ENTRY_HEADER_BYTES + ps);
  const file = fs.open(path, { readOnly: true });
  try {
    if (file.read(entry, 0, entry.length, BACKUP_HEADER_BYTES) < entry.length) throw new CorruptionError(`${path} ends before its first page`, { file: path });
  } finally {
    file.close();
  }
  const pageNumber = new DataView(entry.buffer).getUint32(0);
  const page = entry.subarray(BACKUP_ENTRY_HEADER_BYTES);
  const problem = pageNumber === 0 ? pageProblem(page, 0) : `the first entry is page ${pageNumber}`;
  if (problem !== null) throw new CorruptionError(`page 0 in ${path} is unusable: ${problem}`, { file: path, pageNumber: 0, problem });
  return page.slice();
}

/**
 * A reader's codec for the chain in `dir`: null when the chain is not encrypted, or when it
 * is and no key was given (restore then verifies fast only). ENCRYPTION_KEY_WRONG when the
 * key does not open it, ENCRYPTION_NOT_ENABLED when a key is given for a plain chain.
 */
export function backupCodec(dir: string, sources: KeySources, fs: FileSystem = new RealFileSystem()): PageCipher | null {
  const absolute = resolve(dir);
  return codecFor(readBackupPage0(fs, absolute), resolveKey(sources), `the backup chain in ${absolute}`);
}

/**
 * A reader's codec for a (possibly damaged) database file, from its page 0 or a page-0 frame
 * of its WAL: null when it is not encrypted or no key was given, or when no usable page 0 is
 * left (nothing can then be decrypted; salvage reports the pages as encrypted).
 */
export function databaseFileCodec(path: string, sources: KeySources, fs: FileSystem = new RealFileSystem()): PageCipher | null {
  const absolute = resolve(path);
  const key = resolveKey(sources);
  const page0 = usablePage0(fs, absolute);
  if (page0 === null) return null;
  return codecFor(page0, key, absolute);
}

function codecFor(page0: Uint8Array, key: MasterKey | null, what: string): PageCipher | null {
  const encrypted = (meta.getFlags(page0) & meta.META_FLAG_ENCRYPTED) !== 0;
  if (!encrypted) {
    if (key === null) return null;
    throw new SecurityError('ENCRYPTION_NOT_ENABLED', `${what} is not encrypted but a key was given (from ${key.source})`, { file: what, source: key.source });
  }
  if (key === null) return null;
  return new PageCipher(unlockKeyArea(page0, key, what).pageKey, null, what);
}

/** The file's page 0 when it passes its checksum, else the newest valid page-0 frame of its WAL. */
function usablePage0(fs: FileSystem, path: string): Uint8Array | null {
  if (!fs.exists(path)) throw new StorageError('DATABASE_NOT_FOUND', `database file ${path} does not exist`, { file: path });
  const file = fs.open(path, { readOnly: true });
  let pageSizeBytes = 0;
  try {
    const head = new Uint8Array(64);
    if (file.read(head, 0, 64, 0) === 64 && meta.hasMagic(head)) {
      pageSizeBytes = meta.peekPageSize(head);
      if (PAGE_SIZES.includes(pageSizeBytes)) {
        const page = new Uint8Array(pageSizeBytes);
        if (file.read(page, 0, pageSizeBytes, 0) === pageSizeBytes && pageProblem(page, 0) === null) return page;
      }
    }
  } finally {
    file.close();
  }
  const walPath = `${path}-wal`;
  if (!fs.exists(walPath)) return null;
  const wal = fs.open(walPath, { readOnly: true });
  try {
    const header = new Uint8Array(WAL_HEADER_BYTES);
    if (wal.read(header, 0, WAL_HEADER_BYTES, 0) < WAL_HEADER_BYTES) return null;
    const decoded = decodeWalHeader(header);
    if ('problem' in decoded || !PAGE_SIZES.includes(decoded.pageSizeBytes)) return null;
    // The walk yields only valid frames (their page checksums included) of the current log.
    const walker = new FrameWalker((into, length, position) => wal.read(into, 0, length, position), wal.size(), decoded);
    let found: Uint8Array | null = null;
    while (walker.next()) if (walker.header!.pageNumber === 0 && meta.hasMagic(walker.page)) found = walker.page.slice();
    return found;
  } finally {
    wal.close();
  }
}

const PAGE_SIZES = [4096, 8192, 16384, 32768, 65536];
