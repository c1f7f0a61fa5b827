// B+tree over pages: ordered byte-string keys to byte-string values, on any PageStore.
// Node layout: btree-page.ts. Large values: overflow.ts. Cursors: btree-cursor.ts.
// Integrity check, page visitor and statistics: btree-check.ts.
//
// Shape: leaves hold every entry; internal nodes hold separators and child ids. Child i of
// an internal node holds the keys k with separator(i−1) ≤ k < separator(i); the rightmost
// child (kept in the node header) holds the keys ≥ the last separator. No sibling pointers:
// cursors keep a stack of (page, index), as LMDB does, so only the path of a change is copied.
//
// Invariants (check() reports each by kind; tests cite them by id):
//  (B1) Keys are strictly increasing within a page and, in key order of the leaves, across
//       the whole tree.                                                   [key-order]
//  (B2) Every key in child i of an internal node lies in [separator(i−1), separator(i)),
//       within the bounds the node itself got from its parent.            [separator]
//  (B3) Every leaf is at the same depth.                                  [leaf-depth]
//  (B4) An internal node has ≥ 1 separator (≥ 2 children); a non-root leaf has ≥ 1 entry.
//       The tree of no entries has no pages: root 0.                      [empty-node]
//  (B5) After a delete, a non-root node filled below MIN_FILL (a third of its capacity) is
//       merged with a sibling when both fit one page, else refilled from it. (Not a checked
//       bound: the split that keeps sequential loads dense leaves a nearly empty right page.)
//  (B6) Every cell is at most maxCellBytes (a quarter of a node), so a node always holds ≥ 4
//       cells and any split or redistribution has a split point; keys are ≤ maxKeyBytes
//       (KEY_TOO_LARGE otherwise).                                         [key-too-large]
//  (B7) A leaf value is inline when its cell fits maxCellBytes, else in an overflow chain
//       (overflow.ts O1, O2).                                              [overflow-chain]
//  (B8) Each page is reachable once: from the root, or from one leaf cell's chain.
//                                                                          [page-reached-twice]
//  (B9) Every change bumps the store's modification epoch; a cursor that sees a new epoch
//       re-seeks by the key it last returned before moving (cursor stability).
//
// Errors: a modifying call that throws (page allocation refused, corruption found) may leave
// the tree half-changed in this transaction: the caller rolls the transaction back.
// A page that does not parse as what the tree expects raises CorruptionError naming it.

import { CorruptionError, StorageError } from '../errors.js';
import {
  INTERNAL,
  LEAF,
  LEAF_CELL_HEADER_BYTES,
  buildInternalCell,
  buildLeafCell,
  cellCount,
  cellPointer,
  checkNodePage,
  childAt,
  cellContentStart,
  compareKeyAt,
  copyBytes,
  separatorLength,
  defragmentNode,
  fragmentedBytes,
  initNode,
  insertCell,
  internalSearch,
  internalSearchStable,
  leafCellSize,
  leafIsOverflow,
  leafKeyLength,
  leafOverflowPage,
  leafSearch,
  leafValueLength,
  interpolate,
  internalKeyLength,
  INTERNAL_CELL_HEADER_BYTES,
  NODE_HEADER_BYTES,
  lastInsertIndex,
  setLastInsertIndex,
  maxCellBytes,
  maxKeyBytes,
  nodeCapacityBytes,
  nodeFreeBytes,
  rd16,
  rd32,
  removeCells,
  repackAfterInserts,
  setChildAt,
  setRightChild,
  rightChild,
} from './btree-page.js';
import { cellList, chooseInternalSplit, chooseLeafSplit, writeNodeFromList, type CellList } from './btree-cells.js';
import { Cursor } from './btree-cursor.js';
import { checkTree, treeStats, visitTreePages, type BTreeProblem, type BTreeStats, type PageKind } from './btree-check.js';
import { freeOverflowChain, readOverflowChain, writeOverflowChain } from './overflow.js';
import { prefixUpperBound } from './keys.js';
import { NO_BYTES, scratchBytes } from './scratch.js';
import type { PageId, PageStore } from './types.js';

export type { BTreeProblem, BTreeProblemKind, BTreeStats, PageKind } from './btree-check.js';
export { Cursor } from './btree-cursor.js';

/** Where a tree keeps its root page id (0 = empty tree). */
export interface RootRef {
  get(): PageId;
  set(id: PageId): void;
}

/** A root kept in a meta-page root slot (meta.ts ROOT_SLOT). */
export function rootInSlot(store: PageStore, slot: number): RootRef {
  // One object per (store, slot), so every BTree on the slot shares its TreeState.
  let refs = slotRoots.get(store);
  if (refs === undefined) slotRoots.set(store, (refs = []));
  return (refs[slot] ??= {
    get: () => store.getRoot(slot),
    set: (id) => store.setRoot(slot, id),
  });
}

const slotRoots = new WeakMap<PageStore, RootRef[]>();

/** Per tree (per RootRef): bumped by every change any BTree object makes to that tree. */
interface TreeState {
  mods: number;
  /** Bumped by every change that may remove keys (delete, deleteRange, drop). */
  removals: number;
}
const treeStates = new WeakMap<RootRef, TreeState>();
function treeStateOf(root: RootRef): TreeState {
  let state = treeStates.get(root);
  if (state === undefined) treeStates.set(root, (state = { mods: 0, removals: 0 }));
  return state;
}

/** A root kept in a plain object (tests; structures whose root lives in another record). */
export function rootInMemory(initial: PageId = 0): RootRef & { id: PageId } {
  const ref = {
    id: initial,
    get: () => ref.id,
    set: (id: PageId) => {
      ref.id = id;
    },
  };
  return ref;
}

export interface BTreeOptions {
  /** Name used in errors and problems (e.g. 'nodes'). */
  name?: string;
}

export interface BTreeEntry {
  key: Uint8Array;
  value: Uint8Array;
}

export interface RangeOptions {
  /** Lower bound; inclusive unless fromInclusive is false. */
  from?: Uint8Array;
  /** Upper bound; exclusive unless toInclusive is true. */
  to?: Uint8Array;
  fromInclusive?: boolean;
  toInclusive?: boolean;
  /** Walk from the upper end down. */
  reverse?: boolean;
}

