// WAL ARCHIVE SEGMENT FORMAT (`<walArchiveDir>/<first LSN, 20 digits>.owa`)
//
// The archive keeps every committed transaction of the database's history, in LSN order,
// for point-in-time restore (restore.ts). A segment is a header followed by records; each
// record holds one page image. Records come in GROUPS: the frames of one transaction, or the
// pages of one IMAGE (the whole database as of one LSN, written where the log alone cannot
// continue the history: after a compaction rewrote every page, or to bridge a gap).
// All integers big-endian.
//
// SEGMENT HEADER (SEGMENT_HEADER_BYTES = 64)
//   offset  size  type   meaning
//   0       8     bytes  magic "OMBRAWA\0"
//   8       4     u32    archive format version (ARCHIVE_FORMAT_VERSION)
//   12      4     u32    page size in bytes
//   16      16    bytes  database id (meta.ts): an archive belongs to one database
//   32      8     u64    LSN of the first group in the segment
//   40      8     u64    created at, ms since the epoch
//   48      12           reserved, 0
//   60      4     u32    CRC-32 of bytes [0, 60)
//
// RECORD (RECORD_HEADER_BYTES = 40, then page size bytes)
//   0       1     u8     kind: 1 = transaction frame, 2 = image page (0 invalid)
//   1       3            reserved, 0
//   4       4     u32    page number
//   8       4     u32    end marker: database size in pages on the last record of a group, 0 otherwise
//   12      4            reserved, 0
//   16      8     u64    LSN of the group (the transaction's; the image's "as of" LSN)
//   24      8     u64    commit time of the group, ms since the epoch (on every record)
//   32      4     u32    running checksum: CRC-32 of bytes [0, 32) and the page image, seeded
//                        with the previous record's checksum (the header's CRC for the first)
//   36      4            reserved, 0
//   40      ps    bytes  stored page image (page.ts; encrypted pages stay encrypted)
//
// WHEN IS A RECORD VALID (as for WAL frames, wal-format.ts)
//   Its running checksum matches, its kind is known, all records of a group share kind and
//   LSN, and the page image passes its own check for that page number. A reader stops at the
//   first invalid record; only groups whose end record is valid count. In the newest segment
//   an invalid tail is a torn append (the archiver cuts it off when it next opens); in any
//   other segment it is corruption.
//
// Invariants:
//  (A1) Groups appear in strictly increasing LSN order across segments (names sort by LSN).
//  (A2) A transaction group follows the previous group's LSN by exactly one; an image group
//       may jump ahead (it needs nothing before it).
//  (A3) Only durable commits are archived, so the archive never holds a transaction the
//       database could still lose.

import { crc32 } from 'node:zlib';
import { pageProblem } from '../storage/page.js';
import type { FileHandle } from '../storage/types.js';

export const SEGMENT_MAGIC = Uint8Array.from([0x4f, 0x4d, 0x42, 0x52, 0x41, 0x57, 0x41, 0x00]); // "OMBRAWA\0"
export const ARCHIVE_FORMAT_VERSION = 1;
export const SEGMENT_HEADER_BYTES = 64;
export const RECORD_HEADER_BYTES = 40;
export const RECORD_KIND = { transaction: 1, image: 2 } as const;
export type ArchiveGroupKind = keyof typeof RECORD_KIND;

export interface SegmentHeader {
  pageSizeBytes: number;
  databaseId: string;
  firstLsn: bigint;
  createdAtMs: number;
  /** CRC of the header: seed of the first record's running checksum. */
  checksum: number;
}

export interface RecordHeader {
  kind: ArchiveGroupKind;
  pageNumber: number;
  endPageCount: number;
  lsn: bigint;
  commitTimeMs: number;
}

