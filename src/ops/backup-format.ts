// BACKUP FILE FORMAT (`NNNN-full.obk`, `NNNN-incr.obk` in a backup directory)
//
// One file per backup of a chain: a header, one entry per copied page, a trailer. The file is
// self-verifying: every page image carries its own checksum (page.ts), the header its CRC, and
// the trailer a CRC-32 of every byte before it. All integers big-endian.
//
// HEADER (BACKUP_HEADER_BYTES = 128)
//   offset  size  type   meaning
//   0       8     bytes  magic "OMBRABK\0"
//   8       4     u32    backup format version (BACKUP_FORMAT_VERSION)
//   12      4     u32    page size in bytes
//   16      4     u32    kind: 1 = full, 2 = incremental (0 invalid)
//   20      4     u32    sequence of this backup in its chain (1 = the full backup)
//   24      16    bytes  database id of the source (meta.ts)
//   40      8     u64    from LSN: the file holds every page whose LSN is > this (0 for full)
//   48      8     u64    to LSN: the LSN of the snapshot the backup read
//   56      4     u32    page count of the database at the snapshot
//   60      4            reserved, 0
//   64      8     u64    snapshot time, ms since the epoch (every copied commit is older)
//   72      52           reserved, 0
//   124     4     u32    CRC-32 of bytes [0, 124)
//
// ENTRY (8 + page size bytes), in ascending page number
//   0       4     u32    page number
//   4       4            reserved, 0
//   8       ps    bytes  the stored page image (encrypted pages stay encrypted)
//
// TRAILER (BACKUP_TRAILER_BYTES = 32)
//   0       8     bytes  magic "OMBRAEND"
//   8       4     u32    number of entries
//   12      4            reserved, 0
//   16      8     u64    file size in bytes, trailer included
//   24      4            reserved, 0
//   28      4     u32    CRC-32 of every byte of the file before this field
//
// Pages on the free list are not copied (their content means nothing, freelist.ts); a restore
// leaves them zero. The manifest (backup-manifest.ts) records the trailer CRC as the file's
// checksum.

import { crc32 } from 'node:zlib';
import { CorruptionError } from '../errors.js';

export const BACKUP_MAGIC = Uint8Array.from([0x4f, 0x4d, 0x42, 0x52, 0x41, 0x42, 0x4b, 0x00]); // "OMBRABK\0"
export const BACKUP_END_MAGIC = Uint8Array.from([0x4f, 0x4d, 0x42, 0x52, 0x41, 0x45, 0x4e, 0x44]); // "OMBRAEND"
export const BACKUP_FORMAT_VERSION = 1;
export const BACKUP_HEADER_BYTES = 128;
export const BACKUP_ENTRY_HEADER_BYTES = 8;
export const BACKUP_TRAILER_BYTES = 32;

export const BACKUP_KIND = { full: 1, incremental: 2 } as const;
export type BackupKind = keyof typeof BACKUP_KIND;

export interface BackupHeader {
  pageSizeBytes: number;
  kind: BackupKind;
  sequence: number;
  databaseId: string;
  fromLsn: bigint;
  toLsn: bigint;
  pageCount: number;
  snapshotAtMs: number;
}

export interface BackupTrailer {
  entries: number;
  fileBytes: number;
  checksum: number;
}

