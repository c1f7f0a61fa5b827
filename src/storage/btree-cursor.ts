// B+tree cursor: a stack of (page, index) from the root to a leaf cell, LMDB-style, so no
// sibling pointers are needed: moving past the end of a leaf climbs to the first ancestor
// with a next child and descends along its leftmost edge.
//
// Stability (btree.ts invariant B9): the cursor keeps a copy of the key it last returned and
// the tree's modification epoch. When the epoch has moved, the stack may name freed or
// rewritten pages, so next() re-seeks to the first key after the saved key, prev() to the last
// key before it, and key/value re-find the saved key. Callers may therefore change the tree
// while iterating and still see each entry that is there throughout exactly once.

import { CorruptionError, StorageError } from '../errors.js';
import {
  INTERNAL_CELL_HEADER_BYTES,
  LEAF,
  LEAF_CELL_HEADER_BYTES,
  NODE_HEADER_BYTES,
  cellCount,
  checkNodePage,
  childAt,
  internalSearch,
  internalSearchStable,
  interpolate,
  leafSearch,
  rd16,
  rd32,
} from './btree-page.js';
import type { BTree } from './btree.js';
import type { PageId } from './types.js';

const GE = 0;
const GT = 1;
const LE = 2;
const LT = 3;
type SeekMode = typeof GE | typeof GT | typeof LE | typeof LT;

const MAX_DEPTH = 40;

export class Cursor {
  private readonly pages: number[] = new Array<number>(MAX_DEPTH).fill(0);
  private readonly idx: number[] = new Array<number>(MAX_DEPTH).fill(0);
  private depth = 0;
  private positioned = false;
  private keyBuf = new Uint8Array(32);
  private keyLen = 0;
  /** Epoch of the tree when the stack was last built; −1 forces a re-seek. */
  private epochSeen = -1;
  /**
   * The image of the leaf the cursor is on, read when it settled. Valid while the epoch is
   * epochSeen: a page image changes only by a tree change (B9), which moves the epoch.
   */
  private leaf: Uint8Array | null = null;

  constructor(private readonly tree: BTree) {}

  /** True when the cursor is on an entry. */
  get valid(): boolean {
    return this.positioned;
  }

  /** First key ≥ `key`. */
  seek(key: Uint8Array): boolean {
    return this.seekWith(key, GE);
  }
  /** First key > `key`. */
  seekGT(key: Uint8Array): boolean {
    return this.seekWith(key, GT);
  }
  /** Last key ≤ `key`. */
  seekLE(key: Uint8Array): boolean {
    return this.seekWith(key, LE);
  }
  /** Last key < `key`. */
  seekLT(key: Uint8Array): boolean {
    return this.seekWith(key, LT);
  }

  seekFirst(): boolean {
    return this.seekEdge(false);
  }
  seekLast(): boolean {
    return this.seekEdge(true);
  }

  /** Move to the next key; false (and invalid) past the last. Cost: O(1) amortised page reads. */
  next(): boolean {
    if (!this.positioned) return false;
    if (this.epochSeen !== this.tree.epoch.value) return this.seekWith(this.keyBuf.subarray(0, this.keyLen), GT);
    const lv = this.depth - 1;
    const page = this.leaf ?? this.tree.store.read(this.pages[lv]!);
    const i = this.idx[lv]! + 1;
    if (i < cellCount(page, this.tree.c)) {
      this.idx[lv] = i;
      return this.settle(page, i);
    }
    return this.toNextLeaf();
  }

  /** Move to the previous key; false (and invalid) before the first. */
  prev(): boolean {
    if (!this.positioned) return false;
    if (this.epochSeen !== this.tree.epoch.value) return this.seekWith(this.keyBuf.subarray(0, this.keyLen), LT);
    const lv = this.depth - 1;
    const i = this.idx[lv]! - 1;
    if (i >= 0) {
      this.idx[lv] = i;
      return this.settle(this.leaf ?? this.tree.store.read(this.pages[lv]!), i);
    }
    return this.toPrevLeaf();
  }