/** One complete group found in a segment. */
export interface ArchiveGroup {
  kind: ArchiveGroupKind;
  lsn: bigint;
  commitTimeMs: number;
  /** Database size in pages after the group. */
  pageCount: number;
  /** Segment file name and byte offset of the group's first record. */
  segment: string;
  offset: number;
  records: number;
}

export interface SegmentScan {
  header: SegmentHeader | null;
  /** Why the header is unusable, when it is. */
  headerProblem: string | null;
  groups: ArchiveGroup[];
  /** Offset just past the last complete group (where the next append goes). */
  validEnd: number;
  /** Running checksum at validEnd. */
  checksumAtEnd: number;
  fileBytes: number;
  /** Why reading stopped before the end of the file, or null when it reached the end cleanly. */
  tailProblem: string | null;
}

function dv(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function recordBytes(pageSizeBytes: number): number {
  return RECORD_HEADER_BYTES + pageSizeBytes;
}

export function segmentFileName(firstLsn: bigint): string {
  return `${firstLsn.toString().padStart(20, '0')}.owa`;
}

export function isSegmentFileName(name: string): boolean {
  return /^\d{20}\.owa$/.test(name);
}

export function encodeSegmentHeader(header: Omit<SegmentHeader, 'checksum'>): { bytes: Uint8Array; checksum: number } {
  const out = new Uint8Array(SEGMENT_HEADER_BYTES);
  const v = dv(out);
  out.set(SEGMENT_MAGIC, 0);
  v.setUint32(8, ARCHIVE_FORMAT_VERSION);
  v.setUint32(12, header.pageSizeBytes);
  out.set(Buffer.from(header.databaseId, 'hex'), 16);
  v.setBigUint64(32, header.firstLsn);
  v.setBigUint64(40, BigInt(Math.max(0, Math.floor(header.createdAtMs))));
  const checksum = crc32(out.subarray(0, 60));
  v.setUint32(60, checksum);
  return { bytes: out, checksum };
}

export function decodeSegmentHeader(bytes: Uint8Array): SegmentHeader | { problem: string } {
  if (bytes.length < SEGMENT_HEADER_BYTES) return { problem: 'shorter than a segment header' };
  for (let i = 0; i < SEGMENT_MAGIC.length; i++) if (bytes[i] !== SEGMENT_MAGIC[i]) return { problem: 'not a WAL archive segment (bad magic)' };
  const v = dv(bytes);
  const checksum = crc32(bytes.subarray(0, 60));
  if (v.getUint32(60) !== checksum) return { problem: 'segment header checksum mismatch' };
  if (v.getUint32(8) !== ARCHIVE_FORMAT_VERSION) return { problem: `archive format version ${v.getUint32(8)} is not supported` };
  return {
    pageSizeBytes: v.getUint32(12),
    databaseId: Buffer.from(bytes.subarray(16, 32)).toString('hex'),
    firstLsn: v.getBigUint64(32),
    createdAtMs: Number(v.getBigUint64(40)),
    checksum,
  };
}

/**
 * Encode a record into `out` (recordBytes long): header fields, the page image, and the
 * running checksum seeded with `previousChecksum`. Returns the new running checksum.
 */
export function encodeRecord(out: Uint8Array, record: RecordHeader, page: Uint8Array, previousChecksum: number): number {
  out.fill(0, 0, RECORD_HEADER_BYTES);
  const v = dv(out);
  out[0] = RECORD_KIND[record.kind];
  v.setUint32(4, record.pageNumber);
  v.setUint32(8, record.endPageCount);
  v.setBigUint64(16, record.lsn);
  v.setBigUint64(24, BigInt(Math.max(0, Math.floor(record.commitTimeMs))));
  out.set(page, RECORD_HEADER_BYTES);
  const checksum = crc32(page, crc32(out.subarray(0, 32), previousChecksum));
  v.setUint32(32, checksum);
  return checksum;
}

export function decodeRecordHeader(bytes: Uint8Array): RecordHeader & { kindCode: number; checksum: number } {
  const v = dv(bytes);
  const kindCode = bytes[0]!;
  return {
    kindCode,
    kind: kindCode === RECORD_KIND.image ? 'image' : 'transaction',
    pageNumber: v.getUint32(4),
    endPageCount: v.getUint32(8),
    lsn: v.getBigUint64(16),
    commitTimeMs: Number(v.getBigUint64(24)),
    checksum: v.getUint32(32),
  };
}

/**
 * Read a segment front to back and find its complete groups (validity rule above). Never
 * throws for bad content: the scan says where and why it stopped.
 */
export function scanSegment(file: FileHandle, name: string, expectedPageSizeBytes: number | null): SegmentScan {
  const fileBytes = file.size();
  const scan: SegmentScan = { header: null, headerProblem: null, groups: [], validEnd: 0, checksumAtEnd: 0, fileBytes, tailProblem: null };
  const headerBytes = new Uint8Array(SEGMENT_HEADER_BYTES);
  const got = file.read(headerBytes, 0, SEGMENT_HEADER_BYTES, 0);
  const header = got < SEGMENT_HEADER_BYTES ? { problem: `only ${got} bytes: shorter than a segment header` } : decodeSegmentHeader(headerBytes);
  if ('problem' in header) {
    scan.headerProblem = header.problem;
    return scan;
  }
  if (expectedPageSizeBytes !== null && header.pageSizeBytes !== expectedPageSizeBytes) {
    scan.headerProblem = `page size ${header.pageSizeBytes}, expected ${expectedPageSizeBytes}`;
    return scan;
  }
  scan.header = header;
  const size = recordBytes(header.pageSizeBytes);
  const record = new Uint8Array(size);
  let offset = SEGMENT_HEADER_BYTES;
  let checksum = header.checksum;
  scan.validEnd = offset;
  scan.checksumAtEnd = checksum;
  let group: ArchiveGroup | null = null;
  let previousLsn = -1n;
  while (offset + size <= fileBytes) {
    file.read(record, 0, size, offset);
    const h = decodeRecordHeader(record);
    const expected = crc32(record.subarray(RECORD_HEADER_BYTES), crc32(record.subarray(0, 32), checksum));
    let problem: string | null = null;
    if (expected !== h.checksum) problem = 'running checksum mismatch';
    else if (h.kindCode !== RECORD_KIND.transaction && h.kindCode !== RECORD_KIND.image) problem = `unknown record kind ${h.kindCode}`;
    else if (group !== null && (group.kind !== h.kind || group.lsn !== h.lsn)) problem = `record of LSN ${h.lsn} inside the group of LSN ${group.lsn}`;
    else if (group === null && h.lsn <= previousLsn) problem = `LSN ${h.lsn} does not follow LSN ${previousLsn}`;
    else {
      const pageIssue = pageProblem(record.subarray(RECORD_HEADER_BYTES), h.pageNumber);
      if (pageIssue !== null) problem = `page ${h.pageNumber}: ${pageIssue}`;
    }
    if (problem !== null) {
      scan.tailProblem = `record at offset ${offset} of ${name}: ${problem}`;
      return scan;
    }
    checksum = expected;
    if (group === null) group = { kind: h.kind, lsn: h.lsn, commitTimeMs: h.commitTimeMs, pageCount: 0, segment: name, offset, records: 0 };
    group.records++;
    offset += size;
    if (h.endPageCount !== 0) {
      group.pageCount = h.endPageCount;
      scan.groups.push(group);
      previousLsn = group.lsn;
      group = null;
      scan.validEnd = offset;
      scan.checksumAtEnd = checksum;
    }
  }
  if (group !== null) scan.tailProblem = `${name} ends inside the group of LSN ${group.lsn} (no end record)`;
  else if (offset < fileBytes) scan.tailProblem = `${name} ends with ${fileBytes - offset} bytes that do not make a whole record`;
  return scan;
}