function dv(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function entryBytes(pageSizeBytes: number): number {
  return BACKUP_ENTRY_HEADER_BYTES + pageSizeBytes;
}

/** Size of a backup file holding `entries` pages. */
export function backupFileBytes(pageSizeBytes: number, entries: number): number {
  return BACKUP_HEADER_BYTES + entries * entryBytes(pageSizeBytes) + BACKUP_TRAILER_BYTES;
}

export function encodeBackupHeader(header: BackupHeader): Uint8Array {
  const out = new Uint8Array(BACKUP_HEADER_BYTES);
  const v = dv(out);
  out.set(BACKUP_MAGIC, 0);
  v.setUint32(8, BACKUP_FORMAT_VERSION);
  v.setUint32(12, header.pageSizeBytes);
  v.setUint32(16, BACKUP_KIND[header.kind]);
  v.setUint32(20, header.sequence);
  out.set(Buffer.from(header.databaseId, 'hex'), 24);
  v.setBigUint64(40, header.fromLsn);
  v.setBigUint64(48, header.toLsn);
  v.setUint32(56, header.pageCount);
  v.setBigUint64(64, BigInt(Math.max(0, Math.floor(header.snapshotAtMs))));
  v.setUint32(124, crc32Of(out.subarray(0, 124)));
  return out;
}

/** Decode a header; CorruptionError naming the file when it is not a valid one. */
export function decodeBackupHeader(bytes: Uint8Array, file: string): BackupHeader {
  const v = dv(bytes);
  const bad = (what: string): never => {
    throw new CorruptionError(`backup file ${file}: ${what}`, { file, offset: 0 });
  };
  if (bytes.length < BACKUP_HEADER_BYTES) bad('shorter than its header');
  for (let i = 0; i < BACKUP_MAGIC.length; i++) if (bytes[i] !== BACKUP_MAGIC[i]) bad('not an ombra backup file (bad magic)');
  if (v.getUint32(124) !== crc32Of(bytes.subarray(0, 124))) bad('header checksum mismatch');
  const version = v.getUint32(8);
  if (version !== BACKUP_FORMAT_VERSION) bad(`backup format version ${version} is not supported (expected ${BACKUP_FORMAT_VERSION})`);
  const kindCode = v.getUint32(16);
  const kind = kindCode === BACKUP_KIND.full ? 'full' : kindCode === BACKUP_KIND.incremental ? 'incremental' : bad(`unknown kind ${kindCode}`);
  return {
    pageSizeBytes: v.getUint32(12),
    kind,
    sequence: v.getUint32(20),
    databaseId: Buffer.from(bytes.subarray(24, 40)).toString('hex'),
    fromLsn: v.getBigUint64(40),
    toLsn: v.getBigUint64(48),
    pageCount: v.getUint32(56),
    snapshotAtMs: Number(v.getBigUint64(64)),
  };
}

export function encodeEntryHeader(out: Uint8Array, pageId: number): void {
  const v = dv(out);
  v.setUint32(0, pageId);
  v.setUint32(4, 0);
}

export function entryPageId(bytes: Uint8Array): number {
  return dv(bytes).getUint32(0);
}

/** The trailer, without its CRC field (the writer appends the CRC of everything before it). */
export function encodeTrailerBody(entries: number, fileBytes: number): Uint8Array {
  const out = new Uint8Array(BACKUP_TRAILER_BYTES - 4);
  const v = dv(out);
  out.set(BACKUP_END_MAGIC, 0);
  v.setUint32(8, entries);
  v.setBigUint64(16, BigInt(fileBytes));
  return out;
}

export function decodeBackupTrailer(bytes: Uint8Array, file: string): BackupTrailer {
  for (let i = 0; i < BACKUP_END_MAGIC.length; i++) {
    if (bytes[i] !== BACKUP_END_MAGIC[i]) throw new CorruptionError(`backup file ${file}: no trailer (the file is truncated or damaged)`, { file });
  }
  const v = dv(bytes);
  return { entries: v.getUint32(8), fileBytes: Number(v.getBigUint64(16)), checksum: v.getUint32(28) };
}

function crc32Of(bytes: Uint8Array): number {
  return crc32(bytes);
}

/** File name of backup `sequence` of a chain. */
export function backupFileName(sequence: number, kind: BackupKind): string {
  return `${String(sequence).padStart(4, '0')}-${kind === 'full' ? 'full' : 'incr'}.obk`;
}

/** True for names this module writes (so a directory of only these counts as a chain). */
export function isBackupFileName(name: string): boolean {
  return /^\d{4,}-(full|incr)\.obk(\.tmp)?$/.test(name);
}