/** Deeper than any real tree (a 4 KiB page holds ≥ 4 cells, so 40 levels is ≥ 4^40 entries). */
export const MAX_TREE_DEPTH = 40;

const RUN_NONE = 0;
const RUN_ASCENDING = 1;
const RUN_DESCENDING = 2;

/** Modification epoch per store, shared by every tree on it (invariant B9). */
const epochs = new WeakMap<PageStore, { value: number }>();
function epochOf(store: PageStore): { value: number } {
  let epoch = epochs.get(store);
  if (epoch === undefined) {
    epoch = { value: 0 };
    epochs.set(store, epoch);
  }
  return epoch;
}

export class BTree {
  readonly name: string;
  /** Largest key accepted (B6): 994 bytes at 4 KiB pages, 2018 at 8 KiB. */
  readonly maxKeyBytes: number;
  /** Largest leaf or internal cell (B6). */
  readonly maxCellBytes: number;
  /** @internal content offset C of the node layout. */
  readonly c: number;
  /** @internal content end E of the node layout. */
  readonly e: number;
  /** @internal bumped by every change to any tree of this store (B9). */
  readonly epoch: { value: number };

  private readonly capacity: number;
  private readonly minFillBytes: number;
  /** Changes to this tree by any BTree object (append hint validity). */
  private readonly state: TreeState;
  /**
   * Append hint: the rightmost leaf, where the last insert appended without a split, valid
   * while the tree's root and change count are what they were then (see appendFast).
   */
  private appendLeaf = 0;
  private appendRoot = 0;
  private appendMods = -1;
  /** Fences of the leaf mergeSorted holds; made on first use. */
  private fencesOrNull: LeafFences | null = null;
  /** Scratch for building one cell; allocated by the first write (most trees only read). */
  private cellBufOrNull: Uint8Array | null = null;
  private readonly pathPage: number[] = new Array<number>(MAX_TREE_DEPTH).fill(0);
  private readonly pathIdx: number[] = new Array<number>(MAX_TREE_DEPTH).fill(0);
  private pathDepth = 0;
  /** The last descent took the rightmost child at every level. */
  private rightmostDescent = false;
  /** The leaf image the last descent ended on; valid only until the next store call. */
  private leafPage: Uint8Array | null = null;

  constructor(
    readonly store: PageStore,
    readonly root: RootRef,
    options: BTreeOptions = {},
  ) {
    this.name = options.name ?? 'btree';
    this.c = store.contentOffset;
    this.e = store.contentOffset + store.usableBytes;
    this.capacity = nodeCapacityBytes(store.usableBytes);
    this.maxCellBytes = maxCellBytes(store.usableBytes);
    this.maxKeyBytes = maxKeyBytes(store.usableBytes);
    this.minFillBytes = Math.floor(this.capacity / 3);
    this.epoch = epochOf(store);
    this.state = treeStateOf(root);
  }

  /** A change to this tree: cursors re-seek (B9), append hints of other BTree objects lapse. */
  private touch(): void {
    this.epoch.value++;
    this.state.mods++;
  }

  private get cellBuf(): Uint8Array {
    return (this.cellBufOrNull ??= scratchBytes(this.maxCellBytes + 16));
  }

  // ── reads ──────────────────────────────────────────────────────────────────

  /** The value stored under `key` (a copy), or undefined. Cost: one page read per level. */
  get(key: Uint8Array): Uint8Array | undefined {
    if (this.root.get() === 0 || key.length > this.maxKeyBytes) return undefined;
    const r = this.descend(key);
    if (r < 0) return undefined;
    const page = this.leafPage!;
    this.leafPage = null;
    return this.valueAt(page, cellPointer(page, this.c, r), this.pathPage[this.pathDepth - 1]!);
  }

  /**
   * Like get, but an inline value comes back as a view into the page image instead of a copy
   * (an overflowing one is still read whole). Only for stores whose page images never change
   * under the caller: a read snapshot (page-cache.ts C3). On a writable store the view would
   * follow later in-place changes of the page: use get there.
   */
  getView(key: Uint8Array): Uint8Array | undefined {
    if (this.root.get() === 0 || key.length > this.maxKeyBytes) return undefined;
    const r = this.descend(key);
    if (r < 0) return undefined;
    const page = this.leafPage!;
    this.leafPage = null;
    return this.valueViewAt(page, cellPointer(page, this.c, r), this.pathPage[this.pathDepth - 1]!);
  }

  /**
   * Where the value under `key` lies, without copying or viewing it: true and
   * locatedBuf[locatedStart, locatedEnd) holds the value, or false when absent. An inline
   * value lies in the page image (so, as for getView, read snapshots only); an overflowing one
   * is read whole into a fresh buffer. Valid until the next call.
   */
  locate(key: Uint8Array): boolean {
    if (this.root.get() === 0 || key.length > this.maxKeyBytes) return false;
    const r = this.descend(key);
    if (r < 0) return false;
    const page = this.leafPage!;
    this.leafPage = null;
    this.locateAt(page, cellPointer(page, this.c, r), this.pathPage[this.pathDepth - 1]!);
    return true;
  }

  /** Set by locate / locateAt: the value's bytes are locatedBuf[locatedStart, locatedEnd). */
  locatedBuf: Uint8Array = NO_BYTES;
  locatedStart = 0;
  locatedEnd = 0;

  /** @internal locate the value of the leaf cell at `off` of `page` (see locate). */
  locateAt(page: Uint8Array, off: number, pageId: PageId): void {
    const k = rd16(page, off + 1);
    const v = rd32(page, off + 3);
    const at = off + LEAF_CELL_HEADER_BYTES + k;
    if (leafIsOverflow(page, off) || at + v > this.e) {
      const value = this.valueAt(page, off, pageId);
      this.locatedBuf = value;
      this.locatedStart = 0;
      this.locatedEnd = value.length;
      return;
    }
    this.locatedBuf = page;
    this.locatedStart = at;
    this.locatedEnd = at + v;
  }

