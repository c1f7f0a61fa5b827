// Overflow chains: a value too large to sit in its B+tree leaf cell lives in a chain of
// pages of type OVERFLOW; the leaf cell keeps the total length and the first page
// (btree-page.ts, CELL_FLAG_OVERFLOW).
//
// OVERFLOW PAGE LAYOUT (content area; integers big-endian; C = store.contentOffset)
//
//   offset   size   type   meaning
//   C+0      4      u32    next page of the chain, 0 on the last page
//   C+4      4      u32    data bytes held by this page (1 .. usableBytes − 8)
//   C+8      ...           data
//
// Invariants:
//  (O1) Every page of a chain but the last holds overflowCapacityBytes of data; the data
//       lengths add up to the value length kept in the leaf cell, and the last page's next is 0.
//  (O2) A chain belongs to exactly one leaf cell and is freed when that cell's value is
//       replaced or deleted, or the tree is dropped.
// Readers check type, lengths and chain length as they go (a chain that runs long, loops or
// ends early is corruption, named by page).

import { CorruptionError } from '../errors.js';
import { PAGE_TYPE } from './page.js';
import type { PageId, PageStore } from './types.js';
import { rd32, wr32 } from './btree-page.js';

export const OVERFLOW_HEADER_BYTES = 8;
export const OVERFLOW_OFFSET = { next: 0, length: 4, data: 8 } as const;

/** Data bytes one overflow page holds. */
export function overflowCapacityBytes(usableBytes: number): number {
  return usableBytes - OVERFLOW_HEADER_BYTES;
}

/** Pages a value of `lengthBytes` needs. */
export function overflowPageCount(lengthBytes: number, usableBytes: number): number {
  return Math.ceil(lengthBytes / overflowCapacityBytes(usableBytes));
}

/** Write `value` (non-empty) into a new chain; returns its first page. */
export function writeOverflowChain(store: PageStore, value: Uint8Array): PageId {
  const c = store.contentOffset;
  const cap = overflowCapacityBytes(store.usableBytes);
  const first = store.allocate(PAGE_TYPE.OVERFLOW);
  let id = first;
  let at = 0;
  for (;;) {
    const page = store.write(id);
    const len = Math.min(cap, value.length - at);
    wr32(page, c + OVERFLOW_OFFSET.length, len);
    page.set(value.subarray(at, at + len), c + OVERFLOW_OFFSET.data);
    at += len;
    if (at >= value.length) {
      wr32(page, c + OVERFLOW_OFFSET.next, 0);
      return first;
    }
    const next = store.allocate(PAGE_TYPE.OVERFLOW);
    // allocate may hand out a new buffer for the previous page in some stores: re-fetch.
    wr32(store.write(id), c + OVERFLOW_OFFSET.next, next);
    id = next;
  }
}

function chainError(tree: string, pageId: PageId, owner: PageId, what: string): CorruptionError {
  return new CorruptionError(`B+tree ${tree}: overflow page ${pageId} (value of leaf page ${owner}): ${what}`, {
    pageNumber: pageId,
    tree,
    leafPage: owner,
  });
}

/**
 * Visit every page of a chain of `lengthBytes`, validating as it goes (invariant O1):
 * `fn(id, page, dataOffset, dataLength)` for each. Throws CorruptionError on a bad chain.
 */
function walkChain(
  store: PageStore,
  first: PageId,
  lengthBytes: number,
  tree: string,
  owner: PageId,
  fn: (id: PageId, page: Uint8Array, dataOffset: number, dataLength: number) => void,
): void {
  const c = store.contentOffset;
  const cap = overflowCapacityBytes(store.usableBytes);
  let remaining = lengthBytes;
  let id = first;
  let pages = 0;
  const maxPages = Math.ceil(lengthBytes / cap);
  while (remaining > 0) {
    if (id === 0) throw chainError(tree, owner, owner, `chain ends ${remaining} bytes short of the ${lengthBytes}-byte value`);
    if (++pages > maxPages) throw chainError(tree, id, owner, `chain is longer than the ${maxPages} pages a ${lengthBytes}-byte value needs`);
    const page = store.read(id);
    if (page[0] !== PAGE_TYPE.OVERFLOW) throw chainError(tree, id, owner, `page type ${page[0]} is not overflow`);
    const len = rd32(page, c + OVERFLOW_OFFSET.length);
    if (len === 0 || len > cap || len > remaining) throw chainError(tree, id, owner, `data length ${len} is impossible (capacity ${cap}, ${remaining} bytes left)`);
    const next = rd32(page, c + OVERFLOW_OFFSET.next);
    fn(id, page, c + OVERFLOW_OFFSET.data, len);
    remaining -= len;
    id = next;
  }
  if (id !== 0) throw chainError(tree, id, owner, `chain continues past the end of the ${lengthBytes}-byte value`);
}

/** Read a whole overflowed value. Cost: one page read per usableBytes − 8 bytes. */
export function readOverflowChain(store: PageStore, first: PageId, lengthBytes: number, tree: string, owner: PageId): Uint8Array {
  const out = new Uint8Array(lengthBytes);
  let at = 0;
  walkChain(store, first, lengthBytes, tree, owner, (_id, page, off, len) => {
    out.set(page.subarray(off, off + len), at);
    at += len;
  });
  return out;
}

/** Free every page of a chain (invariant O2). */
export function freeOverflowChain(store: PageStore, first: PageId, lengthBytes: number, tree: string, owner: PageId): number {
  const ids: PageId[] = [];
  walkChain(store, first, lengthBytes, tree, owner, (id) => ids.push(id));
  for (const id of ids) store.free(id);
  return ids.length;
}

/** Page ids of a chain, validated (for drop, stats and visitPages). */
export function overflowChainPages(store: PageStore, first: PageId, lengthBytes: number, tree: string, owner: PageId): PageId[] {
  const ids: PageId[] = [];
  walkChain(store, first, lengthBytes, tree, owner, (id) => ids.push(id));
  return ids;
}
