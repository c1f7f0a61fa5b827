// Scratch list of cells for rebuilding B+tree nodes: a split gathers a full node plus the new
// cell, a merge or redistribution gathers two siblings (and, for internal nodes, the separator
// between them). The bytes are copied out first, so the source pages can be rewritten in place.
//
// One module-level list serves every tree: operations are synchronous and a rebuild finishes
// before the next one starts, so no allocation happens per split.

import { StorageError } from '../errors.js';
import {
  CELL_POINTER_BYTES,
  INTERNAL_CELL_HEADER_BYTES,
  LEAF_CELL_HEADER_BYTES,
  NODE_HEADER_BYTES,
  cellSize,
  copyBytes,
  initNode,
  rd16,
  setRightChild,
  wr16,
  type INTERNAL,
  type LEAF,
} from './btree-page.js';
import type { PageId } from './types.js';

export class CellList {
  buf = new Uint8Array(0);
  off = new Int32Array(0);
  len = new Int32Array(0);
  count = 0;
  /** Cell bytes held (without pointers). */
  used = 0;

  /** Empty the list, sized for two nodes of `pageSizeBytes` plus one cell. */
  reset(pageSizeBytes: number): void {
    if (this.buf.length < 3 * pageSizeBytes) {
      this.buf = new Uint8Array(3 * pageSizeBytes);
      // The smallest cell is 6 bytes + a 2-byte pointer.
      const maxCells = Math.ceil((3 * pageSizeBytes) / (INTERNAL_CELL_HEADER_BYTES + CELL_POINTER_BYTES)) + 2;
      this.off = new Int32Array(maxCells);
      this.len = new Int32Array(maxCells);
    }
    this.count = 0;
    this.used = 0;
  }

  add(src: Uint8Array, srcOff: number, length: number): void {
    const at = this.used;
    copyBytes(this.buf, at, src, srcOff, length);
    this.off[this.count] = at;
    this.len[this.count] = length;
    this.count++;
    this.used = at + length;
  }

  /** Append cells [from, to) of a node page. */
  addNodeCells(page: Uint8Array, c: number, leaf: boolean, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const off = rd16(page, c + NODE_HEADER_BYTES + 2 * i);
      this.add(page, off, cellSize(page, off, leaf));
    }
  }

  /** Bytes cells [from, to) need in a node, pointers included. */
  bytes(from: number, to: number): number {
    let total = 0;
    for (let i = from; i < to; i++) total += this.len[i]! + CELL_POINTER_BYTES;
    return total;
  }

  keyOffset(i: number, leaf: boolean): number {
    return this.off[i]! + (leaf ? LEAF_CELL_HEADER_BYTES : INTERNAL_CELL_HEADER_BYTES);
  }

  keyLength(i: number, leaf: boolean): number {
    return rd16(this.buf, this.off[i]! + (leaf ? 1 : 4));
  }
}

export const cellList = new CellList();

/** Rewrite `page` as a node holding cells [from, to) of the list, packed against E. */
export function writeNodeFromList(
  page: Uint8Array,
  type: typeof LEAF | typeof INTERNAL,
  c: number,
  e: number,
  list: CellList,
  from: number,
  to: number,
  right: PageId,
): void {
  if (list.bytes(from, to) > e - c - NODE_HEADER_BYTES) {
    throw new StorageError('INTERNAL', `B+tree rebuild would overfill a node (${to - from} cells)`, { cells: to - from });
  }
  initNode(page, type, c, e);
  let start = e;
  for (let i = from; i < to; i++) {
    const len = list.len[i]!;
    start -= len;
    copyBytes(page, start, list.buf, list.off[i]!, len);
    wr16(page, c + NODE_HEADER_BYTES + 2 * (i - from), start);
  }
  wr16(page, c, to - from);
  wr16(page, c + 2, start);
  setRightChild(page, c, right);
}

/**
 * Leaf split point k (left keeps [0, k), right gets [k, m)) that balances the bytes of the
 * two halves while both fit `capacity`.
 */
export function chooseLeafSplit(list: CellList, capacity: number): number {
  const m = list.count;
  const total = list.used + CELL_POINTER_BYTES * m;
  let left = 0;
  let best = -1;
  let bestDiff = Infinity;
  for (let k = 1; k < m; k++) {
    left += list.len[k - 1]! + CELL_POINTER_BYTES;
    const right = total - left;
    if (left > capacity) break;
    if (right > capacity) continue;
    const diff = Math.abs(left - right);
    if (diff < bestDiff) {
      bestDiff = diff;
      best = k;
    }
  }
  if (best < 0) throw new StorageError('INTERNAL', `no leaf split point fits (${m} cells, ${total} bytes)`, { cells: m, bytes: total });
  return best;
}

/**
 * Internal split point k: left keeps [0, k) with cell k's child as its rightmost child,
 * cell k's key moves up, right gets [k+1, m). Balances bytes while both fit.
 */
export function chooseInternalSplit(list: CellList, capacity: number): number {
  const m = list.count;
  const total = list.used + CELL_POINTER_BYTES * m;
  let left = 0;
  let best = -1;
  let bestDiff = Infinity;
  for (let k = 1; k < m - 1; k++) {
    left += list.len[k - 1]! + CELL_POINTER_BYTES;
    const right = total - left - (list.len[k]! + CELL_POINTER_BYTES);
    if (left > capacity) break;
    if (right > capacity) continue;
    const diff = Math.abs(left - right);
    if (diff < bestDiff) {
      bestDiff = diff;
      best = k;
    }
  }
  if (best < 0) throw new StorageError('INTERNAL', `no internal split point fits (${m} cells, ${total} bytes)`, { cells: m, bytes: total });
  return best;
}
