// Bulk loading: build a B+tree bottom-up from entries given in strictly ascending key order,
// into a tree that is empty. The standard technique (SQLite's sorter → b-tree build, LMDB's
// MDB_APPEND): every leaf is packed full, in key order, and written once; the internal levels
// are built afterwards from the list of leaves and their separators. No descent, no search, no
// split: O(entries) byte copies. Used by bulk import, repair and salvage (src/graph/bulk-build.ts).
//
// Shape of the result (the node layout is btree-page.ts; the invariants btree.ts B1–B8):
//  - Leaves hold as many cells as fit (invariant B6 caps a cell at a quarter of a node, so every
//    leaf but possibly the last holds ≥ 4 cells); the last-insert hint of each leaf points at its
//    last cell, so later appends to the tree continue as an ascending run (btree.ts splitPoint).
//  - Between leaves i−1 and i the separator is the shortest prefix of leaf i's first key that is
//    greater than leaf i−1's last key (suffix truncation, as btree.ts buildSeparator).
//  - Internal levels are packed greedily; when packing would leave a single child for the last
//    node of a level, the node before it closes one child early, so every internal node has
//    ≥ 1 separator (B4) and the tree is balanced (B3).
//  - Values too large for a cell go to overflow chains (B7), written when the entry is added.
//
// Invariants:
//  (BL1) add() accepts a key only when it is strictly greater than the previous one (else
//        INVALID_ARGUMENT, changing nothing); finish() then yields a tree that passes check().
//  (BL2) The loader never holds a page buffer between calls: a leaf is assembled in private
//        scratch and copied into its page when it is complete. So a store that writes pages out
//        between operations (ops/bulk-file-store.ts evictIfOver) may do so between any two calls.
//
// Cost: one page allocation and one page-sized copy per leaf; internal levels add about
// 1/100 of that. The caller's keys are copied; nothing is retained.

import { StorageError } from '../errors.js';
import { BTree, type RootRef } from './btree.js';
import {
  CELL_FLAG_OVERFLOW,
  CELL_POINTER_BYTES,
  INTERNAL,
  INTERNAL_CELL_HEADER_BYTES,
  LEAF,
  LEAF_CELL_HEADER_BYTES,
  NODE_HEADER_BYTES,
  NODE_OFFSET,
  OVERFLOW_REF_BYTES,
  initNode,
  maxCellBytes,
  maxKeyBytes,
  nodeCapacityBytes,
  separatorLength,
  wr16,
  wr32,
} from './btree-page.js';
import { overflowPageCount, writeOverflowChain } from './overflow.js';
import type { PageId, PageStore } from './types.js';

const EMPTY = new Uint8Array(0);

export interface BulkLoadReport {
  entries: number;
  leafPages: number;
  internalPages: number;
  overflowPages: number;
  /** Levels, leaves included (0 for an empty tree). */
  depth: number;
}

export class BTreeBulkLoader {
  readonly name: string;
  private readonly c: number;
  private readonly e: number;
  private readonly maxCell: number;
  private readonly maxKey: number;
  /** The leaf being assembled (a page image; only [c, e) is used). */
  private readonly leaf: Uint8Array;
  private cells = 0;
  private contentStart: number;
  /** The last key of the previous leaf (separators; the order check of a leaf's first key). */
  private prev: Uint8Array;
  private prevLength = -1;
  /** Where the last key added sits in the leaf scratch, and its length. */
  private lastKeyAt = 0;
  private lastKeyLength = 0;
  /** Leaf pages written so far, and the separator before each (index 0 unused). */
  private readonly children: PageId[] = [];
  private readonly separators: Uint8Array[] = [];
  /** Separator before the leaf being assembled (set when its first key arrives). */
  private pendingSeparator: Uint8Array | null = null;
  private entries = 0;
  private overflowPages = 0;
  private finished = false;

  /** Start a bulk load of the tree rooted in `root`, which must be empty (root 0). */
  constructor(
    private readonly store: PageStore,
    private readonly root: RootRef,
    options: { name?: string } = {},
  ) {
    this.name = options.name ?? 'btree';
    if (root.get() !== 0) {
      throw new StorageError('INVALID_ARGUMENT', `B+tree ${this.name} is not empty: a bulk load builds a tree from nothing`, { tree: this.name });
    }
    this.c = store.contentOffset;
    this.e = store.contentOffset + store.usableBytes;
    this.maxCell = maxCellBytes(store.usableBytes);
    this.maxKey = maxKeyBytes(store.usableBytes);
    this.leaf = new Uint8Array(store.pageSizeBytes);
    this.contentStart = this.e;
    this.prev = new Uint8Array(64);
  }

