// WAL FILE FORMAT (`<db>-wal`), after the comment at the top of SQLite's src/wal.c.
//
// The WAL is a header followed by zero or more frames. Each frame holds one page image.
// All integers are big-endian.
//
// WAL HEADER (WAL_HEADER_BYTES = 48)
//   offset  size  type  meaning
//   0       4     u32   magic 0x4f4d574c ("OMWL")
//   4       4     u32   WAL format version (WAL_FORMAT_VERSION)
//   8       4     u32   page size in bytes (equals the database's)
//   12      4     u32   checkpoint sequence: +1 each time the log restarts
//   16      4     u32   salt-1, random at each restart, never 0 (a zero frame never matches)
//   20      4     u32   salt-2, random at each restart
//   24      8     u64   sequence base: frame slot i holds global frame sequence base + i + 1
//   32      12          reserved, 0
//   44      4     u32   CRC-32 of bytes [0, 44)
//
// FRAME (FRAME_HEADER_BYTES = 40, then pageSize bytes of page image)
//   offset  size  type  meaning
//   0       4     u32   page number
//   4       4     u32   commit marker: database size in pages after the commit for the last
//                       frame of a transaction, 0 for every other frame
//   8       8     u64   LSN of the transaction that wrote the frame
//   16      8     u64   commit time, ms since the epoch (commit frames; 0 otherwise)
//   24      4     u32   salt-1, copied from the header
//   28      4     u32   salt-2, copied from the header
//   32      4     u32   running checksum: CRC-32 of frame bytes [0, 32) followed by the page
//                       image, seeded with the previous frame's running checksum (the
//                       header's CRC for the first frame)
//   36      4           reserved, 0
//
// WHEN IS A FRAME VALID (CONVENTIONS §3)
//   A frame is valid when (a) its salts equal the header's, (b) its running checksum matches
//   and (c) the page image names the same page number as the frame. Recovery reads frames in
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
import { OFFSET_CHECKSUM } from './page.js';

export const WAL_MAGIC = 0x4f4d574c;
export const WAL_FORMAT_VERSION = 1;
export const WAL_HEADER_BYTES = 48;
export const FRAME_HEADER_BYTES = 40;

export interface WalHeader {
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
}

function dv(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function frameBytes(pageSizeBytes: number): number {
  return FRAME_HEADER_BYTES + pageSizeBytes;
}

/** File offset of frame slot `slot`. */
export function frameOffset(slot: number, pageSizeBytes: number): number {
  return WAL_HEADER_BYTES + slot * frameBytes(pageSizeBytes);
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
  if (v.getUint32(4) !== WAL_FORMAT_VERSION) return { problem: `unsupported WAL version ${v.getUint32(4)}` };
  const checksum = crc32(bytes.subarray(0, 44));
  if (v.getUint32(44) !== checksum) return { problem: 'header checksum mismatch' };
  return {
    pageSizeBytes: v.getUint32(8),
    checkpointSequence: v.getUint32(12),
    salt1: v.getUint32(16),
    salt2: v.getUint32(20),
    sequenceBase: Number(v.getBigUint64(24)),
    checksum,
  };
}

/** The frame header's fields but the checksum, into `out[0, FRAME_HEADER_BYTES)`; the view to finish it with. */
function writeFrameFields(out: Uint8Array, frame: Omit<FrameHeader, 'checksum'>): DataView {
  const v = dv(out);
  v.setUint32(0, frame.pageNumber);
  v.setUint32(4, frame.commitPageCount);
  v.setBigUint64(8, frame.lsn);
  v.setBigUint64(16, BigInt(frame.commitTimeMs));
  v.setUint32(24, frame.salt1 >>> 0);
  v.setUint32(28, frame.salt2 >>> 0);
  v.setUint32(36, 0);
  return v;
}

/**
 * Encode a frame header into `out[0, FRAME_HEADER_BYTES)` for the page image that follows it
 * in `out` and return the new running checksum (seeded with `previousChecksum`).
 */
export function encodeFrame(
  out: Uint8Array,
  frame: Omit<FrameHeader, 'checksum'>,
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
  frame: Omit<FrameHeader, 'checksum'>,
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

/** The reflected CRC-32 polynomial of zlib. */
const CRC_POLY = 0xedb88320;

/** a·b modulo the CRC polynomial (zlib multmodp); `a` is an operator x^n, never 0. */
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if ((a & m) !== 0) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = (b & 1) !== 0 ? (b >>> 1) ^ CRC_POLY : b >>> 1;
  }
  return p >>> 0;
}

/** zlib's byte-wise CRC-32 table. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? (c >>> 1) ^ CRC_POLY : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** crc32(bytes[from, to), seed) of zlib, for the few bytes where a native call costs more. */
function crcOfBytes(bytes: Uint8Array, from: number, to: number, seed: number): number {
  let c = ~seed;
  for (let i = from; i < to; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * Multiplication by a fixed operator is linear over GF(2): op·b is the XOR of op·(each byte
 * of b in place), so four 256-entry tables turn it into four lookups.
 */
function operatorTable(op: number): Uint32Array {
  const table = new Uint32Array(1024);
  for (let k = 0; k < 4; k++) for (let v = 0; v < 256; v++) table[k * 256 + v] = multModP(op, (v << (8 * k)) >>> 0);
  return table;
}

function applyOperator(table: Uint32Array, b: number): number {
  return (table[b & 0xff]! ^ table[256 + ((b >>> 8) & 0xff)]! ^ table[512 + ((b >>> 16) & 0xff)]! ^ table[768 + (b >>> 24)]!) >>> 0;
}

/** x^(8·bytes) modulo the CRC polynomial (zlib x2nmodp(bytes, 3)). */
function shiftOperator(bytes: number): number {
  let p = 0x80000000; // x^0
  let square = 0x40000000; // x^1
  for (let k = 0; k < 3; k++) square = multModP(square, square); // x^8
  for (let n = bytes; n > 0; n = Math.floor(n / 2)) {
    if (n % 2 === 1) p = multModP(square, p);
    square = multModP(square, square);
  }
  return p;
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
  };
}

/** Running checksum of a frame (header bytes [0,32) + page), seeded with the previous one. */
export function frameChecksum(frame: Uint8Array, pageSizeBytes: number, previousChecksum: number): number {
  return crc32(frame.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + pageSizeBytes), crc32(frame.subarray(0, 32), previousChecksum));
}
