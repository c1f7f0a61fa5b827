// The common page format: every page of the database file and every page image in a
// WAL frame carries this header and trailer.
//
// PAGE LAYOUT (all integers big-endian)
//
//   offset        size  type  meaning
//   0             1     u8    page type (PAGE_TYPE below); 0 is invalid, so a zeroed page is caught
//   1             1     u8    flags: bit 0 = content encrypted (AES-256-GCM, see trailer)
//   2             2     u16   reserved, 0
//   4             4     u32   page number: where this image belongs (catches misdirected writes)
//   8             8     u64   LSN of the transaction that last changed the page
//   16            4     u32   CRC-32 (zlib.crc32) of bytes [0,16) followed by [20,pageSize)
//   20            4     u32   reserved, 0
//   24            ...         content: PAGE_HEADER_BYTES .. pageSize - PAGE_TRAILER_BYTES
//   pageSize-32   12          encryption nonce (zero when not encrypted)
//   pageSize-20   16          encryption tag   (zero when not encrypted)
//   pageSize-4    4           reserved, 0
//
// The trailer is reserved on every page, encrypted or not, so turning encryption on never
// changes where content lives. The checksum covers the trailer too.
//
// Invariants:
//  (P1) A page image is used only after verifyPage() accepted it: checksum, type ≠ 0 and
//       page number all match. Otherwise CorruptionError names the page and the file.
//  (P2) Only the pager writes the header fields number, LSN and checksum (sealPage at commit);
//       structures own the type byte and the content.

import { crc32 } from 'node:zlib';
import { CorruptionError } from '../errors.js';
import { crcOfZeros } from './crc.js';
import type { Lsn, PageId } from './types.js';

export const PAGE_HEADER_BYTES = 24;
export const PAGE_TRAILER_BYTES = 32;

export const OFFSET_TYPE = 0;
export const OFFSET_FLAGS = 1;
export const OFFSET_NUMBER = 4;
export const OFFSET_LSN = 8;
export const OFFSET_CHECKSUM = 16;

export const FLAG_ENCRYPTED = 0x01;

/** Page types. Numbers are part of the file format: never reuse one. */
export const PAGE_TYPE = {
  INVALID: 0,
  META: 1,
  FREELIST_TRUNK: 2,
  BTREE_LEAF: 3,
  BTREE_INTERNAL: 4,
  OVERFLOW: 5,
} as const;
export type PageType = (typeof PAGE_TYPE)[keyof typeof PAGE_TYPE];

const PAGE_TYPE_NAMES: Record<number, string> = {
  0: 'invalid',
  1: 'meta',
  2: 'freelist-trunk',
  3: 'btree-leaf',
  4: 'btree-internal',
  5: 'overflow',
};

export function pageTypeName(type: number): string {
  return PAGE_TYPE_NAMES[type] ?? `unknown(${type})`;
}

/** Bytes of a page that structures may use. */
export function usableBytes(pageSizeBytes: number): number {
  return pageSizeBytes - PAGE_HEADER_BYTES - PAGE_TRAILER_BYTES;
}

function view(page: Uint8Array): DataView {
  return new DataView(page.buffer, page.byteOffset, page.byteLength);
}

export function getPageType(page: Uint8Array): number {
  return page[OFFSET_TYPE]!;
}

export function setPageType(page: Uint8Array, type: PageType): void {
  page[OFFSET_TYPE] = type;
}

export function getPageNumber(page: Uint8Array): PageId {
  return view(page).getUint32(OFFSET_NUMBER);
}

export function getPageLsn(page: Uint8Array): Lsn {
  return view(page).getBigUint64(OFFSET_LSN);
}

/**
 * CRC-32 over the whole page except the checksum field itself. A run [holeStart, holeStart +
 * holeLength) the caller knows is zeros (holeStart ≥ 20) is not read: crc.ts crcOfZeros.
 */
export function computePageChecksum(page: Uint8Array, holeStart = 0, holeLength = 0): number {
  const head = crc32(page.subarray(0, OFFSET_CHECKSUM));
  if (holeLength === 0) return crc32(page.subarray(OFFSET_CHECKSUM + 4), head);
  const beforeHole = crc32(page.subarray(OFFSET_CHECKSUM + 4, holeStart), head);
  return crc32(page.subarray(holeStart + holeLength), crcOfZeros(beforeHole, holeLength));
}

/**
 * Stamp number and LSN and seal the page with its checksum (pager only, invariant P2). The
 * caller may name a run [holeStart, holeStart + holeLength) it has just zeroed (free-space.ts
 * clearHole): the checksum is the same, computed without reading the zeros (crc.ts).
 */
export function sealPage(page: Uint8Array, pageId: PageId, lsn: Lsn, holeStart = 0, holeLength = 0): void {
  const v = view(page);
  v.setUint32(OFFSET_NUMBER, pageId);
  v.setBigUint64(OFFSET_LSN, BigInt(lsn));
  v.setUint32(OFFSET_CHECKSUM, computePageChecksum(page, holeStart, holeLength));
}

/** Recompute only the checksum (after a change that keeps number and LSN). */
export function resealPage(page: Uint8Array): void {
  view(page).setUint32(OFFSET_CHECKSUM, computePageChecksum(page));
}

/** Why a page image is not usable, or null when it is (invariant P1). */
export function pageProblem(page: Uint8Array, expected: PageId): string | null {
  const stored = view(page).getUint32(OFFSET_CHECKSUM);
  const actual = computePageChecksum(page);
  if (stored !== actual) {
    const allZero = page.every((b) => b === 0);
    return allZero ? 'page is all zeros' : `checksum mismatch (stored ${hex32(stored)}, computed ${hex32(actual)})`;
  }
  if (page[OFFSET_TYPE] === PAGE_TYPE.INVALID) return 'page type is 0 (invalid)';
  const number = getPageNumber(page);
  if (number !== expected) return `page holds the image of page ${number}`;
  return null;
}

/** Throw CorruptionError naming page and file unless the image passes (invariant P1). */
export function verifyPage(page: Uint8Array, expected: PageId, file: string): void {
  const problem = pageProblem(page, expected);
  if (problem !== null) {
    throw new CorruptionError(`page ${expected} of ${file} is corrupt: ${problem}`, { pageNumber: expected, file, problem });
  }
}

function hex32(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}
