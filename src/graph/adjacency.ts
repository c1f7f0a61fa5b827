// Adjacency: who is connected to whom, in two B+trees of keys without values, plus a degree
// tree so degree() needs no scan. Parts are ordered varints (encoding.ts).
//
// ADJACENCY_OUT key: start node, type id, end node, relationship id      value: empty
// ADJACENCY_IN  key: end node,   type id, start node, relationship id    value: empty
// DEGREES       key: node, u8 direction (0 out, 1 in), type id           value: varint count
//
// A node's relationships of one type are one contiguous key range (node, type), and all its
// relationships one range (node): expand reads exactly the entries it returns. A self-loop has
// one OUT entry and one IN entry on the same node, like any other relationship.
//
// Invariants (checked by check.ts):
//  (A1) Every relationship (id r, type t, start s, end e) has exactly the entries
//       OUT (s, t, e, r) and IN (e, t, s, r), and every entry belongs to such a relationship.
//  (A2) DEGREES (n, d, t) = number of entries of direction d on node n with type t; an
//       entry with count 0 does not exist.
//
// Deferred writes (transaction.ts T5): in a write transaction, add() keeps the two entries
// and the degree changes of a new relationship in memory (PendingAdjacency, one per
// transaction) and registers flushes for the three root slots. A flush sorts what is held
// and applies it with BTree.mergeSorted: one descent per leaf touched instead of six random
// descents per relationship. Any read of one of the trees (through any reader on the same
// transaction, cursors included) runs its flush first, so A1/A2 hold for every observer.

import { CorruptionError } from '../errors.js';
import { BTree, rootInSlot } from '../storage/btree.js';
import type { Cursor } from '../storage/btree-cursor.js';
import { ROOT_SLOT } from '../storage/meta.js';
import { NO_BYTES } from '../storage/scratch.js';
import { canDefer, type DeferringStore } from '../storage/transaction.js';
import type { PageStore } from '../storage/types.js';
import { ByteBuffer, orderedVarintEnd, putVarint, readOrderedVarint, readVarint } from './encoding.js';

/** Flush every deferred tree after this many relationships (bounds memory; errors come early enough). */
const MAX_PENDING = 1 << 16;
/** Degree changes are held under the number node·2048 + direction·1024 + type: exact below 2^53. */
const DEGREE_TYPE_LIMIT = 1024;
const DEGREE_NODE_LIMIT = 2 ** 42;

/** New relationships of one write transaction not yet in the adjacency and degree trees. */
class PendingAdjacency {
  private start = new Float64Array(1024);
  private end = new Float64Array(1024);
  private type = new Float64Array(1024);
  private rel = new Float64Array(1024);
  /** Entries [0, count) were added; OUT holds those below outDone, IN those below inDone, DEGREES those below degreesDone. */
  private count = 0;
  private outDone = 0;
  private inDone = 0;
  private degreesDone = 0;
  private readonly bb = new ByteBuffer(48);
  private readonly countBuf = new Uint8Array(10);
  /** countViews[n] = countBuf.subarray(0, n): the degree values handed to mergeSorted (which copies them). */
  private readonly countViews: (Uint8Array | undefined)[] = [];

  // The deferred flushes (T5), made once: add() registers them for every relationship.
  private readonly flushOut = (): void => this.flushEntries(DIRECTION_OUT);
  private readonly flushIn = (): void => this.flushEntries(DIRECTION_IN);
  private readonly flushDegreeChanges = (): void => this.flushDegrees();

  constructor(private readonly store: DeferringStore) {}

  static fits(typeId: number, start: number, end: number): boolean {
    return typeId < DEGREE_TYPE_LIMIT && start < DEGREE_NODE_LIMIT && end < DEGREE_NODE_LIMIT;
  }

