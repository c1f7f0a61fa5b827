// The meta page: page 0 of the database file. It is versioned through the WAL like every
// other page, and every commit rewrites it (it carries the commit's LSN), so the newest
// committed meta page always describes the newest committed database.
//
// META PAGE CONTENT (after the common page header of page.ts; integers big-endian)
//
//   offset  size  type      meaning
//   24      8     bytes     magic "OMBRADB\0"
//   32      4     u32       format version (FORMAT_VERSION)
//   36      4     u32       page size in bytes, fixed at creation (4096..65536)
//   40      4     u32       page count: size of the database in pages, meta page included
//   44      4     u32       free list head: first free-list trunk page, 0 = empty list
//   48      4     u32       free page count (trunk pages included)
//   52      4     u32       flags: bit 0 = pages are encrypted
//   56      16    bytes     database id (random at creation; backups name their source by it)
//   72      8     u64       created at (ms since the epoch)
//   80      8     u64       last LSN: the LSN of the last committed transaction
//   88      8     u64       checkpointed at (ms), written by the checkpointer into the file copy
//   96      8     u64       checkpoint LSN, written by the checkpointer into the file copy
//   104     128   u32 × 32  root slots: root page of each named structure (ROOT_SLOT), 0 = none
//   232     256   u64 × 32  counters (COUNTER): ids and counts kept by the graph layer
//   488     64    bytes     encryption key check (salt + GCM of a known block), zero when off
//   552     ...             zero
//
// Invariants:
//  (M1) Offsets 88 and 96 are only written by the checkpointer, into the copy of page 0 it
//       writes to the database file; in WAL frames they are whatever was read and mean nothing.
//  (M2) page count ≥ 1 and every page number < page count is either reachable from a root
//       slot, on the free list, or the meta page itself (checked by check()).

import { randomBytes } from 'node:crypto';
import { CorruptionError, StorageError } from '../errors.js';
import { PAGE_HEADER_BYTES, PAGE_TYPE, setPageType } from './page.js';
import type { Lsn, PageId } from './types.js';

export const MAGIC = Uint8Array.from([0x4f, 0x4d, 0x42, 0x52, 0x41, 0x44, 0x42, 0x00]); // "OMBRADB\0"
export const FORMAT_VERSION = 1;

const O = PAGE_HEADER_BYTES;
export const META_OFFSET = {
  magic: O + 0,
  formatVersion: O + 8,
  pageSizeBytes: O + 12,
  pageCount: O + 16,
  freeListHead: O + 20,
  freePageCount: O + 24,
  flags: O + 28,
  databaseId: O + 32,
  createdAtMs: O + 48,
  lastLsn: O + 56,
  checkpointedAtMs: O + 64,
  checkpointLsn: O + 72,
  roots: O + 80,
  counters: O + 208,
  keyCheck: O + 464,
} as const;

export const ROOT_SLOT_COUNT = 32;
export const COUNTER_COUNT = 32;
export const KEY_CHECK_BYTES = 64;

/** Root slots: which named structure owns which slot. Part of the file format. */
export const ROOT_SLOT = {
  CATALOG: 0,
  NODES: 1,
  RELATIONSHIPS: 2,
  ADJACENCY_OUT: 3,
  ADJACENCY_IN: 4,
  DEGREES: 5,
  LABEL_INDEX: 6,
  PROPERTY_INDEX: 7,
  SECURITY: 8,
  /** Slots 16..31 are free for tests and future structures. */
  FIRST_SPARE: 16,
} as const;

/** Counter slots. Part of the file format. */
export const COUNTER = {
  NEXT_NODE_ID: 0,
  NEXT_RELATIONSHIP_ID: 1,
  NODE_COUNT: 2,
  RELATIONSHIP_COUNT: 3,
  NEXT_CATALOG_ID: 4,
  NEXT_INDEX_ID: 5,
  /** Bumped by every index create and drop (graph/shared.ts: key of the schema cache). */
  SCHEMA_VERSION: 6,
  FIRST_SPARE: 16,
} as const;

export const META_FLAG_ENCRYPTED = 0x01;

export interface MetaFields {
  formatVersion: number;
  pageSizeBytes: number;
  pageCount: number;
  freeListHead: PageId;
  freePageCount: number;
  flags: number;
  databaseId: string; // 32 hex digits
  createdAtMs: number;
  lastLsn: Lsn;
  checkpointedAtMs: number;
  checkpointLsn: Lsn;
}

// One DataView per meta page image, kept while the image lives: every B+tree descent reads a
// root slot, and allocating a view per read dominated those reads.
const views = new WeakMap<Uint8Array, DataView>();
function dv(page: Uint8Array): DataView {
  let view = views.get(page);
  if (view === undefined) {
    view = new DataView(page.buffer, page.byteOffset, page.byteLength);
    views.set(page, view);
  }
  return view;
}

/** A fresh meta page image for a new database (not yet sealed). */
export function initMetaPage(pageSizeBytes: number, nowMs: number = Date.now()): Uint8Array {
  const page = new Uint8Array(pageSizeBytes);
  setPageType(page, PAGE_TYPE.META);
  page.set(MAGIC, META_OFFSET.magic);
  const v = dv(page);
  v.setUint32(META_OFFSET.formatVersion, FORMAT_VERSION);
  v.setUint32(META_OFFSET.pageSizeBytes, pageSizeBytes);
  v.setUint32(META_OFFSET.pageCount, 1);
  page.set(randomBytes(16), META_OFFSET.databaseId);
  v.setBigUint64(META_OFFSET.createdAtMs, BigInt(nowMs));
  return page;
}