  /** True when `key` is present. Cost: like get, without copying the value. */
  has(key: Uint8Array): boolean {
    if (this.root.get() === 0 || key.length > this.maxKeyBytes) return false;
    const found = this.descend(key) >= 0;
    this.leafPage = null;
    return found;
  }

  /** A cursor, unpositioned until a seek. Stable under changes to the tree (B9). */
  cursor(): Cursor {
    return new Cursor(this);
  }

  /**
   * Entries in key order between optional bounds (from inclusive, to exclusive by default),
   * or in reverse. Built on a cursor, so the tree may change while iterating.
   */
  *range(options: RangeOptions = {}): Generator<BTreeEntry> {
    const { from, to, reverse = false } = options;
    const fromInclusive = options.fromInclusive ?? true;
    const toInclusive = options.toInclusive ?? false;
    const cur = this.cursor();
    if (!reverse) {
      if (from === undefined) cur.seekFirst();
      else if (fromInclusive) cur.seek(from);
      else cur.seekGT(from);
      while (cur.valid) {
        if (to !== undefined) {
          const cmp = cur.compareKey(to);
          if (cmp > 0 || (cmp === 0 && !toInclusive)) return;
        }
        yield { key: cur.key, value: cur.value };
        cur.next();
      }
    } else {
      if (to === undefined) cur.seekLast();
      else if (toInclusive) cur.seekLE(to);
      else cur.seekLT(to);
      while (cur.valid) {
        if (from !== undefined) {
          const cmp = cur.compareKey(from);
          if (cmp < 0 || (cmp === 0 && !fromInclusive)) return;
        }
        yield { key: cur.key, value: cur.value };
        cur.prev();
      }
    }
  }

  /** Entries whose key starts with `prefix`, in key order (or reverse). */
  *prefix(prefix: Uint8Array, options: { reverse?: boolean } = {}): Generator<BTreeEntry> {
    const cur = this.cursor();
    if (!options.reverse) {
      cur.seek(prefix);
      while (cur.valid && cur.keyStartsWith(prefix)) {
        yield { key: cur.key, value: cur.value };
        cur.next();
      }
    } else {
      const upper = prefixUpperBound(prefix);
      if (upper === undefined) cur.seekLast();
      else cur.seekLT(upper);
      while (cur.valid && cur.keyStartsWith(prefix)) {
        yield { key: cur.key, value: cur.value };
        cur.prev();
      }
    }
  }

  /** Number of entries. Cost: reads every node page (not overflow pages); O(pages). */
  count(): number {
    const id = this.root.get();
    if (id === 0) return 0;
    let total = 0;
    const stack: number[] = [id, 0]; // (page, depth) pairs
    while (stack.length > 0) {
      const depth = stack.pop()!;
      const pageId = stack.pop()!;
      if (depth >= MAX_TREE_DEPTH) throw this.tooDeep(pageId);
      const page = this.store.read(pageId);
      const n = cellCount(page, this.c);
      if (checkNodePage(page, this.c, this.e, pageId, this.name)) total += n;
      else for (let i = 0; i <= n; i++) stack.push(childAt(page, this.c, i), depth + 1);
    }
    return total;
  }

  // ── writes ─────────────────────────────────────────────────────────────────

  /** Insert or replace. Cost: O(depth) page reads, plus splits (amortised O(1) pages). */
  put(key: Uint8Array, value: Uint8Array): void {
    this.upsert(key, value, false);
  }

  /** Insert a key that must be new: throws KEY_EXISTS (changing nothing) when present. */
  insert(key: Uint8Array, value: Uint8Array): void {
    this.upsert(key, value, true);
  }