  /** Entries added so far. */
  get count(): number {
    return this.entries;
  }

  /**
   * Append an entry; `key` (its first `keyLength` bytes, so one scratch buffer can serve every
   * call) must sort strictly after the previous one (BL1). `value` (its first `valueLength`
   * bytes) may be any length: large ones go to an overflow chain. Cost: a byte copy of the
   * cell and a comparison with the previous key; a page allocation whenever a leaf fills.
   */
  add(key: Uint8Array, value: Uint8Array = EMPTY, keyLength: number = key.length, valueLength: number = value.length): void {
    const k = keyLength;
    if (this.finished) throw new StorageError('INVALID_ARGUMENT', `bulk load of B+tree ${this.name} is finished`, { tree: this.name });
    if (k > this.maxKey) {
      throw new StorageError('KEY_TOO_LARGE', `key of ${k} bytes is larger than the ${this.maxKey}-byte limit of B+tree ${this.name} (page size ${this.store.pageSizeBytes})`, {
        keyLengthBytes: k,
        maxKeyBytes: this.maxKey,
        tree: this.name,
      });
    }
    if (this.entries > 0 && !this.greaterThanPrevious(key, k)) {
      throw new StorageError('INVALID_ARGUMENT', `bulk load of B+tree ${this.name}: keys must be added in strictly ascending order (entry ${this.entries})`, {
        tree: this.name,
        entry: this.entries,
      });
    }
    const v = valueLength;
    const inline = LEAF_CELL_HEADER_BYTES + k + v <= this.maxCell;
    const cellBytes = inline ? LEAF_CELL_HEADER_BYTES + k + v : LEAF_CELL_HEADER_BYTES + k + OVERFLOW_REF_BYTES;
    if (this.c + NODE_HEADER_BYTES + CELL_POINTER_BYTES * (this.cells + 1) > this.contentStart - cellBytes) this.flushLeaf();
    if (this.cells === 0 && this.entries > 0) this.pendingSeparator = this.separatorBefore(key, k);
    const overflowFirst = inline ? 0 : this.writeOverflow(v === value.length ? value : value.subarray(0, v));
    const page = this.leaf;
    let at = this.contentStart - cellBytes;
    this.contentStart = at;
    const ptr = this.c + NODE_HEADER_BYTES + CELL_POINTER_BYTES * this.cells;
    page[ptr] = at >>> 8;
    page[ptr + 1] = at;
    this.cells++;
    page[at] = inline ? 0 : CELL_FLAG_OVERFLOW;
    page[at + 1] = k >>> 8;
    page[at + 2] = k;
    page[at + 3] = v >>> 24;
    page[at + 4] = v >>> 16;
    page[at + 5] = v >>> 8;
    page[at + 6] = v;
    at += LEAF_CELL_HEADER_BYTES;
    this.lastKeyAt = at;
    this.lastKeyLength = k;
    if (k <= 32) for (let i = 0; i < k; i++) page[at + i] = key[i]!;
    else page.set(key.subarray(0, k), at);
    at += k;
    if (inline) {
      if (v <= 32) for (let i = 0; i < v; i++) page[at + i] = value[i]!;
      else page.set(value.subarray(0, v), at);
    } else wr32(page, at, overflowFirst);
    this.entries++;
  }

  /**
   * Write the last leaf and the internal levels, and set the root. Returns page counts.
   * An empty load leaves the tree empty (root 0, invariant B4).
   */
  finish(): BulkLoadReport {
    if (this.finished) throw new StorageError('INVALID_ARGUMENT', `bulk load of B+tree ${this.name} is finished`, { tree: this.name });
    this.finished = true;
    if (this.cells > 0) this.flushLeaf();
    const leafPages = this.children.length;
    if (leafPages === 0) return { entries: 0, leafPages: 0, internalPages: 0, overflowPages: this.overflowPages, depth: 0 };
    let level = this.children;
    let seps = this.separators;
    let internalPages = 0;
    let depth = 1;
    while (level.length > 1) {
      const built = this.buildLevel(level, seps);
      internalPages += built.children.length;
      level = built.children;
      seps = built.separators;
      depth++;
    }
    this.root.set(level[0]!);
    // Cursors over this store re-seek after any change (btree.ts B9).
    new BTree(this.store, this.root, { name: this.name }).epoch.value++;
    return { entries: this.entries, leafPages, internalPages, overflowPages: this.overflowPages, depth };
  }

