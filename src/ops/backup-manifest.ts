// The manifest of a backup directory (`manifest.json`): the chain of backups it holds.
//
// MANIFEST (UTF-8 JSON, one object; LSNs are decimal strings so they stay exact)
//
//   field            type     meaning
//   format           string   "ombra-backup-chain"
//   formatVersion    integer  MANIFEST_FORMAT_VERSION
//   databaseId       string   32 hex digits: the source database (meta.ts); every file must match
//   pageSizeBytes    integer  page size of the source
//   source           string   path of the source database at the newest backup
//   walArchiveDir    string?  WAL archive of the source (point-in-time restore), null when off
//   createdAt        string   ISO time of the first backup
//   updatedAt        string   ISO time of the newest backup
//   backups          array    the chain, oldest first (BackupManifestEntry)
//
// BackupManifestEntry
//   sequence         integer  1, 2, 3...: position in the chain (1 is the full backup)
//   kind             string   "full" | "incremental"
//   file             string   file name inside the directory (backup-format.ts)
//   fromLsn, toLsn   string   pages with fromLsn < LSN ≤ toLsn; toLsn is the snapshot's LSN
//   pageCount        integer  database size in pages at the snapshot
//   pagesCopied      integer  entries in the file
//   fileBytes        integer  size of the file
//   checksum         object   { algorithm: "crc32", value: 8 hex digits }: CRC-32 of the file
//                             without its last 4 bytes (which hold that same CRC)
//   snapshotAt       string   ISO time the snapshot was taken (every copied commit is older)
//   startedAt        string   ISO
//   finishedAt       string   ISO
//
// Invariants:
//  (C1) The chain is contiguous: backups[0] is full with fromLsn 0, and backups[i].fromLsn =
//       backups[i−1].toLsn. Every file carries the manifest's databaseId and page size.
//  (C2) The manifest is replaced atomically (files.ts writeFileAtomic) and only after the
//       backup file it names is durable: a crash leaves the old chain or the new one.

import { OperationError } from './ops-error.js';
import { joinPath, writeFileAtomic } from './files.js';
import type { BackupKind } from './backup-format.js';
import type { FileSystem } from '../storage/types.js';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 'ombra-backup-chain';
export const MANIFEST_FORMAT_VERSION = 1;

export interface BackupManifestEntry {
  sequence: number;
  kind: BackupKind;
  file: string;
  fromLsn: string;
  toLsn: string;
  pageCount: number;
  pagesCopied: number;
  fileBytes: number;
  checksum: { algorithm: 'crc32'; value: string };
  snapshotAt: string;
  startedAt: string;
  finishedAt: string;
}

export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  formatVersion: number;
  databaseId: string;
  pageSizeBytes: number;
  source: string;
  walArchiveDir: string | null;
  createdAt: string;
  updatedAt: string;
  backups: BackupManifestEntry[];
}

export function manifestPath(dir: string): string {
  return joinPath(dir, MANIFEST_FILE);
}