  /** The current key (a copy). Stays the key last returned even if the tree changed since. */
  get key(): Uint8Array {
    this.requirePosition();
    return this.keyBuf.slice(0, this.keyLen);
  }

  /** The current value (a copy; overflow chains are read now). Throws CURSOR_INVALID if the entry was deleted since. */
  get value(): Uint8Array {
    const lv = this.freshLeafLevel();
    const id = this.pages[lv]!;
    const page = this.leaf ?? this.tree.store.read(id);
    return this.tree.valueAt(page, rd16(page, this.tree.c + NODE_HEADER_BYTES + 2 * this.idx[lv]!), id);
  }

  /**
   * The current value as a view into the page image when inline (no copy; an overflowing
   * value is read whole). For read snapshots only, whose images never change (see
   * BTree.getView); the view outlives cursor moves.
   */
  get valueView(): Uint8Array {
    const lv = this.freshLeafLevel();
    const id = this.pages[lv]!;
    const page = this.leaf ?? this.tree.store.read(id);
    return this.tree.valueViewAt(page, rd16(page, this.tree.c + NODE_HEADER_BYTES + 2 * this.idx[lv]!), id);
  }

  /**
   * Locate the current value without copying or viewing it: afterwards the tree's
   * locatedBuf[locatedStart, locatedEnd) holds it (see BTree.locate: read snapshots only).
   */
  locateValue(): void {
    const lv = this.freshLeafLevel();
    const id = this.pages[lv]!;
    const page = this.leaf ?? this.tree.store.read(id);
    this.tree.locateAt(page, rd16(page, this.tree.c + NODE_HEADER_BYTES + 2 * this.idx[lv]!), id);
  }

  /**
   * The current key's bytes without a copy: read [0, keyLength) of this buffer, and only
   * until the cursor moves (it is the cursor's own key buffer).
   */
  get keyBytes(): Uint8Array {
    this.requirePosition();
    return this.keyBuf;
  }

  /** Length of the current key (see keyBytes). */
  get keyLength(): number {
    this.requirePosition();
    return this.keyLen;
  }

  // Leaf walks: a caller that reads a leaf's cells itself (btree-page.ts layout) takes the
  // leaf image, reads cells leafIndex.. to its cell count, then calls nextLeaf(). For read
  // snapshots, whose images never change (page-cache.ts C3).

  /** The image of the leaf the cursor is on. */
  get leafImage(): Uint8Array {
    const lv = this.freshLeafLevel();
    return this.leaf ?? this.tree.store.read(this.pages[lv]!);
  }

  /** Page id of that leaf. */
  get leafPageId(): PageId {
    return this.pages[this.freshLeafLevel()]!;
  }

  /** The cell of that leaf the cursor is on. */
  get leafIndex(): number {
    return this.idx[this.freshLeafLevel()]!;
  }

  /** Move to the first entry of the next leaf, skipping the rest of this one; false (and invalid) past the last. */
  nextLeaf(): boolean {
    if (!this.positioned) return false;
    if (this.epochSeen !== this.tree.epoch.value) return this.next();
    const lv = this.depth - 1;
    const page = this.leaf ?? this.tree.store.read(this.pages[lv]!);
    this.idx[lv] = cellCount(page, this.tree.c);
    return this.toNextLeaf();
  }

  /** Length of the current value without reading it. */
  get valueLength(): number {
    const lv = this.freshLeafLevel();
    const page = this.leaf ?? this.tree.store.read(this.pages[lv]!);
    return rd32(page, rd16(page, this.tree.c + NODE_HEADER_BYTES + 2 * this.idx[lv]!) + 3);
  }

  /** Compare the current key with `other` (negative when the key sorts first); no allocation. */
  compareKey(other: Uint8Array): number {
    this.requirePosition();
    const a = this.keyBuf;
    const al = this.keyLen;
    const m = al < other.length ? al : other.length;
    for (let i = 0; i < m; i++) {
      const d = a[i]! - other[i]!;
      if (d !== 0) return d;
    }
    return al - other.length;
  }

