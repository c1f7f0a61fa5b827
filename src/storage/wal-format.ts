// WAL FILE FORMAT (`<db>-wal`), after the comment at the top of SQLite's src/wal.c.
//
// The WAL is a header followed by zero or more frames. Each frame holds one page image,
// without the image's hole (below). All integers are big-endian.
//
// WAL HEADER (WAL_HEADER_BYTES = 48)
//   offset  size  type  meaning
//   0       4     u32   magic 0x4f4d574c ("OMWL")
//   4       4     u32   WAL format version (WAL_FORMAT_VERSION)
//   8       4     u32   page size in bytes (equals the database's)
//   12      4     u32   checkpoint sequence: +1 each time the log restarts
//   16      4     u32   salt-1, random at each restart, never 0 (a zero frame never matches)
//   20      4     u32   salt-2, random at each restart
//   24      8     u64   sequence base: frame i of the log holds global frame sequence base + i + 1
//   32      12          reserved, 0
//   44      4     u32   CRC-32 of bytes [0, 44)
//
// FRAME (FRAME_HEADER_BYTES = 40, then pageSize − hole length bytes of page image)
//   offset  size  type  meaning
//   0       4     u32   page number
//   4       4     u32   commit marker: database size in pages after the commit for the last
//                       frame of a transaction, 0 for every other frame
//   8       8     u64   LSN of the transaction that wrote the frame
//   16      8     u64   commit time, ms since the epoch (commit frames; 0 otherwise)
//   24      4     u32   salt-1, copied from the header
//   28      4     u32   salt-2, copied from the header
//   32      4     u32   running checksum: CRC-32 of frame bytes [0, 32) followed by the whole
//                       page image, hole included, seeded with the previous frame's running
//                       checksum (the header's CRC for the first frame)
//   36      2     u16   hole start: first byte of the image left out of the frame
//   38      2     u16   hole length, 0 when the whole image follows
//   40      ...         the image's bytes [0, hole start), then [hole start + hole length, pageSize)
//
// THE HOLE (free-space.ts): the unused run of bytes in the middle of a page, which the pager
// zeroes when it seals the page. A frame leaves it out and a reader puts zeros back, so a
// commit that touches a few sparse pages (the meta page is 93% hole) writes a few KiB, not a
// full page each. The checksum covers the rebuilt image, so a damaged hole field fails it
// like any other damaged byte. Frames therefore differ in length: a log is read in order, and
// the WAL's index keeps where each frame starts. Version 1 logs wrote 0 where the hole fields
// are now, so they read as version 2 logs whose frames have no hole; a version 1 log that is
// recovered goes on without holes until it restarts (wal.ts), so it stays a version 1 log.
//
// WHEN IS A FRAME VALID (CONVENTIONS §3)
//   A frame is valid when (a) its salts equal the header's, (b) its hole lies inside the page's
//   content and the frame's bytes are all in the file, (c) its running checksum matches and
//   (d) the page image names the same page number as the frame. Recovery reads frames in
//   order and stops at the first frame that is not valid: everything after it is ignored
//   (a torn tail after a crash is normal, not an error). Of the valid frames only those up to
//   and including the last commit frame are replayed; valid frames of a transaction whose
//   commit frame never made it are discarded.
//
// Why salts: after a restart the log is overwritten from the start without being truncated.
// Frames left over from the previous generation carry the old salts and so end the log.
// The file may also end in zero-filled frames the log preallocated (wal.ts W7): salt-1 of a
// generation is never 0, so a zero frame ends the log the same way; recovery reports it as
// 'preallocated' space, not as invalid frames. A header that is all zeros (a preallocation
// whose header sync never returned) counts as an empty log.
// Why a running checksum: a frame rewritten by a later transaction breaks the chain for every
// old frame after it, so no stale frame can be mistaken for part of the current log.

import { crc32 } from 'node:zlib';
import { applyOperator, crcOfBytes, operatorTable, shiftOperator } from './crc.js';
import { OFFSET_CHECKSUM, PAGE_HEADER_BYTES, pageProblem } from './page.js';

export const WAL_MAGIC = 0x4f4d574c;
export const WAL_FORMAT_VERSION = 2;
/** Version 1 frames are version 2 frames without a hole. */
const READABLE_VERSIONS = [1, 2];
export const WAL_HEADER_BYTES = 48;
export const FRAME_HEADER_BYTES = 40;