  add(relationshipId: number, typeId: number, start: number, end: number): void {
    if (this.count === this.start.length) this.grow();
    const i = this.count++;
    this.start[i] = start;
    this.end[i] = end;
    this.type[i] = typeId;
    this.rel[i] = relationshipId;
    const store = this.store;
    store.deferUntilRead(ROOT_SLOT.ADJACENCY_OUT, this.flushOut);
    store.deferUntilRead(ROOT_SLOT.ADJACENCY_IN, this.flushIn);
    store.deferUntilRead(ROOT_SLOT.DEGREES, this.flushDegreeChanges);
    if (this.count - Math.min(this.outDone, this.inDone, this.degreesDone) >= MAX_PENDING) {
      store.flushDeferred(ROOT_SLOT.ADJACENCY_OUT);
      store.flushDeferred(ROOT_SLOT.ADJACENCY_IN);
      store.flushDeferred(ROOT_SLOT.DEGREES);
    }
  }

  private grow(): void {
    const size = this.start.length * 2;
    for (const name of ['start', 'end', 'type', 'rel'] as const) {
      const next = new Float64Array(size);
      next.set(this[name]);
      this[name] = next;
    }
  }

  /** Write the held entries of one direction, in key order. */
  private flushEntries(direction: DirectionCode): void {
    const from = direction === DIRECTION_OUT ? this.outDone : this.inDone;
    const to = this.count;
    if (from === to) return;
    const [node, other] = direction === DIRECTION_OUT ? [this.start, this.end] : [this.end, this.start];
    const { type, rel } = this;
    const order = pendingKeyOrder(node, type, other, rel, from, to);
    const tree = new BTree(this.store, rootInSlot(this.store, direction === DIRECTION_OUT ? ROOT_SLOT.ADJACENCY_OUT : ROOT_SLOT.ADJACENCY_IN), {
      name: direction === DIRECTION_OUT ? 'adjacency-out' : 'adjacency-in',
    });
    const bb = this.bb;
    tree.mergeSorted(
      order.length,
      (i) => {
        const j = order[i]!;
        return bb.reset().ordered(node[j]!).ordered(type[j]!).ordered(other[j]!).ordered(rel[j]!).view();
      },
      (i, old) => {
        if (old !== undefined) {
          const id = rel[order[i]!]!;
          throw new CorruptionError(`adjacency: relationship ${id} already has its ${direction === DIRECTION_OUT ? 'out' : 'in'} entry (invariant A1)`, {
            relationshipId: id,
            tree: tree.name,
          });
        }
        return NO_BYTES;
      },
    );
    if (direction === DIRECTION_OUT) this.outDone = to;
    else this.inDone = to;
    this.releaseDone();
  }

  /** Forget the entries every tree has. */
  private releaseDone(): void {
    if (this.outDone === this.count && this.inDone === this.count && this.degreesDone === this.count) this.count = this.outDone = this.inDone = this.degreesDone = 0;
  }

  /** Apply the held degree changes, in key order. */
  private flushDegrees(): void {
    const from = this.degreesDone;
    const to = this.count;
    if (from === to) return;
    // Two changes per relationship, as numbers (see DEGREE_TYPE_LIMIT); sorted, then runs summed.
    const all = new Float64Array(2 * (to - from));
    for (let i = from, k = 0; i < to; i++) {
      all[k++] = this.start[i]! * 2048 + DIRECTION_OUT * 1024 + this.type[i]!;
      all[k++] = this.end[i]! * 2048 + DIRECTION_IN * 1024 + this.type[i]!;
    }
    all.sort();
    const keys = new Float64Array(all.length);
    const deltas = new Float64Array(all.length);
    let n = 0;
    for (let k = 0; k < all.length; k++) {
      if (n > 0 && keys[n - 1] === all[k]) deltas[n - 1]!++;
      else {
        keys[n] = all[k]!;
        deltas[n++] = 1;
      }
    }
    const tree = new BTree(this.store, rootInSlot(this.store, ROOT_SLOT.DEGREES), { name: 'degrees' });
    const bb = this.bb;
    const countBuf = this.countBuf;
    const countViews = this.countViews;
    tree.mergeSorted(
      n,
      (i) => {
        const key = keys[i]!;
        const typeId = key % 1024;
        const rest = (key - typeId) / 1024;
        const direction = rest % 2;
        return bb
          .reset()
          .ordered((rest - direction) / 2)
          .u8(direction)
          .ordered(typeId)
          .view();
      },
      (i, old) => {
        const key = keys[i]!;
        const next = (old === undefined ? 0 : readVarint(old, 0, old.length)) + deltas[i]!;
        if (next < 0) {
          const node = Math.floor(key / 2048);
          throw new CorruptionError(`degrees: degree of node ${node} would drop below 0 (invariant A2)`, { nodeId: node, tree: 'degrees' });
        }
        if (next === 0) return null;
        const n = putVarint(countBuf, 0, next);
        return (countViews[n] ??= countBuf.subarray(0, n)); // one view per length, made once
      },
    );
    this.degreesDone = to;
    this.releaseDone();
  }
}