  /** True when the current key starts with `prefix`; no allocation. */
  keyStartsWith(prefix: Uint8Array): boolean {
    this.requirePosition();
    if (this.keyLen < prefix.length) return false;
    for (let i = 0; i < prefix.length; i++) if (this.keyBuf[i] !== prefix[i]) return false;
    return true;
  }

  // ── internals ──────────────────────────────────────────────────────────────

  private requirePosition(): void {
    if (!this.positioned) throw new StorageError('CURSOR_INVALID', `cursor on B+tree ${this.tree.name} is not on an entry`, { tree: this.tree.name });
  }

  /** Leaf level of a stack that is current, re-finding the saved key after a change. */
  private freshLeafLevel(): number {
    this.requirePosition();
    if (this.epochSeen !== this.tree.epoch.value) {
      const saved = this.keyBuf.slice(0, this.keyLen);
      this.seekWith(saved, GE);
      if (!this.positioned || this.compareKey(saved) !== 0) {
        // Gone: keep the saved key so next()/prev() continue around it.
        this.keyBuf = saved;
        this.keyLen = saved.length;
        this.positioned = true;
        this.epochSeen = -1;
        throw new StorageError('CURSOR_INVALID', `the entry under the cursor on B+tree ${this.tree.name} was deleted`, { tree: this.tree.name });
      }
    }
    return this.depth - 1;
  }

  private invalidate(): boolean {
    this.positioned = false;
    this.leaf = null;
    this.depth = 0;
    return false;
  }

  /** Record the key of leaf cell i as the current position. */
  private settle(page: Uint8Array, i: number): boolean {
    const off = rd16(page, this.tree.c + NODE_HEADER_BYTES + 2 * i);
    const len = rd16(page, off + 1);
    if (off + LEAF_CELL_HEADER_BYTES + len > this.tree.e) this.corrupt(this.pages[this.depth - 1]!, `cell ${i} runs past the page end`);
    if (len > this.keyBuf.length) this.keyBuf = new Uint8Array(Math.max(len, this.keyBuf.length * 2));
    const buf = this.keyBuf;
    const from = off + LEAF_CELL_HEADER_BYTES;
    for (let k = 0; k < len; k++) buf[k] = page[from + k]!;
    this.keyLen = len;
    this.positioned = true;
    this.epochSeen = this.tree.epoch.value;
    this.leaf = page;
    return true;
  }

  private corrupt(id: PageId, what: string): never {
    throw new CorruptionError(`B+tree ${this.tree.name}: page ${id}: ${what}`, { pageNumber: id, tree: this.tree.name });
  }

  /** Read a node page that must be a leaf (`leaf` true) or internal node at this level. */
  private node(id: PageId, level: number, expectLeaf: boolean | undefined): Uint8Array {
    if (level >= MAX_DEPTH) throw this.tree.tooDeep(id);
    const t = this.tree;
    const page = t.store.read(id);
    const leaf = checkNodePage(page, t.c, t.e, id, t.name);
    if (expectLeaf !== undefined && leaf !== expectLeaf) this.corrupt(id, 'leaves at unequal depth');
    this.pages[level] = id;
    return page;
  }