  /**
   * Apply a batch of changes in ascending key order, each decided from the entry's current
   * value: `merge(i, old)` returns the new value (put), null (delete; ignored when absent) or
   * undefined (leave it). keyAt(i) may return a view that changes on the next call; `old`
   * may be a view into the page, valid only during that merge() call. Keys
   * need not be strictly ascending for correctness (every key goes into the leaf whose fences
   * hold it), but ascending keys are what makes this fast: a key inside the leaf of the
   * previous one skips the root-to-leaf descent, and its search starts where the last ended.
   * Cost: one descent per leaf touched (plus splits), against one per key for put().
   *
   * A leaf that took inserts in its middle is repacked in key order when the batch leaves it
   * (repackAfterInserts: the old cells move as blocks): an insert puts its cell below all
   * others, so loads would otherwise leave every leaf in insertion order, and a range read (a
   * node's relationships) touch a cache line per entry instead of a few. Once per leaf per
   * batch; ~1–2 µs for an 8 KiB leaf.
   */
  mergeSorted(count: number, keyAt: (i: number) => Uint8Array, merge: (i: number, old: Uint8Array | undefined) => Uint8Array | null | undefined): void {
    const { store, c, e } = this;
    const fences = (this.fencesOrNull ??= new LeafFences(this.maxKeyBytes));
    let leafId = 0; // 0: no leaf held (descend for the next key)
    let lv = 0;
    let hint = -1;
    /** The held leaf took an insert before its last cell: repack it before leaving it. */
    let unordered = false;
    /** Content start of the held leaf before this visit's first insert if it had no holes then, else −1 (repackLeaf). */
    let packedStart = -1;
    let inserted = false;
    const repackLeaf = (): void => {
      const page = store.write(leafId);
      if (packedStart >= 0) repackAfterInserts(page, c, e, true, packedStart);
      else defragmentNode(page, c, e, true);
      unordered = false;
    };
    for (let i = 0; i < count; i++) {
      const key = keyAt(i);
      this.checkKey(key);
      let r: number;
      if (leafId !== 0 && fences.holds(key)) {
        r = leafSearch(store.read(leafId), c, e, key, leafId, this.name, hint);
      } else {
        if (unordered) repackLeaf();
        if (this.root.get() === 0) {
          const value = merge(i, undefined);
          if (value === undefined || value === null) continue;
          this.upsert(key, value, false);
          leafId = 0;
          continue;
        }
        r = this.descend(key);
        this.leafPage = null;
        lv = this.pathDepth - 1;
        leafId = this.pathPage[lv]!;
        fences.fromPath(this, lv);
        inserted = false;
      }
      let page = store.read(leafId);
      // A view (no copy) for an inline value: merge() only reads it, before anything changes.
      const old = r >= 0 ? this.valueViewAt(page, cellPointer(page, c, r), leafId) : undefined;
      const value = merge(i, old);
      hint = r >= 0 ? r : ~r;
      if (value === undefined) continue;
      if (value === null) {
        if (r < 0) continue;
        if (unordered) repackLeaf();
        this.touch();
        this.state.removals++;
        page = store.write(leafId);
        const off = cellPointer(page, c, r);
        if (leafIsOverflow(page, off)) freeOverflowChain(store, leafOverflowPage(page, off), leafValueLength(page, off), this.name, leafId);
        removeCells(store.write(leafId), c, e, r, r + 1, true);
        this.rebalance(lv);
        leafId = 0;
        continue;
      }
      if (value.length > 0xffffffff) {
        throw new StorageError('INVALID_ARGUMENT', `value of ${value.length} bytes is larger than 4 GiB`, { valueLengthBytes: value.length });
      }
      this.touch();
      if (r >= 0) {
        const off = cellPointer(page, c, r);
        if (!leafIsOverflow(page, off) && LEAF_CELL_HEADER_BYTES + key.length + value.length === leafCellSize(page, off)) {
          // Same size, inline both: the cell is rewritten where it is.
          const len = buildLeafCell(this.cellBuf, key, value, 0);
          copyBytes(store.write(leafId), off, this.cellBuf, 0, len);
          hint = r + 1;
          continue;
        }
        // A size change may split or rebalance: the general path, then descend afresh.
        if (unordered) repackLeaf();
        this.upsert(key, value, false);
        leafId = 0;
        continue;
      }
      const len = this.buildCell(key, value);
      page = store.write(leafId);
      const n = cellCount(page, c);
      if (!inserted) {
        inserted = true;
        packedStart = fragmentedBytes(page, c) === 0 ? cellContentStart(page, c) : -1;
      }
      if (insertCell(page, c, e, ~r, this.cellBuf, 0, len, true)) {
        if (~r < n) unordered = true;
        hint = ~r + 1;
        continue;
      }
      // Full: split along the path of the last descent (only this leaf changed since). The
      // split writes both halves in key order (insertAt), so nothing is left to repack.
      unordered = false;
      this.insertAt(lv, ~r, len);
      leafId = 0;
    }
    if (unordered) repackLeaf();
  }

  /**
   * Grows whenever any BTree object on this tree (same store and root reference) may have
   * removed a key: a key seen present stays present while this is unchanged (inserts and
   * value changes do not count). Lets callers remember existence checks.
   */
  get removals(): number {
    return this.state.removals;
  }

  /** Note a change held back by the caller (TRANSACTION T5): open cursors re-seek through the root. */
  noteDeferredChange(): void {
    this.epoch.value++;
  }

  /** @internal Bounds of the leaf the last descent ended on, from the separators on its path (B2). */
  fenceOfPath(lv: number, upper: boolean): { page: Uint8Array; off: number; len: number } | null {
    for (let level = lv - 1; level >= 0; level--) {
      const page = this.store.read(this.pathPage[level]!);
      const i = this.pathIdx[level]!;
      const n = cellCount(page, this.c);
      const at = upper ? i : i - 1;
      if (at < 0 || at >= n) continue;
      const off = cellPointer(page, this.c, at);
      const len = internalKeyLength(page, off);
      if (off + INTERNAL_CELL_HEADER_BYTES + len > this.e || len > this.maxKeyBytes) {
        throw new CorruptionError(`B+tree ${this.name}: page ${this.pathPage[level]!} has a separator ${at} of ${len} bytes that does not fit`, {
          pageNumber: this.pathPage[level]!,
          tree: this.name,
        });
      }
      return { page, off: off + INTERNAL_CELL_HEADER_BYTES, len };
    }
    return null;
  }

  /** Remove `key`; false when it was not present. Underfull nodes are rebalanced (B5). */
  delete(key: Uint8Array): boolean {
    if (this.root.get() === 0 || key.length > this.maxKeyBytes) return false;
    const r = this.descend(key);
    if (r < 0) return false;
    this.touch();
    this.state.removals++;
    const lv = this.pathDepth - 1;
    const leafId = this.pathPage[lv]!;
    const page = this.store.write(leafId);
    const off = cellPointer(page, this.c, r);
    if (leafIsOverflow(page, off)) {
      freeOverflowChain(this.store, leafOverflowPage(page, off), leafValueLength(page, off), this.name, leafId);
    }
    removeCells(this.store.write(leafId), this.c, this.e, r, r + 1, true);
    this.rebalance(lv);
    return true;
  }

  /**
   * Remove every key in [from, to) (to undefined = to the end); returns how many. Removes a
   * leaf's run of keys at once, so the cost is O(keys + leaves × depth) page operations.
   */
  deleteRange(from: Uint8Array, to?: Uint8Array): number {
    if (to !== undefined && compareKeyAt(from, to, 0, to.length) >= 0) return 0;
    const { store, c, e } = this;
    let deleted = 0;
    this.touch();
    this.state.removals++;
    while (this.root.get() !== 0) {
      this.descend(from);
      const lv = this.pathDepth - 1;
      let page = store.read(this.pathPage[lv]!);
      let i = this.pathIdx[lv]!;
      if (i >= cellCount(page, c)) {
        if (!this.pathToNextLeaf()) break;
        page = store.read(this.pathPage[lv]!);
        i = 0;
      }
      const leafId = this.pathPage[lv]!;
      const n = cellCount(page, c);
      let j = i;
      while (j < n) {
        const off = cellPointer(page, c, j);
        if (to !== undefined && compareKeyAt(to, page, off + LEAF_CELL_HEADER_BYTES, leafKeyLength(page, off)) <= 0) break;
        j++;
      }
      if (j === i) break;
      const w = store.write(leafId);
      for (let k = i; k < j; k++) {
        const off = cellPointer(w, c, k);
        if (leafIsOverflow(w, off)) freeOverflowChain(store, leafOverflowPage(w, off), leafValueLength(w, off), this.name, leafId);
      }
      removeCells(store.write(leafId), c, e, i, j, true);
      deleted += j - i;
      this.rebalance(lv);
      if (j < n) break; // the leaf held a key ≥ to: done
    }
    return deleted;
  }