export interface WalHeader {
  /** WAL_FORMAT_VERSION of the writer that began the log (decoded headers only). */
  version?: number;
  pageSizeBytes: number;
  checkpointSequence: number;
  salt1: number;
  salt2: number;
  /** Global frame sequence number of slot 0, minus one. */
  sequenceBase: number;
  /** CRC-32 of the header: the seed of the first frame's running checksum. */
  checksum: number;
}

export interface FrameHeader {
  pageNumber: number;
  /** Database size in pages after commit, for a commit frame; 0 otherwise. */
  commitPageCount: number;
  lsn: bigint;
  commitTimeMs: number;
  salt1: number;
  salt2: number;
  checksum: number;
  /** The hole left out of the frame (start, length; length 0: none). */
  holeStart: number;
  holeLength: number;
}

/** What an encoder is given: the header's fields but the checksum, the hole optional (none). */
export type FrameFields = Omit<FrameHeader, 'checksum' | 'holeStart' | 'holeLength'> & { holeStart?: number; holeLength?: number };

function dv(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Bytes of the longest frame: a page without a hole. */
export function frameBytes(pageSizeBytes: number): number {
  return FRAME_HEADER_BYTES + pageSizeBytes;
}

/** Bytes of a frame whose page has a hole of `holeLength` bytes. */
export function frameLength(pageSizeBytes: number, holeLength: number): number {
  return FRAME_HEADER_BYTES + pageSizeBytes - holeLength;
}

/** Encode a header into `out` (WAL_HEADER_BYTES) and return its checksum. */
export function encodeWalHeader(out: Uint8Array, header: Omit<WalHeader, 'checksum'>): number {
  out.fill(0, 0, WAL_HEADER_BYTES);
  const v = dv(out);
  v.setUint32(0, WAL_MAGIC);
  v.setUint32(4, WAL_FORMAT_VERSION);
  v.setUint32(8, header.pageSizeBytes);
  v.setUint32(12, header.checkpointSequence >>> 0);
  v.setUint32(16, header.salt1 >>> 0);
  v.setUint32(20, header.salt2 >>> 0);
  v.setBigUint64(24, BigInt(header.sequenceBase));
  const checksum = crc32(out.subarray(0, 44));
  v.setUint32(44, checksum);
  return checksum;
}

/** Decode a header, or say why it is not a valid one. */
export function decodeWalHeader(bytes: Uint8Array): WalHeader | { problem: string } {
  if (bytes.length < WAL_HEADER_BYTES) return { problem: 'header is shorter than 48 bytes' };
  const v = dv(bytes);
  if (v.getUint32(0) !== WAL_MAGIC) return { problem: 'bad magic' };
  if (!READABLE_VERSIONS.includes(v.getUint32(4))) return { problem: `unsupported WAL version ${v.getUint32(4)}` };
  const checksum = crc32(bytes.subarray(0, 44));
  if (v.getUint32(44) !== checksum) return { problem: 'header checksum mismatch' };
  return {
    version: v.getUint32(4),
    pageSizeBytes: v.getUint32(8),
    checkpointSequence: v.getUint32(12),
    salt1: v.getUint32(16),
    salt2: v.getUint32(20),
    sequenceBase: Number(v.getBigUint64(24)),
    checksum,
  };
}

/** The frame header's fields but the checksum, into `out[0, FRAME_HEADER_BYTES)`; the view to finish it with. */
function writeFrameFields(out: Uint8Array, frame: FrameFields): DataView {
  const v = dv(out);
  v.setUint32(0, frame.pageNumber);
  v.setUint32(4, frame.commitPageCount);
  v.setBigUint64(8, frame.lsn);
  v.setBigUint64(16, BigInt(frame.commitTimeMs));
  v.setUint32(24, frame.salt1 >>> 0);
  v.setUint32(28, frame.salt2 >>> 0);
  v.setUint16(36, frame.holeStart ?? 0);
  v.setUint16(38, frame.holeLength ?? 0);
  return v;
}

/**
 * Encode a frame header into `out[0, FRAME_HEADER_BYTES)` for the whole page image `page`
 * and return the new running checksum (seeded with `previousChecksum`). The reference that
 * encodeSealedFrame is tested against.
 */
export function encodeFrame(
  out: Uint8Array,
  frame: FrameFields,
  page: Uint8Array,
  previousChecksum: number,
): number {
  const v = writeFrameFields(out, frame);
  const checksum = crc32(page, crc32(out.subarray(0, 32), previousChecksum));
  v.setUint32(32, checksum);
  return checksum;
}

/**
 * encodeFrame for a sealed page image (page.ts P2: its checksum field holds the CRC-32 of
 * the page without that field), with the same bytes and result, but without reading the
 * page a second time: the commit path has just computed that checksum in sealPage, and a
 * CRC of a concatenation follows from the CRCs of its parts (zlib's crc32_combine), so
 *   crc(page) = crc(A ‖ B ‖ C)  with A = [0,16), B = the checksum field, C = [20, pageSize)
 *             = X_C·(X_4·crc(A) ⊕ crc(B) ⊕ crc(A)) ⊕ stored      (stored = crc(A ‖ C))
 *   running   = X_P·crc(header [0,32) after previousChecksum) ⊕ crc(page)
 * where X_n multiplies by x^(8n) modulo the CRC polynomial. Saves one CRC pass over 8 KiB per
 * frame; test/storage/wal-format-crc.test.ts checks it against encodeFrame.
 */
export function encodeSealedFrame(
  out: Uint8Array,
  frame: FrameFields,
  page: Uint8Array,
  previousChecksum: number,
): number {
  const v = writeFrameFields(out, frame);
  const ops = crcOperatorsFor(page.length);
  const crcA = crcOfBytes(page, 0, OFFSET_CHECKSUM, 0);
  const crcB = crcOfBytes(page, OFFSET_CHECKSUM, OFFSET_CHECKSUM + 4, 0);
  const stored = dv(page).getUint32(OFFSET_CHECKSUM);
  const pageCrc = (applyOperator(ops.afterContent, (applyOperator(ops.afterField, crcA) ^ crcB ^ crcA) >>> 0) ^ stored) >>> 0;
  const headerCrc = crcOfBytes(out, 0, 32, previousChecksum);
  const checksum = (applyOperator(ops.afterPage, headerCrc) ^ pageCrc) >>> 0;
  v.setUint32(32, checksum);
  return checksum;
}

/** Operator tables of one page size: shift past the checksum field, the content, a page. */
interface CrcOperators {
  afterField: Uint32Array;
  afterContent: Uint32Array;
  afterPage: Uint32Array;
}

const crcOperators = new Map<number, CrcOperators>();

function crcOperatorsFor(pageSizeBytes: number): CrcOperators {
  let ops = crcOperators.get(pageSizeBytes);
  if (ops === undefined) {
    ops = {
      afterField: operatorTable(shiftOperator(4)),
      afterContent: operatorTable(shiftOperator(pageSizeBytes - OFFSET_CHECKSUM - 4)),
      afterPage: operatorTable(shiftOperator(pageSizeBytes)),
    };
    crcOperators.set(pageSizeBytes, ops);
  }
  return ops;
}

/** Decode the header of a frame whose bytes (header + page) are in `bytes`. */
export function decodeFrameHeader(bytes: Uint8Array): FrameHeader {
  const v = dv(bytes);
  return {
    pageNumber: v.getUint32(0),
    commitPageCount: v.getUint32(4),
    lsn: v.getBigUint64(8),
    commitTimeMs: Number(v.getBigUint64(16)),
    salt1: v.getUint32(24),
    salt2: v.getUint32(28),
    checksum: v.getUint32(32),
    holeStart: v.getUint16(36),
    holeLength: v.getUint16(38),
  };
}

/** Running checksum of a frame: its header bytes [0,32), then the whole page image. */
export function frameChecksum(frameHeader: Uint8Array, page: Uint8Array, previousChecksum: number): number {
  return crc32(page, crc32(frameHeader.subarray(0, 32), previousChecksum));
}

/** True when a frame's hole fits the content of a page of `pageSizeBytes`. */
function holeFits(header: FrameHeader, pageSizeBytes: number): boolean {
  return header.holeLength === 0 || (header.holeStart >= PAGE_HEADER_BYTES && header.holeStart + header.holeLength <= pageSizeBytes);
}

/**
 * Validity (b) of a frame whose first `bytesRead` bytes are in `frame`, then its image rebuilt
 * into `page`: 'hole' when the hole does not fit the page, 'short' when the frame's bytes are
 * not all there, else 'ok'. Every reader of frames goes through here.
 */
export function unpackFrame(frame: Uint8Array, header: FrameHeader, bytesRead: number, page: Uint8Array): 'ok' | 'hole' | 'short' {
  if (!holeFits(header, page.length)) return 'hole';
  if (frameLength(page.length, header.holeLength) > bytesRead) return 'short';
  unpackImage(frame, header, page);
  return 'ok';
}

/** Copy `page` without its hole into `out` at `at` (the bytes after a frame header). */
export function packImage(out: Uint8Array, at: number, page: Uint8Array, holeStart: number, holeLength: number): void {
  if (holeLength === 0) {
    out.set(page, at);
    return;
  }
  out.set(page.subarray(0, holeStart), at);
  out.set(page.subarray(holeStart + holeLength), at + holeStart);
}

/** Rebuild the page image of a frame (`frame`: its header and stored bytes) into `page`. */
export function unpackImage(frame: Uint8Array, header: FrameHeader, page: Uint8Array): void {
  const { holeStart, holeLength } = header;
  const stored = page.length - holeLength;
  if (holeLength === 0) {
    page.set(frame.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + stored));
    return;
  }
  page.set(frame.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + holeStart));
  page.fill(0, holeStart, holeStart + holeLength);
  page.set(frame.subarray(FRAME_HEADER_BYTES + holeStart, FRAME_HEADER_BYTES + stored), holeStart + holeLength);
}