  /**
   * Descend to `key` and settle by `mode`. As BTree.descend does, the separators on either
   * side of each child taken (its fences) tell the child's search where to start.
   */
  private seekWith(key: Uint8Array, mode: SeekMode): boolean {
    const t = this.tree;
    const { c, e, name } = t;
    let id = t.root.get();
    if (id === 0) return this.invalidate();
    // A read snapshot's images never change: internal pages take the cached-prefix search.
    const stable = !t.store.writable;
    let lowBuf: Uint8Array | null = null;
    let lowOff = 0;
    let lowLen = 0;
    let highBuf: Uint8Array | null = null;
    let highOff = 0;
    let highLen = 0;
    for (let depth = 0; ; depth++) {
      const page = this.node(id, depth, undefined);
      const n = cellCount(page, c);
      const leaf = page[0] === LEAF;
      const estimate = (leaf || !stable) && lowBuf !== null && highBuf !== null && n >= 8 ? interpolate(lowBuf, lowOff, lowLen, highBuf, highOff, highLen, key, n) : -1;
      if (leaf) {
        const r = leafSearch(page, c, e, key, id, name, estimate);
        let i: number;
        if (mode === GE) i = r >= 0 ? r : ~r;
        else if (mode === GT) i = r >= 0 ? r + 1 : ~r;
        else if (mode === LE) i = r >= 0 ? r : ~r - 1;
        else i = r >= 0 ? r - 1 : ~r - 1;
        this.idx[depth] = i;
        this.depth = depth + 1;
        if (i >= n) return this.toNextLeaf();
        if (i < 0) return this.toPrevLeaf();
        return this.settle(page, i);
      }
      const i = stable ? internalSearchStable(page, c, e, key, id, name) : internalSearch(page, c, e, key, id, name, estimate);
      const lowest = c + NODE_HEADER_BYTES + 2 * n;
      if (i > 0) {
        const off = rd16(page, c + NODE_HEADER_BYTES + 2 * (i - 1));
        lowBuf = page;
        lowOff = off + INTERNAL_CELL_HEADER_BYTES;
        lowLen = rd16(page, off + 4);
        if (off < lowest || lowOff + lowLen > e) lowBuf = null; // a bad pointer: no fence (the search checks pointers)
      }
      if (i < n) {
        const off = rd16(page, c + NODE_HEADER_BYTES + 2 * i);
        highBuf = page;
        highOff = off + INTERNAL_CELL_HEADER_BYTES;
        highLen = rd16(page, off + 4);
        if (off < lowest || highOff + highLen > e) highBuf = null;
      }
      this.idx[depth] = i;
      id = childAt(page, c, i);
    }
  }

  private seekEdge(last: boolean): boolean {
    const t = this.tree;
    const id = t.root.get();
    if (id === 0) return this.invalidate();
    this.depth = 0;
    return this.descendEdge(id, 0, last);
  }

  /** Descend from `id` at `level` along the leftmost (or rightmost) edge and settle. */
  private descendEdge(id: PageId, level: number, last: boolean): boolean {
    const c = this.tree.c;
    const leafLevel = this.depth > 0 ? this.depth - 1 : -1;
    for (let lv = level; ; lv++) {
      const page = this.node(id, lv, leafLevel < 0 ? undefined : lv === leafLevel);
      const n = cellCount(page, c);
      if (page[0] === LEAF) {
        this.depth = lv + 1;
        if (n === 0) {
          // Only an empty root leaf can be empty (B4); step over it all the same.
          this.idx[lv] = last ? -1 : 0;
          return last ? this.toPrevLeaf() : this.toNextLeaf();
        }
        this.idx[lv] = last ? n - 1 : 0;
        return this.settle(page, last ? n - 1 : 0);
      }
      const i = last ? n : 0;
      this.idx[lv] = i;
      id = childAt(page, c, i);
    }
  }

  private toNextLeaf(): boolean {
    const t = this.tree;
    let lv = this.depth - 2;
    while (lv >= 0 && this.idx[lv]! >= cellCount(t.store.read(this.pages[lv]!), t.c)) lv--;
    if (lv < 0) return this.invalidate();
    const i = ++this.idx[lv];
    return this.descendEdge(childAt(t.store.read(this.pages[lv]!), t.c, i), lv + 1, false);
  }

  private toPrevLeaf(): boolean {
    const t = this.tree;
    let lv = this.depth - 2;
    while (lv >= 0 && this.idx[lv]! <= 0) lv--;
    if (lv < 0) return this.invalidate();
    const i = --this.idx[lv];
    return this.descendEdge(childAt(t.store.read(this.pages[lv]!), t.c, i), lv + 1, true);
  }
}
