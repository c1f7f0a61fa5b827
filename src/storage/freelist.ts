// The free list: pages no structure uses, kept for reuse before the file grows.
//
// FREE-LIST TRUNK PAGE (page type FREELIST_TRUNK; content after the common page header)
//   offset  size    type      meaning
//   24      4       u32       next trunk page, 0 = last trunk
//   28      4       u32       n: number of leaf page ids that follow
//   32      4 × n   u32[]     leaf page ids: free pages whose content means nothing
//
// The head trunk and the total count (trunks included) live in the meta page (meta.ts).
// Like SQLite's free list, leaves are not rewritten when freed: freeing a page costs a
// 4-byte append to the head trunk. A freed page that does not fit becomes the new head trunk.
//
// Invariants:
//  (F1) Every page on the list (trunks and leaves) appears exactly once and is used by no
//       structure (check() in pager-check.ts verifies it).
//  (F2) meta.freePageCount = number of trunks + number of leaves.

import { CorruptionError } from '../errors.js';
import { getFreeList, setFreeList } from './meta.js';
import { PAGE_HEADER_BYTES, PAGE_TRAILER_BYTES, PAGE_TYPE, getPageType } from './page.js';
import type { PageId } from './types.js';

const NEXT = PAGE_HEADER_BYTES;
const COUNT = PAGE_HEADER_BYTES + 4;
const LEAVES = PAGE_HEADER_BYTES + 8;

/** What the free list needs from a write transaction. */
export interface FreeListAccess {
  readonly pageSizeBytes: number;
  /** Writable meta page of the transaction. */
  readonly meta: Uint8Array;
  read(pageId: PageId): Uint8Array;
  write(pageId: PageId): Uint8Array;
  /** Turn a page into a fresh writable image (zero-filled) without reading its old content. */
  fresh(pageId: PageId): Uint8Array;
}

export function trunkCapacity(pageSizeBytes: number): number {
  return Math.floor((pageSizeBytes - PAGE_TRAILER_BYTES - LEAVES) / 4);
}

function dv(page: Uint8Array): DataView {
  return new DataView(page.buffer, page.byteOffset, page.byteLength);
}

function readTrunk(access: FreeListAccess, pageId: PageId): Uint8Array {
  const page = access.read(pageId);
  if (getPageType(page) !== PAGE_TYPE.FREELIST_TRUNK) {
    throw new CorruptionError(`free-list trunk page ${pageId} has page type ${getPageType(page)}`, { pageNumber: pageId });
  }
  const count = dv(page).getUint32(COUNT);
  if (count > trunkCapacity(access.pageSizeBytes)) {
    throw new CorruptionError(`free-list trunk page ${pageId} claims ${count} entries`, { pageNumber: pageId });
  }
  return page;
}

/** Put `pageId` on the free list. */
export function pushFreePage(access: FreeListAccess, pageId: PageId): void {
  const { head, count } = getFreeList(access.meta);
  if (head !== 0) {
    const trunk = readTrunk(access, head);
    const n = dv(trunk).getUint32(COUNT);
    if (n < trunkCapacity(access.pageSizeBytes)) {
      const writable = access.write(head);
      const v = dv(writable);
      v.setUint32(LEAVES + n * 4, pageId);
      v.setUint32(COUNT, n + 1);
      setFreeList(access.meta, head, count + 1);
      return;
    }
  }
  const page = access.fresh(pageId);
  page[0] = PAGE_TYPE.FREELIST_TRUNK;
  const v = dv(page);
  v.setUint32(NEXT, head);
  v.setUint32(COUNT, 0);
  setFreeList(access.meta, pageId, count + 1);
}

/** Take a page off the free list, or return 0 when it is empty. */
export function popFreePage(access: FreeListAccess): PageId {
  const { head, count } = getFreeList(access.meta);
  if (head === 0) return 0;
  const trunk = readTrunk(access, head);
  const n = dv(trunk).getUint32(COUNT);
  if (n > 0) {
    const writable = access.write(head);
    const v = dv(writable);
    const leaf = v.getUint32(LEAVES + (n - 1) * 4);
    v.setUint32(COUNT, n - 1);
    setFreeList(access.meta, head, count - 1);
    return leaf;
  }
  const next = dv(trunk).getUint32(NEXT);
  setFreeList(access.meta, next, count - 1);
  return head;
}

/** Every page on the list, trunks first in each trunk's turn (for check and analysis). */
export function listFreePages(read: (pageId: PageId) => Uint8Array, meta: Uint8Array, pageSizeBytes: number): { trunks: PageId[]; leaves: PageId[] } {
  const trunks: PageId[] = [];
  const leaves: PageId[] = [];
  const seen = new Set<PageId>();
  let trunkId = getFreeList(meta).head;
  const access = { read, pageSizeBytes } as FreeListAccess;
  while (trunkId !== 0) {
    if (seen.has(trunkId)) throw new CorruptionError(`free list loops at trunk page ${trunkId}`, { pageNumber: trunkId });
    seen.add(trunkId);
    trunks.push(trunkId);
    const page = readTrunk(access, trunkId);
    const v = dv(page);
    const n = v.getUint32(COUNT);
    for (let i = 0; i < n; i++) leaves.push(v.getUint32(LEAVES + i * 4));
    trunkId = v.getUint32(NEXT);
  }
  return { trunks, leaves };
}