/** The manifest of `dir`, or null when there is none. BACKUP_CORRUPT when it cannot be parsed. */
export function readManifest(fs: FileSystem, dir: string): BackupManifest | null {
  const path = manifestPath(dir);
  if (!fs.exists(path)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(fs.readFile(path)).toString('utf8'));
  } catch (error) {
    throw corrupt(path, `is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  return validateManifest(parsed, path);
}

export function writeManifest(fs: FileSystem, dir: string, manifest: BackupManifest): void {
  writeFileAtomic(fs, manifestPath(dir), Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'));
}

/** Snapshot time of the newest backup in ms, or null for an empty chain. */
export function lastBackupAtMs(manifest: BackupManifest): number | null {
  const last = manifest.backups[manifest.backups.length - 1];
  return last === undefined ? null : Date.parse(last.finishedAt);
}

/** Problems with the chain's continuity (C1), one message each; empty when it is sound. */
export function chainProblems(manifest: BackupManifest): string[] {
  const problems: string[] = [];
  manifest.backups.forEach((entry, i) => {
    if (entry.sequence !== i + 1) problems.push(`backup ${i + 1} of the chain records sequence ${entry.sequence}`);
    if (i === 0) {
      if (entry.kind !== 'full') problems.push(`the chain starts with a ${entry.kind} backup (${entry.file}), not a full one`);
      if (entry.fromLsn !== '0') problems.push(`the full backup ${entry.file} starts at LSN ${entry.fromLsn}, not 0`);
    } else {
      const previous = manifest.backups[i - 1]!;
      if (entry.kind !== 'incremental') problems.push(`backup ${entry.file} is ${entry.kind} but is not the first of the chain`);
      if (entry.fromLsn !== previous.toLsn) {
        problems.push(`gap in the chain: ${entry.file} starts after LSN ${entry.fromLsn} but ${previous.file} ends at LSN ${previous.toLsn}`);
      }
    }
    if (BigInt(entry.toLsn) < BigInt(entry.fromLsn)) problems.push(`backup ${entry.file} ends (LSN ${entry.toLsn}) before it starts (LSN ${entry.fromLsn})`);
  });
  return problems;
}

function validateManifest(value: unknown, path: string): BackupManifest {
  const m = value as Record<string, unknown>;
  const need = (ok: boolean, what: string): void => {
    if (!ok) throw corrupt(path, what);
  };
  need(typeof m === 'object' && m !== null, 'is not a JSON object');
  need(m.format === MANIFEST_FORMAT, `has format ${JSON.stringify(m.format)}, not "${MANIFEST_FORMAT}"`);
  need(m.formatVersion === MANIFEST_FORMAT_VERSION, `has format version ${JSON.stringify(m.formatVersion)} (this ombra reads ${MANIFEST_FORMAT_VERSION})`);
  need(typeof m.databaseId === 'string' && /^[0-9a-f]{32}$/.test(m.databaseId), 'has no valid databaseId');
  need(Number.isInteger(m.pageSizeBytes), 'has no valid pageSizeBytes');
  need(typeof m.source === 'string', 'has no source');
  need(m.walArchiveDir === null || typeof m.walArchiveDir === 'string', 'has an invalid walArchiveDir');
  need(Array.isArray(m.backups), 'has no backups array');
  for (const [i, raw] of (m.backups as unknown[]).entries()) {
    const e = raw as Record<string, unknown>;
    const at = `backups[${i}]`;
    need(typeof e === 'object' && e !== null, `${at} is not an object`);
    need(Number.isInteger(e.sequence), `${at}.sequence is not an integer`);
    need(e.kind === 'full' || e.kind === 'incremental', `${at}.kind is not "full" or "incremental"`);
    need(typeof e.file === 'string' && !e.file.includes('/') && !e.file.includes('\\') && e.file !== '..', `${at}.file is not a plain file name`);
    need(typeof e.fromLsn === 'string' && /^\d+$/.test(e.fromLsn), `${at}.fromLsn is not a decimal string`);
    need(typeof e.toLsn === 'string' && /^\d+$/.test(e.toLsn), `${at}.toLsn is not a decimal string`);
    need(Number.isInteger(e.pageCount) && Number.isInteger(e.pagesCopied) && Number.isInteger(e.fileBytes), `${at} has invalid counts`);
    const checksum = e.checksum as Record<string, unknown> | undefined;
    need(checksum?.algorithm === 'crc32' && typeof checksum.value === 'string' && /^[0-9a-f]{8}$/.test(checksum.value), `${at}.checksum is not a crc32`);
    need(typeof e.snapshotAt === 'string' && !Number.isNaN(Date.parse(e.snapshotAt)), `${at}.snapshotAt is not an ISO time`);
  }
  return m as unknown as BackupManifest;
}

function corrupt(path: string, what: string): OperationError {
  return new OperationError('BACKUP_CORRUPT', `backup manifest ${path} ${what}`, { file: path });
}