  /** Free every page of the tree, overflow chains included, and set the root to 0. Returns pages freed. */
  drop(): number {
    const rootId = this.root.get();
    if (rootId === 0) return 0;
    this.touch();
    this.state.removals++;
    const pages: PageId[] = [];
    visitTreePages(this.treeView(rootId), (id) => pages.push(id), true);
    for (const id of pages) this.store.free(id);
    this.root.set(0);
    return pages.length;
  }

  // ── integrity and statistics ───────────────────────────────────────────────

  /** Every broken invariant found (B1–B8), each naming its page. Cost: reads every page. */
  check(): BTreeProblem[] {
    return checkTree(this.treeView(this.root.get()));
  }

  /** Call `fn` once per page of the tree (node and overflow pages). Unreadable pages are skipped (check() reports them). */
  visitPages(fn: (id: PageId, kind: PageKind) => void): void {
    const rootId = this.root.get();
    if (rootId !== 0) visitTreePages(this.treeView(rootId), fn, false);
  }

  /** Page and byte counts for the fragmentation report. Cost: reads every page. */
  stats(): BTreeStats {
    return treeStats(this.treeView(this.root.get()));
  }

  // ── internals ──────────────────────────────────────────────────────────────

  private treeView(rootId: PageId) {
    return { store: this.store, rootId, name: this.name, maxKeyBytes: this.maxKeyBytes };
  }

  /** @internal the value of the leaf cell at `off` of `page` (a copy; overflow read whole). */
  valueAt(page: Uint8Array, off: number, pageId: PageId): Uint8Array {
    const k = rd16(page, off + 1);
    const v = rd32(page, off + 3);
    const at = off + LEAF_CELL_HEADER_BYTES + k;
    if (leafIsOverflow(page, off)) return readOverflowChain(this.store, rd32(page, at), v, this.name, pageId);
    if (at + v > this.e) {
      throw new CorruptionError(`B+tree ${this.name}: page ${pageId} has a value of ${v} bytes running past the page end`, {
        pageNumber: pageId,
        tree: this.name,
      });
    }
    return page.slice(at, at + v);
  }

  /** @internal valueAt without the copy: a view into `page` for an inline value (see getView). */
  valueViewAt(page: Uint8Array, off: number, pageId: PageId): Uint8Array {
    const k = rd16(page, off + 1);
    const v = rd32(page, off + 3);
    const at = off + LEAF_CELL_HEADER_BYTES + k;
    if (leafIsOverflow(page, off) || at + v > this.e) return this.valueAt(page, off, pageId);
    return page.subarray(at, at + v);
  }

  /** @internal */
  tooDeep(id: PageId): CorruptionError {
    return new CorruptionError(`B+tree ${this.name}: page ${id} lies deeper than ${MAX_TREE_DEPTH} levels (a cycle of child pointers?)`, {
      pageNumber: id,
      tree: this.name,
    });
  }

  private checkKey(key: Uint8Array): void {
    if (key.length > this.maxKeyBytes) {
      throw new StorageError(
        'KEY_TOO_LARGE',
        `key of ${key.length} bytes is larger than the ${this.maxKeyBytes}-byte limit of B+tree ${this.name} (page size ${this.store.pageSizeBytes})`,
        { keyLengthBytes: key.length, maxKeyBytes: this.maxKeyBytes, tree: this.name },
      );
    }
  }

  /**
   * Root-to-leaf path for `key` into pathPage/pathIdx (leafPage: the leaf's image, for the
   * caller's immediate use); returns the leaf search result. The separators on either side
   * of each child taken are that child's key bounds (fences): interpolating between them
   * tells the child's search where to start, without touching more of the child's page.
   */
  private descend(key: Uint8Array): number {
    const { store, c, e, name } = this;
    const stable = !store.writable;
    let id = this.root.get();
    let rightmost = true;
    let lowBuf: Uint8Array | null = null;
    let lowOff = 0;
    let lowLen = 0;
    let highBuf: Uint8Array | null = null;
    let highOff = 0;
    let highLen = 0;
    for (let depth = 0; depth < MAX_TREE_DEPTH; depth++) {
      const page = store.read(id);
      this.pathPage[depth] = id;
      const leaf = checkNodePage(page, c, e, id, name);
      const n = cellCount(page, c);
      const estimate = (leaf || !stable) && lowBuf !== null && highBuf !== null && n >= 8 ? interpolate(lowBuf, lowOff, lowLen, highBuf, highOff, highLen, key, n) : -1;
      if (leaf) {
        const r = leafSearch(page, c, e, key, id, name, estimate);
        this.pathIdx[depth] = r >= 0 ? r : ~r;
        this.pathDepth = depth + 1;
        this.rightmostDescent = rightmost;
        this.leafPage = page;
        return r;
      }
      // A read snapshot's images never change: internal pages take the cached-prefix search.
      const i = stable ? internalSearchStable(page, c, e, key, id, name) : internalSearch(page, c, e, key, id, name, estimate);
      const lowest = c + NODE_HEADER_BYTES + 2 * n;
      if (i > 0) {
        const off = cellPointer(page, c, i - 1);
        lowBuf = page;
        lowOff = off + INTERNAL_CELL_HEADER_BYTES;
        lowLen = internalKeyLength(page, off);
        if (off < lowest || lowOff + lowLen > e) lowBuf = null; // a bad pointer: no fence (the search checks pointers)
      }
      if (i < n) {
        const off = cellPointer(page, c, i);
        highBuf = page;
        highOff = off + INTERNAL_CELL_HEADER_BYTES;
        highLen = internalKeyLength(page, off);
        if (off < lowest || highOff + highLen > e) highBuf = null;
        rightmost = false;
      }
      this.pathIdx[depth] = i;
      id = childAt(page, c, i);
    }
    throw this.tooDeep(id);
  }