/** Positions per flush the packed sort carries in the low bits of its sort keys (≥ MAX_PENDING). */
const POSITION_SPAN = 1 << 16;
/** Runs of one node longer than this are sorted with the comparator instead of by insertion. */
const INSERTION_RUN_MAX = 24;

/**
 * Positions [from, to) of the held entries in the order of their keys: by (node, type, other,
 * relationship), ascending (each part an ordered varint, so numeric order is key order, V1).
 * A comparator sort of 10,000 positions costs ~140,000 comparator calls; here a native
 * numeric sort of node·2^16 + (position − from) does the work when node ids are below 2^37
 * (the key stays an exact double), and the runs of one node (a few entries each, except a
 * hub's) are finished by type, other end and relationship id. Cost: O(n log n), one
 * Float64Array and one Int32Array of n.
 */
export function pendingKeyOrder(
  node: Float64Array,
  type: Float64Array,
  other: Float64Array,
  rel: Float64Array,
  from: number,
  to: number,
): Int32Array {
  const n = to - from;
  const order = new Int32Array(n);
  const after = (a: number, b: number): number => node[a]! - node[b]! || type[a]! - type[b]! || other[a]! - other[b]! || rel[a]! - rel[b]!;
  let packable = n <= POSITION_SPAN;
  for (let i = from; packable && i < to; i++) if (node[i]! >= 2 ** 37) packable = false;
  if (!packable) {
    const all: number[] = new Array<number>(n);
    for (let i = 0; i < n; i++) all[i] = from + i;
    all.sort(after);
    order.set(all);
    return order;
  }
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) packed[i] = node[from + i]! * POSITION_SPAN + i;
  packed.sort();
  for (let i = 0; i < n; i++) order[i] = from + (packed[i]! % POSITION_SPAN);
  // Positions now ascend by node; within a run of one node, order by the rest of the key.
  const run: number[] = [];
  for (let runStart = 0; runStart < n; ) {
    const runNode = node[order[runStart]!]!;
    let runEnd = runStart + 1;
    while (runEnd < n && node[order[runEnd]!] === runNode) runEnd++;
    if (runEnd - runStart > INSERTION_RUN_MAX) {
      run.length = 0;
      for (let i = runStart; i < runEnd; i++) run.push(order[i]!);
      run.sort(after);
      for (let i = runStart; i < runEnd; i++) order[i] = run[i - runStart]!;
    } else {
      for (let i = runStart + 1; i < runEnd; i++) {
        const at = order[i]!;
        let j = i;
        while (j > runStart && after(order[j - 1]!, at) > 0) {
          order[j] = order[j - 1]!;
          j--;
        }
        order[j] = at;
      }
    }
    runStart = runEnd;
  }
  return order;
}

const pendingOf = new WeakMap<PageStore, PendingAdjacency>();

export const DIRECTION_OUT = 0;
export const DIRECTION_IN = 1;
export type DirectionCode = typeof DIRECTION_OUT | typeof DIRECTION_IN;

/** One adjacency entry, decoded from its key. */
export interface AdjacencyEntry {
  node: number;
  typeId: number;
  other: number;
  relationshipId: number;
}