/** Why a walk over a log's frames stopped. */
export type FrameWalkEnd = 'end-of-file' | 'preallocated' | 'stale-salt' | 'checksum-mismatch' | 'page-mismatch';

/**
 * Reads the valid frames of a log in order, from its first (WHEN IS A FRAME VALID): recovery,
 * salvage and the offline key lookup all walk a log this way. After next() returns true,
 * `header`, `page` (a reused buffer) and `offset` describe the frame; after it returns false,
 * `end` says why the log ends at `offset`.
 */
export class FrameWalker {
  /** File offset of the current frame (after next() → false: where the log ends). */
  offset = WAL_HEADER_BYTES;
  /** Index of the current frame in the log. */
  index = -1;
  header: FrameHeader | null = null;
  readonly page: Uint8Array;
  end: FrameWalkEnd | null = null;
  private checksum: number;
  private nextOffset = WAL_HEADER_BYTES;
  private readonly frame: Uint8Array;

  constructor(
    private readonly read: (into: Uint8Array, length: number, position: number) => number,
    private readonly fileSize: number,
    private readonly walHeader: WalHeader,
  ) {
    this.checksum = walHeader.checksum;
    this.page = new Uint8Array(walHeader.pageSizeBytes);
    this.frame = new Uint8Array(frameBytes(walHeader.pageSizeBytes));
  }