  /** Move the path to the first cell of the next leaf; false at the last leaf. */
  private pathToNextLeaf(): boolean {
    const { store, c, e, name } = this;
    const leafLv = this.pathDepth - 1;
    let lv = leafLv - 1;
    while (lv >= 0 && this.pathIdx[lv]! >= cellCount(store.read(this.pathPage[lv]!), c)) lv--;
    if (lv < 0) return false;
    this.pathIdx[lv]++;
    for (; lv < leafLv; lv++) {
      const child = childAt(store.read(this.pathPage[lv]!), c, this.pathIdx[lv]!);
      const leaf = checkNodePage(store.read(child), c, e, child, name);
      if (leaf !== (lv + 1 === leafLv)) {
        throw new CorruptionError(`B+tree ${name}: page ${child} is at the wrong depth (leaves at unequal depth)`, { pageNumber: child, tree: name });
      }
      this.pathPage[lv + 1] = child;
      this.pathIdx[lv + 1] = 0;
    }
    return true;
  }

  private upsert(key: Uint8Array, value: Uint8Array, mustBeNew: boolean): void {
    this.checkKey(key);
    if (value.length > 0xffffffff) {
      throw new StorageError('INVALID_ARGUMENT', `value of ${value.length} bytes is larger than 4 GiB`, { valueLengthBytes: value.length });
    }
    const { store, c, e } = this;
    if (this.appendLeaf !== 0 && this.appendFast(key, value)) return;
    if (this.root.get() === 0) {
      const id = store.allocate(LEAF);
      initNode(store.write(id), LEAF, c, e);
      this.root.set(id);
    }
    const r = this.descend(key);
    const lv = this.pathDepth - 1;
    const leafId = this.pathPage[lv]!;
    if (r >= 0) {
      if (mustBeNew) {
        throw new StorageError('KEY_EXISTS', `key of ${key.length} bytes is already in B+tree ${this.name}`, { tree: this.name, keyLengthBytes: key.length });
      }
      this.touch();
      let page = store.write(leafId);
      let off = cellPointer(page, c, r);
      const oldSize = leafCellSize(page, off);
      if (leafIsOverflow(page, off)) freeOverflowChain(store, leafOverflowPage(page, off), leafValueLength(page, off), this.name, leafId);
      const len = this.buildCell(key, value);
      page = store.write(leafId);
      off = cellPointer(page, c, r);
      if (len === oldSize) {
        copyBytes(page, off, this.cellBuf, 0, len);
        return;
      }
      removeCells(page, c, e, r, r + 1, true);
      this.insertAt(lv, r, len);
      // A smaller cell always fits where the old one was (no split), so the path still holds.
      if (len < oldSize) this.rebalance(lv);
      return;
    }
    this.touch();
    const len = this.buildCell(key, value);
    const pos = ~r;
    const page = store.write(leafId);
    if (pos === cellCount(page, c) && this.rightmostDescent && insertCell(page, c, e, pos, this.cellBuf, 0, len, true)) {
      // An append to the rightmost leaf: the next key after it may skip the descent.
      this.appendLeaf = leafId;
      this.appendRoot = this.root.get();
      this.appendMods = this.state.mods;
      return;
    }
    this.appendLeaf = 0;
    this.insertAt(lv, pos, len);
  }

  /**
   * Append `key` to the rightmost leaf without a descent, when the hint is still valid (no
   * change to the tree since, by any BTree object, and the same root), the key sorts after
   * the leaf's last key (so it belongs there: the rightmost leaf has no upper fence, B2) and
   * the cell fits without a split. False (nothing changed) otherwise. Ascending loads (new
   * node and relationship ids, label index entries, sequential index values) take this path.
   */
  private appendFast(key: Uint8Array, value: Uint8Array): boolean {
    const { store, c, e } = this;
    if (this.state.mods !== this.appendMods || this.root.get() !== this.appendRoot) {
      this.appendLeaf = 0;
      return false;
    }
    if (LEAF_CELL_HEADER_BYTES + key.length + value.length > this.maxCellBytes) return false;
    const leafId = this.appendLeaf;
    const read = store.read(leafId);
    if (read[0] !== LEAF) return false;
    const n = cellCount(read, c);
    if (n === 0) return false;
    const last = cellPointer(read, c, n - 1);
    if (last + LEAF_CELL_HEADER_BYTES + leafKeyLength(read, last) > e) return false;
    if (compareKeyAt(key, read, last + LEAF_CELL_HEADER_BYTES, leafKeyLength(read, last)) <= 0) return false;
    const len = buildLeafCell(this.cellBuf, key, value, 0);
    if (!insertCell(store.write(leafId), c, e, n, this.cellBuf, 0, len, true)) {
      this.appendLeaf = 0;
      return false;
    }
    this.touch();
    this.appendMods = this.state.mods;
    return true;
  }

  /** Build the leaf cell for (key, value) in cellBuf, writing an overflow chain when needed (B7). */
  private buildCell(key: Uint8Array, value: Uint8Array): number {
    if (LEAF_CELL_HEADER_BYTES + key.length + value.length <= this.maxCellBytes) return buildLeafCell(this.cellBuf, key, value, 0);
    return buildLeafCell(this.cellBuf, key, value, writeOverflowChain(this.store, value));
  }