export function decodeAdjacencyKey(key: Uint8Array): AdjacencyEntry {
  const node = readOrderedVarint(key, 0);
  const typeId = readOrderedVarint(key, orderedVarintEnd);
  const other = readOrderedVarint(key, orderedVarintEnd);
  const relationshipId = readOrderedVarint(key, orderedVarintEnd);
  if (orderedVarintEnd !== key.length) throw new CorruptionError('adjacency: key has bytes after its relationship id', { tree: 'adjacency' });
  return { node, typeId, other, relationshipId };
}

export function decodeDegreeKey(key: Uint8Array): { node: number; direction: number; typeId: number } {
  const node = readOrderedVarint(key, 0);
  const direction = key[orderedVarintEnd]!;
  const typeId = readOrderedVarint(key, orderedVarintEnd + 1);
  if (direction > 1 || orderedVarintEnd !== key.length) throw new CorruptionError('degrees: malformed key', { tree: 'degrees' });
  return { node, direction, typeId };
}

/**
 * Walks the entries of one node (optionally of one type) in one direction without building
 * objects: read typeId / other / relationshipId after each successful step.
 */
export class AdjacencyCursor {
  typeId = 0;
  other = 0;
  relationshipId = 0;
  private prefix: Uint8Array = NO_BYTES;
  private started = false;

  constructor(private readonly cursor: Cursor) {}

  /** Position before the first entry of (node[, typeId]); call next() to read it. */
  reset(prefix: Uint8Array): void {
    this.prefix = prefix;
    this.started = false;
  }

  next(): boolean {
    const cur = this.cursor;
    if (!this.started) {
      this.started = true;
      cur.seek(this.prefix);
    } else cur.next();
    if (!cur.valid || !cur.keyStartsWith(this.prefix)) return false;
    const key = cur.key;
    const afterNode = skipNode(key);
    this.typeId = readOrderedVarint(key, afterNode);
    this.other = readOrderedVarint(key, orderedVarintEnd);
    this.relationshipId = readOrderedVarint(key, orderedVarintEnd);
    return true;
  }
}

function skipNode(key: Uint8Array): number {
  readOrderedVarint(key, 0);
  return orderedVarintEnd;
}

/** The adjacency and degree trees of one transaction. */
export class AdjacencyStore {
  private outTree: BTree | null = null;
  private inTree: BTree | null = null;
  private degreeTree: BTree | null = null;
  private readonly bb = new ByteBuffer(48);
  private readonly countBuf = new Uint8Array(10);

  constructor(private readonly store: PageStore) {}

  tree(direction: DirectionCode): BTree {
    if (direction === DIRECTION_OUT) return (this.outTree ??= new BTree(this.store, rootInSlot(this.store, ROOT_SLOT.ADJACENCY_OUT), { name: 'adjacency-out' }));
    return (this.inTree ??= new BTree(this.store, rootInSlot(this.store, ROOT_SLOT.ADJACENCY_IN), { name: 'adjacency-in' }));
  }

  get degrees(): BTree {
    return (this.degreeTree ??= new BTree(this.store, rootInSlot(this.store, ROOT_SLOT.DEGREES), { name: 'degrees' }));
  }

  /** Key of one entry (node, type, other, rel), a view valid until the next key is built. */
  entryKey(node: number, typeId: number, other: number, relationshipId: number): Uint8Array {
    return this.bb.reset().ordered(node).ordered(typeId).ordered(other).ordered(relationshipId).view();
  }

  /** Prefix of a node's entries, or of its entries of one type. A copy. */
  prefix(node: number, typeId?: number): Uint8Array {
    const bb = this.bb.reset().ordered(node);
    if (typeId !== undefined) bb.ordered(typeId);
    return bb.copy();
  }

