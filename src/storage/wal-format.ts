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
//   16      4     u32   salt-1, random at each restart
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
// Why a running checksum: a frame rewritten by a later transaction breaks the chain for every
// old frame after it, so no stale frame can be mistaken for part of the current log.

import { crc32 } from 'node:zlib';

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
  const v = dv(out);
  v.setUint32(0, frame.pageNumber);
  v.setUint32(4, frame.commitPageCount);
  v.setBigUint64(8, frame.lsn);
  v.setBigUint64(16, BigInt(frame.commitTimeMs));
  v.setUint32(24, frame.salt1 >>> 0);
  v.setUint32(28, frame.salt2 >>> 0);
  v.setUint32(36, 0);
  const checksum = crc32(page, crc32(out.subarray(0, 32), previousChecksum));
  v.setUint32(32, checksum);
  return checksum;
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