  /**
   * Insert the cell in cellBuf (len bytes) as cell `pos` of the node at path level `lv`,
   * splitting up the path as needed. A split keeps the left part in the old page, puts the
   * right part in a new page and inserts (old page, separator) into the parent.
   *
   * Split point: balanced by bytes, except inside a run of ascending (descending) inserts,
   * where the node splits right after (before) the new cell, so the page the run leaves
   * behind stays full and sequential loads fill pages (SQLite's quickbalance, generalised to
   * runs anywhere in the tree, e.g. ascending node ids under one label).
   */
  private insertAt(lv: number, pos: number, len: number): void {
    const { store, c, e, capacity } = this;
    const list = cellList;
    let run = RUN_NONE;
    for (;;) {
      const id = this.pathPage[lv]!;
      const page = store.write(id);
      const leaf = page[0] === LEAF;
      const n = cellCount(page, c);
      if (leaf) run = this.leafRun(page, pos, n);
      if (insertCell(page, c, e, pos, this.cellBuf, 0, len, leaf)) return;
      let newId: PageId;
      let sepLen: number;
      if (leaf && run === RUN_ASCENDING && pos === n && 2 * (capacity - nodeFreeBytes(page, c)) >= capacity && packedInOrder(page, c, e, n)) {
        // An append to a full leaf in an ascending run: the split point chosen below would be
        // k = n (everything stays left, the new cell alone goes right), and the left page is
        // already laid out as the rebuild would lay it out, so skip the rebuild: a new right
        // page takes the cell (SQLite's quickbalance). The bytes are the rebuild's exactly.
        setLastInsertIndex(page, c, -1);
        newId = store.allocate(LEAF);
        const right = store.write(newId);
        initNode(right, LEAF, c, e);
        insertCell(right, c, e, 0, this.cellBuf, 0, len, true);
        sepLen = this.appendSeparator(id, store.read(id), n);
      } else {
      list.reset(store.pageSizeBytes);
      list.addNodeCells(page, c, leaf, 0, pos);
      list.add(this.cellBuf, 0, len);
      list.addNodeCells(page, c, leaf, pos, n);
      const m = list.count;
      const oldRight = leaf ? 0 : rightChild(page, c);
      const k = this.splitPoint(list, leaf, pos, run);
      newId = store.allocate(leaf ? LEAF : INTERNAL);
      const right = store.write(newId);
      const left = store.write(id);
      if (leaf) {
        writeNodeFromList(left, LEAF, c, e, list, 0, k, 0);
        writeNodeFromList(right, LEAF, c, e, list, k, m, 0);
        sepLen = this.buildSeparator(id, k);
        if (pos < k) setLastInsertIndex(left, c, pos);
        else setLastInsertIndex(right, c, pos - k);
      } else {
        const kOff = list.off[k]!;
        writeNodeFromList(left, INTERNAL, c, e, list, 0, k, rd32(list.buf, kOff));
        writeNodeFromList(right, INTERNAL, c, e, list, k + 1, m, oldRight);
        sepLen = buildInternalCell(this.cellBuf, id, list.buf, list.keyOffset(k, false), list.keyLength(k, false));
      }
      }
      if (lv === 0) {
        const rootId = store.allocate(INTERNAL);
        const rootPage = store.write(rootId);
        initNode(rootPage, INTERNAL, c, e);
        insertCell(rootPage, c, e, 0, this.cellBuf, 0, sepLen, false);
        setRightChild(rootPage, c, newId);
        this.root.set(rootId);
        return;
      }
      lv--;
      pos = this.pathIdx[lv]!;
      setChildAt(store.write(this.pathPage[lv]!), c, pos, newId);
      len = sepLen;
    }
  }

  /**
   * Is an insert at `pos` of a leaf of n cells part of an ascending or descending run? The
   * leaf's last-insert hint says where its previous insert landed (per page, so runs under
   * several prefixes at once are each seen); an append to the rightmost leaf counts as a run
   * from the start (the hint is lost when cells are removed).
   */
  private leafRun(page: Uint8Array, pos: number, n: number): number {
    const last = lastInsertIndex(page, this.c);
    if (last >= 0) {
      if (pos === last + 1) return RUN_ASCENDING;
      if (pos === last) return RUN_DESCENDING;
    }
    if (pos === n && this.rightmostDescent) return RUN_ASCENDING;
    return RUN_NONE;
  }

  /**
   * Where to split m = list.count cells with the new one at `pos`: leaves keep [0, k) on the
   * left; internal nodes keep [0, k) and move cell k up. A run splits at the new cell when the
   * side the run leaves behind is at least half full (always so for appends to a full page);
   * two inserts that land next to each other by chance near the far end of a page get a
   * balanced split instead of a tiny page. The same rule at internal levels keeps their run
   * side full too.
   */
  private splitPoint(list: CellList, leaf: boolean, pos: number, run: number): number {
    const m = list.count;
    const last = leaf ? m - 1 : m - 2;
    if (run !== RUN_NONE) {
      let k = run === RUN_ASCENDING ? pos + 1 : pos;
      k = k < 1 ? 1 : k > last ? last : k;
      const leftBytes = list.bytes(0, k);
      const rightBytes = list.bytes(leaf ? k : k + 1, m);
      const behind = run === RUN_ASCENDING ? leftBytes : rightBytes;
      if (leftBytes <= this.capacity && rightBytes <= this.capacity && 2 * behind >= this.capacity) return k;
    }
    return leaf ? chooseLeafSplit(list, this.capacity) : chooseInternalSplit(list, this.capacity);
  }

  /**
   * Internal cell (leftId, s) in cellBuf for a leaf split between list cells k−1 and k, where s
   * is the shortest prefix of key k greater than key k−1 (suffix truncation keeps internal
   * nodes wide).
   */
  private buildSeparator(leftId: PageId, k: number): number {
    const list = cellList;
    const a = list.keyOffset(k - 1, true);
    const al = list.keyLength(k - 1, true);
    const b = list.keyOffset(k, true);
    const bl = list.keyLength(k, true);
    const buf = list.buf;
    return buildInternalCell(this.cellBuf, leftId, buf, b, separatorLength(buf, a, al, buf, b, bl));
  }

  /**
   * The internal cell (leftId, s) in cellBuf for a quick split: the new leaf cell in cellBuf
   * went to a new right page after the n cells of `left`; s is the shortest prefix of its key
   * greater than left's last key (as buildSeparator).
   */
  private appendSeparator(leftId: PageId, left: Uint8Array, n: number): number {
    const cell = this.cellBuf;
    const bl = leafKeyLength(cell, 0);
    const off = cellPointer(left, this.c, n - 1);
    const a = off + LEAF_CELL_HEADER_BYTES;
    const sepLen = separatorLength(left, a, leafKeyLength(left, off), cell, LEAF_CELL_HEADER_BYTES, bl);
    const scratch = (this.sepScratch ??= scratchBytes(this.maxCellBytes));
    copyBytes(scratch, 0, cell, LEAF_CELL_HEADER_BYTES, sepLen);
    return buildInternalCell(cell, leftId, scratch, 0, sepLen);
  }