  /**
   * Add both entries and bump both degrees. Cost: in a write transaction, an append to the
   * pending batch (the trees get it at their next read or the commit, in key order);
   * elsewhere 2 inserts + 2 degree updates.
   */
  add(relationshipId: number, typeId: number, start: number, end: number): void {
    const store = this.store;
    if (canDefer(store) && PendingAdjacency.fits(typeId, start, end)) {
      let pending = pendingOf.get(store);
      if (pending === undefined) pendingOf.set(store, (pending = new PendingAdjacency(store)));
      pending.add(relationshipId, typeId, start, end);
      // Invariant B9: open cursors on these trees re-seek, and so run the flush first.
      this.tree(DIRECTION_OUT).noteDeferredChange();
      return;
    }
    this.tree(DIRECTION_OUT).insert(this.entryKey(start, typeId, end, relationshipId), NO_BYTES);
    this.tree(DIRECTION_IN).insert(this.entryKey(end, typeId, start, relationshipId), NO_BYTES);
    this.adjustDegree(start, DIRECTION_OUT, typeId, 1);
    this.adjustDegree(end, DIRECTION_IN, typeId, 1);
  }

  /** Remove both entries and lower both degrees. */
  remove(relationshipId: number, typeId: number, start: number, end: number): void {
    const a = this.tree(DIRECTION_OUT).delete(this.entryKey(start, typeId, end, relationshipId));
    const b = this.tree(DIRECTION_IN).delete(this.entryKey(end, typeId, start, relationshipId));
    if (!a || !b) {
      throw new CorruptionError(`adjacency: relationship ${relationshipId} lacks its ${!a ? 'out' : 'in'} entry (invariant A1)`, {
        relationshipId,
        tree: !a ? 'adjacency-out' : 'adjacency-in',
      });
    }
    this.adjustDegree(start, DIRECTION_OUT, typeId, -1);
    this.adjustDegree(end, DIRECTION_IN, typeId, -1);
  }

  private degreeKey(node: number, direction: DirectionCode, typeId: number): Uint8Array {
    return this.bb.reset().ordered(node).u8(direction).ordered(typeId).view();
  }

  private adjustDegree(node: number, direction: DirectionCode, typeId: number, delta: number): void {
    const tree = this.degrees;
    const key = this.degreeKey(node, direction, typeId);
    const value = tree.get(key);
    const next = (value === undefined ? 0 : readVarint(value, 0, value.length)) + delta;
    if (next < 0) throw new CorruptionError(`degrees: degree of node ${node} would drop below 0 (invariant A2)`, { nodeId: node, tree: 'degrees' });
    if (next === 0) tree.delete(key);
    else tree.put(key, this.countBuf.slice(0, putVarint(this.countBuf, 0, next)));
  }

  /** Degree of a node in one direction, for one type or (typeId undefined) all. Cost: one lookup, or a scan of the node's degree entries. */
  degree(node: number, direction: DirectionCode, typeId?: number): number {
    const tree = this.degrees;
    if (typeId !== undefined) {
      // Read in place, no key or value copy: decoded at once, before anything can change the
      // page, so a writer may read this way too.
      if (!tree.locate(this.degreeKey(node, direction, typeId))) return 0;
      return readVarint(tree.locatedBuf, tree.locatedStart, tree.locatedEnd);
    }
    const prefix = this.bb.reset().ordered(node).u8(direction).copy();
    let total = 0;
    const cur = tree.cursor();
    cur.seek(prefix);
    while (cur.valid && cur.keyStartsWith(prefix)) {
      const value = cur.value;
      total += readVarint(value, 0, value.length);
      cur.next();
    }
    return total;
  }

  /** True when the node has any relationship. Cost: one seek. */
  hasRelationships(node: number): boolean {
    const prefix = this.prefix(node);
    const cur = this.degrees.cursor();
    cur.seek(prefix);
    return cur.valid && cur.keyStartsWith(prefix);
  }

  private readonly idle: [AdjacencyCursor[], AdjacencyCursor[]] = [[], []];

  /** A fresh entry walker over one direction's tree. */
  cursor(direction: DirectionCode): AdjacencyCursor {
    return new AdjacencyCursor(this.tree(direction).cursor());
  }

  /** A walker from the pool (expansions nest, so one per open iteration); give it back with release(). */
  acquire(direction: DirectionCode): AdjacencyCursor {
    return this.idle[direction].pop() ?? this.cursor(direction);
  }

  release(direction: DirectionCode, walker: AdjacencyCursor): void {
    const pool = this.idle[direction];
    if (pool.length < 8) pool.push(walker);
  }
}