  /** Running checksum after the current frame (the header's before the first). */
  get runningChecksum(): number {
    return this.checksum;
  }

  /** Offset just past the current frame. */
  get frameEnd(): number {
    return this.nextOffset;
  }

  next(): boolean {
    if (this.end !== null) return false;
    this.offset = this.nextOffset;
    const pageSizeBytes = this.walHeader.pageSizeBytes;
    const available = Math.min(this.frame.length, this.fileSize - this.offset);
    if (available < FRAME_HEADER_BYTES) return this.stop('end-of-file');
    this.read(this.frame, available, this.offset);
    const header = decodeFrameHeader(this.frame);
    if (header.salt1 !== this.walHeader.salt1 || header.salt2 !== this.walHeader.salt2) {
      // Salt-1 is never 0: a zero frame is preallocated space (wal.ts W7).
      return this.stop(header.salt1 === 0 && isZero(this.frame, FRAME_HEADER_BYTES) ? 'preallocated' : 'stale-salt');
    }
    const unpacked = unpackFrame(this.frame, header, available, this.page);
    if (unpacked !== 'ok') return this.stop(unpacked === 'hole' ? 'checksum-mismatch' : 'end-of-file');
    const checksum = frameChecksum(this.frame, this.page, this.checksum);
    if (checksum !== header.checksum) return this.stop('checksum-mismatch');
    if (pageProblem(this.page, header.pageNumber) !== null) return this.stop('page-mismatch');
    this.checksum = checksum;
    this.header = header;
    this.index++;
    this.nextOffset = this.offset + frameLength(pageSizeBytes, header.holeLength);
    return true;
  }

  private stop(end: FrameWalkEnd): boolean {
    this.end = end;
    this.header = null;
    return false;
  }
}

export function isZero(bytes: Uint8Array, length: number): boolean {
  for (let i = 0; i < length; i++) if (bytes[i] !== 0) return false;
  return true;
}