  private sepScratch: Uint8Array | null = null;

  /** Restore B4/B5 upward from path level `lv` after cells were removed there. */
  private rebalance(lv: number): void {
    const { store, c, e, capacity } = this;
    const list = cellList;
    for (;;) {
      const id = this.pathPage[lv]!;
      const page = store.read(id);
      const leaf = page[0] === LEAF;
      const n = cellCount(page, c);
      if (lv === 0) {
        if (n > 0) return;
        // Empty root: a leaf means an empty tree; an internal node hands over to its only child.
        const next = leaf ? 0 : rightChild(page, c);
        store.free(id);
        this.root.set(next);
        return;
      }
      if (n > 0 && capacity - nodeFreeBytes(page, c) >= this.minFillBytes) return;

      const parentId = this.pathPage[lv - 1]!;
      const parent = store.read(parentId);
      const pIdx = this.pathIdx[lv - 1]!;
      const pn = cellCount(parent, c);
      if (pn === 0) throw new CorruptionError(`B+tree ${this.name}: internal page ${parentId} has no separators`, { pageNumber: parentId, tree: this.name });
      const sepIndex = pIdx > 0 ? pIdx - 1 : 0;
      const leftId = childAt(parent, c, sepIndex);
      const rightId = childAt(parent, c, sepIndex + 1);
      const leftPage = store.read(leftId);
      const rightPage = store.read(rightId);
      if (checkNodePage(leftPage, c, e, leftId, this.name) !== leaf || checkNodePage(rightPage, c, e, rightId, this.name) !== leaf) {
        throw new CorruptionError(`B+tree ${this.name}: children ${leftId} and ${rightId} of page ${parentId} differ in kind`, {
          pageNumber: parentId,
          tree: this.name,
        });
      }
      list.reset(store.pageSizeBytes);
      list.addNodeCells(leftPage, c, leaf, 0, cellCount(leftPage, c));
      if (!leaf) {
        // The separator comes down between the two halves, pointing at left's rightmost child.
        const sepOff = cellPointer(parent, c, sepIndex);
        const cellLen = buildInternalCell(this.cellBuf, rightChild(leftPage, c), parent, sepOff + 6, rd16(parent, sepOff + 4));
        list.add(this.cellBuf, 0, cellLen);
      }
      list.addNodeCells(rightPage, c, leaf, 0, cellCount(rightPage, c));
      const m = list.count;
      const right = leaf ? 0 : rightChild(rightPage, c);
      this.touch();
      if (list.bytes(0, m) <= capacity) {
        // Merge into the right page; the parent drops (left, separator).
        writeNodeFromList(store.write(rightId), leaf ? LEAF : INTERNAL, c, e, list, 0, m, right);
        store.free(leftId);
        removeCells(store.write(parentId), c, e, sepIndex, sepIndex + 1, false);
        lv--;
        continue;
      }
      // Redistribute, then replace the parent's separator (which may split the parent).
      let sepLen: number;
      if (leaf) {
        const k = chooseLeafSplit(list, capacity);
        writeNodeFromList(store.write(leftId), LEAF, c, e, list, 0, k, 0);
        writeNodeFromList(store.write(rightId), LEAF, c, e, list, k, m, 0);
        sepLen = this.buildSeparator(leftId, k);
      } else {
        const k = chooseInternalSplit(list, capacity);
        const kOff = list.off[k]!;
        writeNodeFromList(store.write(leftId), INTERNAL, c, e, list, 0, k, rd32(list.buf, kOff));
        writeNodeFromList(store.write(rightId), INTERNAL, c, e, list, k + 1, m, right);
        sepLen = buildInternalCell(this.cellBuf, leftId, list.buf, list.keyOffset(k, false), list.keyLength(k, false));
      }
      removeCells(store.write(parentId), c, e, sepIndex, sepIndex + 1, false);
      this.insertAt(lv - 1, sepIndex, sepLen);
      return;
    }
  }
}

/** The key bounds [low, high) of one leaf (B2), copied out of the separators on its path. */
class LeafFences {
  private readonly low: Uint8Array;
  private readonly high: Uint8Array;
  /** −1: unbounded on that side. */
  private lowLen = -1;
  private highLen = -1;

  constructor(maxKeyBytes: number) {
    this.low = new Uint8Array(maxKeyBytes);
    this.high = new Uint8Array(maxKeyBytes);
  }

  fromPath(tree: BTree, lv: number): void {
    const lo = tree.fenceOfPath(lv, false);
    const hi = tree.fenceOfPath(lv, true);
    this.lowLen = lo === null ? -1 : copyFence(this.low, lo);
    this.highLen = hi === null ? -1 : copyFence(this.high, hi);
  }

  /** low ≤ key < high. */
  holds(key: Uint8Array): boolean {
    if (this.lowLen >= 0 && compareKeyAt(key, this.low, 0, this.lowLen) < 0) return false;
    return this.highLen < 0 || compareKeyAt(key, this.high, 0, this.highLen) < 0;
  }
}

/** fenceOfPath refuses separators longer than maxKeyBytes, so one always fits. */
function copyFence(dst: Uint8Array, src: { page: Uint8Array; off: number; len: number }): number {
  copyBytes(dst, 0, src.page, src.off, src.len);
  return src.len;
}

/**
 * True when the n cells of a leaf sit packed against E in pointer order with no holes, the
 * layout writeNodeFromList produces (and that ascending appends leave).
 */
function packedInOrder(page: Uint8Array, c: number, e: number, n: number): boolean {
  if (rd16(page, c + 4) !== 0) return false;
  let at = e;
  for (let i = 0; i < n; i++) {
    const off = cellPointer(page, c, i);
    at -= leafCellSize(page, off);
    if (off !== at) return false;
  }
  return at === rd16(page, c + 2);
}