/** True when the bytes start like an ombra database file (magic at its place in page 0). */
export function hasMagic(page: Uint8Array): boolean {
  if (page.length < META_OFFSET.magic + MAGIC.length) return false;
  for (let i = 0; i < MAGIC.length; i++) if (page[META_OFFSET.magic + i] !== MAGIC[i]) return false;
  return true;
}

/** Page size recorded in a meta page image, read before the page can be checksummed. */
export function peekPageSize(page: Uint8Array): number {
  return dv(page).getUint32(META_OFFSET.pageSizeBytes);
}

export function readMeta(page: Uint8Array, file = 'database'): MetaFields {
  if (!hasMagic(page)) {
    throw new StorageError('NOT_A_DATABASE', `${file} is not an ombra database (bad magic in page 0)`, { file, pageNumber: 0 });
  }
  const v = dv(page);
  const formatVersion = v.getUint32(META_OFFSET.formatVersion);
  if (formatVersion !== FORMAT_VERSION) {
    throw new StorageError('FORMAT_VERSION', `${file} has format version ${formatVersion}; this ombra reads version ${FORMAT_VERSION}`, {
      file,
      formatVersion,
    });
  }
  const pageCount = v.getUint32(META_OFFSET.pageCount);
  if (pageCount < 1) throw new CorruptionError(`page 0 of ${file}: page count is 0`, { file, pageNumber: 0 });
  return {
    formatVersion,
    pageSizeBytes: v.getUint32(META_OFFSET.pageSizeBytes),
    pageCount,
    freeListHead: v.getUint32(META_OFFSET.freeListHead),
    freePageCount: v.getUint32(META_OFFSET.freePageCount),
    flags: v.getUint32(META_OFFSET.flags),
    databaseId: Buffer.from(page.subarray(META_OFFSET.databaseId, META_OFFSET.databaseId + 16)).toString('hex'),
    createdAtMs: Number(v.getBigUint64(META_OFFSET.createdAtMs)),
    lastLsn: v.getBigUint64(META_OFFSET.lastLsn),
    checkpointedAtMs: Number(v.getBigUint64(META_OFFSET.checkpointedAtMs)),
    checkpointLsn: v.getBigUint64(META_OFFSET.checkpointLsn),
  };
}

export function getPageCount(page: Uint8Array): number {
  // Byte arithmetic (big-endian, as the DataView writes it): read on every page access.
  const o = META_OFFSET.pageCount;
  return page[o]! * 0x1000000 + ((page[o + 1]! << 16) | (page[o + 2]! << 8) | page[o + 3]!);
}
export function setPageCount(page: Uint8Array, count: number): void {
  dv(page).setUint32(META_OFFSET.pageCount, count);
}
export function getFreeList(page: Uint8Array): { head: PageId; count: number } {
  const v = dv(page);
  return { head: v.getUint32(META_OFFSET.freeListHead), count: v.getUint32(META_OFFSET.freePageCount) };
}
export function setFreeList(page: Uint8Array, head: PageId, count: number): void {
  const v = dv(page);
  v.setUint32(META_OFFSET.freeListHead, head);
  v.setUint32(META_OFFSET.freePageCount, count);
}
export function getLastLsn(page: Uint8Array): Lsn {
  return dv(page).getBigUint64(META_OFFSET.lastLsn);
}
export function setLastLsn(page: Uint8Array, lsn: Lsn): void {
  dv(page).setBigUint64(META_OFFSET.lastLsn, BigInt(lsn));
}
export function setCheckpointStamp(page: Uint8Array, atMs: number, lsn: Lsn): void {
  const v = dv(page);
  v.setBigUint64(META_OFFSET.checkpointedAtMs, BigInt(Math.max(0, Math.floor(atMs))));
  v.setBigUint64(META_OFFSET.checkpointLsn, BigInt(lsn));
}

export function getRoot(page: Uint8Array, slot: number): PageId {
  checkSlot(slot, ROOT_SLOT_COUNT, 'root');
  const o = META_OFFSET.roots + slot * 4; // byte arithmetic: read by every B+tree operation
  return page[o]! * 0x1000000 + ((page[o + 1]! << 16) | (page[o + 2]! << 8) | page[o + 3]!);
}
export function setRoot(page: Uint8Array, slot: number, pageId: PageId): void {
  checkSlot(slot, ROOT_SLOT_COUNT, 'root');
  dv(page).setUint32(META_OFFSET.roots + slot * 4, pageId);
}
export function getCounter(page: Uint8Array, slot: number): bigint {
  checkSlot(slot, COUNTER_COUNT, 'counter');
  return dv(page).getBigUint64(META_OFFSET.counters + slot * 8);
}
export function setCounter(page: Uint8Array, slot: number, value: bigint): void {
  checkSlot(slot, COUNTER_COUNT, 'counter');
  dv(page).setBigUint64(META_OFFSET.counters + slot * 8, value);
}
export function getFlags(page: Uint8Array): number {
  return dv(page).getUint32(META_OFFSET.flags);
}
export function setFlags(page: Uint8Array, flags: number): void {
  dv(page).setUint32(META_OFFSET.flags, flags);
}

function checkSlot(slot: number, count: number, what: string): void {
  if (!Number.isInteger(slot) || slot < 0 || slot >= count) {
    throw new StorageError('INVALID_ARGUMENT', `${what} slot ${slot} is outside 0..${count - 1}`, { slot });
  }
}