  // ── internals ──────────────────────────────────────────────────────────────

  /** Compare with the previous key: the leaf's last cell, or the last key of the previous leaf. */
  private greaterThanPrevious(key: Uint8Array, k: number): boolean {
    const inLeaf = this.cells > 0;
    const p = inLeaf ? this.leaf : this.prev;
    const at = inLeaf ? this.lastKeyAt : 0;
    const pl = inLeaf ? this.lastKeyLength : this.prevLength;
    const n = k < pl ? k : pl;
    for (let i = 0; i < n; i++) {
      const d = key[i]! - p[at + i]!;
      if (d !== 0) return d > 0;
    }
    return k > pl;
  }

  /** Shortest prefix of `key` greater than the previous key. */
  private separatorBefore(key: Uint8Array, k: number): Uint8Array {
    const p = this.prev;
    return key.slice(0, separatorLength(p, 0, this.prevLength, key, 0, k));
  }

  private writeOverflow(value: Uint8Array): PageId {
    this.overflowPages += overflowPageCount(value.length, this.store.usableBytes);
    return writeOverflowChain(this.store, value);
  }

  /** Copy the assembled leaf into a new page (BL2) and start the next one. */
  private flushLeaf(): void {
    const { c, e } = this;
    const src = this.leaf;
    src[0] = LEAF;
    wr16(src, c + NODE_OFFSET.cellCount, this.cells);
    wr16(src, c + NODE_OFFSET.cellContentStart, this.contentStart);
    wr16(src, c + NODE_OFFSET.fragmentedBytes, 0);
    wr16(src, c + NODE_OFFSET.lastInsert, this.cells); // 1 + index of the last cell
    wr32(src, c + NODE_OFFSET.rightChild, 0);
    const id = this.store.allocate(LEAF);
    const page = this.store.write(id);
    page[0] = LEAF;
    page.set(src.subarray(c, c + NODE_HEADER_BYTES + CELL_POINTER_BYTES * this.cells), c);
    page.set(src.subarray(this.contentStart, e), this.contentStart);
    if (this.children.length > 0) this.separators[this.children.length] = this.pendingSeparator!;
    this.children.push(id);
    // The leaf's last key: the next leaf's separator is computed against it.
    const k = this.lastKeyLength;
    if (this.prev.length < k) this.prev = new Uint8Array(Math.max(k, this.prev.length * 2));
    this.prev.set(src.subarray(this.lastKeyAt, this.lastKeyAt + k));
    this.prevLength = k;
    this.cells = 0;
    this.contentStart = e;
    this.pendingSeparator = null;
  }

  /**
   * One internal level over `children` (separators[i] lies between children i−1 and i).
   * Node covering children a..b: cells (child j, separators[j+1]) for j in a..b−1, rightmost
   * child b; separators[b+1] moves up.
   */
  private buildLevel(children: PageId[], separators: Uint8Array[]): { children: PageId[]; separators: Uint8Array[] } {
    const { c, e, store } = this;
    const capacity = nodeCapacityBytes(store.usableBytes);
    const m = children.length;
    const up: PageId[] = [];
    const upSeparators: Uint8Array[] = [];
    let a = 0;
    while (a < m) {
      let b = a;
      let used = 0;
      while (b + 1 < m) {
        const size = INTERNAL_CELL_HEADER_BYTES + separators[b + 1]!.length + CELL_POINTER_BYTES;
        if (used + size > capacity) break;
        used += size;
        b++;
      }
      // Never leave one lone child for the next node (B4): close this node one child early.
      if (m - (b + 1) === 1 && b - a >= 2) b--;
      const id = store.allocate(INTERNAL);
      const page = store.write(id);
      initNode(page, INTERNAL, c, e);
      let start = e;
      for (let j = a; j < b; j++) {
        const sep = separators[j + 1]!;
        start -= INTERNAL_CELL_HEADER_BYTES + sep.length;
        wr32(page, start, children[j]!);
        wr16(page, start + 4, sep.length);
        page.set(sep, start + INTERNAL_CELL_HEADER_BYTES);
        wr16(page, c + NODE_HEADER_BYTES + CELL_POINTER_BYTES * (j - a), start);
      }
      wr16(page, c + NODE_OFFSET.cellCount, b - a);
      wr16(page, c + NODE_OFFSET.cellContentStart, start);
      wr32(page, c + NODE_OFFSET.rightChild, children[b]!);
      if (up.length > 0) upSeparators[up.length] = separators[a]!;
      up.push(id);
      a = b + 1;
    }
    return { children: up, separators: upSeparators };
  }
}
