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

import { CorruptionError } from '../errors.js';
import { BTree, rootInSlot } from '../storage/btree.js';
import type { Cursor } from '../storage/btree-cursor.js';
import { ROOT_SLOT } from '../storage/meta.js';
import type { PageStore } from '../storage/types.js';
import { ByteBuffer, orderedVarintEnd, putVarint, readOrderedVarint, readVarint } from './encoding.js';

export const DIRECTION_OUT = 0;
export const DIRECTION_IN = 1;
export type DirectionCode = typeof DIRECTION_OUT | typeof DIRECTION_IN;

const EMPTY = new Uint8Array(0);

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
  private prefix: Uint8Array = EMPTY;
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

  /** Add both entries and bump both degrees. Cost: 2 inserts + 2 degree updates. */
  add(relationshipId: number, typeId: number, start: number, end: number): void {
    this.tree(DIRECTION_OUT).insert(this.entryKey(start, typeId, end, relationshipId), EMPTY);
    this.tree(DIRECTION_IN).insert(this.entryKey(end, typeId, start, relationshipId), EMPTY);
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
      const value = tree.get(this.degreeKey(node, direction, typeId));
      return value === undefined ? 0 : readVarint(value, 0, value.length);
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
