// NeighbourCursor: a node's relationships and the nodes at their other ends, walked without
// allocating: after each successful next(), read relationshipId / typeId / otherNodeId /
// outgoing. The same entries in the same order as GraphReader.expand() (out before in for
// 'both'; within a direction by type id, other node, relationship id), decoded in place
// (adjacency.ts key layout): on a read snapshot from the leaf page image, else from the B+tree
// cursor's key buffer.
//
// Why not expand(): a generator step, a Neighbour object, a key copy and a catalog name
// lookup per relationship cost more than reading the entry itself; a 2-hop count reads ~100
// entries per query.
//
// A cursor belongs to the GraphReader that lent it (GraphReader.neighbours): give it back
// with GraphReader.releaseNeighbours when done, so the next expansion reuses its B+tree cursors.
// Stability is the B+tree cursor's (btree.ts B9): the graph may change while walking (only a
// writer's graph can, and a writer's walk goes through the cursor).

import { CorruptionError } from '../errors.js';
import type { BTree } from '../storage/btree.js';
import type { Cursor } from '../storage/btree-cursor.js';
import { LEAF_CELL_HEADER_BYTES, NODE_HEADER_BYTES, cellCount, rd16 } from '../storage/btree-page.js';
import { DIRECTION_IN, DIRECTION_OUT, type AdjacencyStore, type DirectionCode } from './adjacency.js';
import { orderedVarintEnd, putOrderedVarint, readOrderedVarint } from './encoding.js';
import type { Direction } from './types.js';

/** Node id (≤ 8 bytes) + type id (≤ 8 bytes). */
const PREFIX_BYTES_MAX = 16;

export class NeighbourCursor {
  /** The entry read by the last successful next(). */
  relationshipId = 0;
  typeId = 0;
  otherNodeId = 0;
  /** True when the entry is an outgoing relationship of the node (false: incoming). */
  outgoing = true;

  private node = 0;
  private typeIds: readonly number[] | undefined = undefined;
  private round = 0;
  private dir: DirectionCode = DIRECTION_OUT;
  private lastDir: DirectionCode = DIRECTION_OUT;
  /** The B+tree cursor of the range being walked; null between ranges. */
  private current: Cursor | null = null;
  private started = false;
  private done = true;
  private readonly cursors: (Cursor | null)[] = [null, null];
  // Leaf walk, on read snapshots only (their page images never change: page-cache.ts C3; a
  // writer's pages change in place): the range's entries are read from the leaf image itself,
  // cell after cell, and the B+tree cursor only seeks and steps from leaf to leaf. Saves the
  // cursor's per-entry key copy and bookkeeping; the same entries in the same order.
  private zeroCopy = false;
  private tree: BTree | null = null;
  private leaf: Uint8Array | null = null;
  private leafId = 0;
  private cell = 0;
  private cells = 0;
  private readonly prefixBuf = new Uint8Array(PREFIX_BYTES_MAX);
  /** Views of prefixBuf by length (seek takes an exact-length key). */
  private readonly prefixViews: (Uint8Array | undefined)[] = [];
  private prefixLen = 0;
  /** The type of the range being walked, when the walk is by type (its id ends the prefix). */
  private rangeTypeId = 0;

  constructor(private readonly adjacency: AdjacencyStore) {}

  /**
   * Start over on `node`. `typeIds`: sorted distinct type ids, undefined for every type (an
   * empty list matches nothing).
   */
  reset(node: number, direction: Direction, typeIds: readonly number[] | undefined): void {
    this.node = node;
    this.typeIds = typeIds;
    this.dir = direction === 'in' ? DIRECTION_IN : DIRECTION_OUT;
    this.lastDir = direction === 'out' ? DIRECTION_OUT : DIRECTION_IN;
    this.round = 0;
    this.current = null;
    this.done = typeIds !== undefined && typeIds.length === 0;
  }

  /** Step to the next entry; false once every range is walked. */
  next(): boolean {
    for (;;) {
      let cur = this.current;
      if (cur === null) {
        if (this.done) return false;
        cur = this.openRange();
        this.started = false;
      }
      if (this.zeroCopy) {
        if (this.stepInLeaf(cur)) return true;
      } else {
        if (!this.started) {
          this.started = true;
          cur.seek(this.prefixViews[this.prefixLen]!);
        } else cur.next();
        if (cur.valid && this.decode(cur)) return true;
      }
      this.closeRange();
    }
  }

  /** next() of the leaf walk: the range's next entry, read from the leaf image; false past it. */
  private stepInLeaf(cur: Cursor): boolean {
    if (!this.started) {
      this.started = true;
      if (!cur.seek(this.prefixViews[this.prefixLen]!)) return false;
      this.takeLeaf(cur);
    }
    for (;;) {
      if (this.cell < this.cells) return this.decodeCell(this.cell++);
      if (!cur.nextLeaf()) return false;
      this.takeLeaf(cur);
    }
  }

  private takeLeaf(cur: Cursor): void {
    const leaf = cur.leafImage;
    this.leaf = leaf;
    this.leafId = cur.leafPageId;
    this.cell = cur.leafIndex;
    this.cells = cellCount(leaf, this.tree!.c);
  }

  /** Decode leaf cell i (btree-page.ts LEAF CELL: the key follows a 7-byte header); false when it lies past the range's prefix. */
  private decodeCell(i: number): boolean {
    const page = this.leaf!;
    const tree = this.tree!;
    const c = tree.c;
    const off = rd16(page, c + NODE_HEADER_BYTES + 2 * i);
    const len = rd16(page, off + 1);
    const at = off + LEAF_CELL_HEADER_BYTES;
    if (off < c + NODE_HEADER_BYTES + 2 * this.cells || at + len > tree.e) {
      throw new CorruptionError(`B+tree ${tree.name}: page ${this.leafId}: cell ${i} lies outside the page`, { pageNumber: this.leafId, tree: tree.name, cellIndex: i, cellOffset: off });
    }
    const n = this.prefixLen;
    if (len < n) return false;
    const prefix = this.prefixBuf;
    for (let k = 0; k < n; k++) if (page[at + k] !== prefix[k]) return false;
    this.decodeRest(page, at + n, at + len);
    return true;
  }

  /**
   * Decode the parts of a key after the range's prefix, which matched: the prefix is the
   * node's varint and, for a typed range, the type's (ordered varints are self-delimiting, so
   * a matching prefix is those parts exactly).
   */
  private decodeRest(key: Uint8Array, at: number, end: number): void {
    if (this.typeIds === undefined) {
      this.typeId = readOrderedVarint(key, at, end);
      at = orderedVarintEnd;
    } else this.typeId = this.rangeTypeId;
    this.otherNodeId = readOrderedVarint(key, at, end);
    this.relationshipId = readOrderedVarint(key, orderedVarintEnd, end);
  }

  /** Position on the range of the current (direction, type round); builds its key prefix. */
  private openRange(): Cursor {
    const dir = this.dir;
    const buf = this.prefixBuf;
    let n = putOrderedVarint(buf, 0, this.node);
    if (this.typeIds !== undefined) {
      this.rangeTypeId = this.typeIds[this.round]!;
      n = putOrderedVarint(buf, n, this.rangeTypeId);
    }
    this.prefixLen = n;
    this.prefixViews[n] ??= buf.subarray(0, n);
    const tree = this.adjacency.tree(dir);
    const cur = (this.cursors[dir] ??= tree.cursor());
    this.tree = tree;
    this.zeroCopy = !tree.store.writable;
    this.current = cur;
    this.outgoing = dir === DIRECTION_OUT;
    return cur;
  }

  /** Move to the next type round, then the next direction; done after the last. */
  private closeRange(): void {
    this.current = null;
    this.leaf = null;
    const rounds = this.typeIds === undefined ? 1 : this.typeIds.length;
    if (++this.round < rounds) return;
    this.round = 0;
    if (this.dir < this.lastDir) this.dir = DIRECTION_IN;
    else this.done = true;
  }

  /** Decode the cursor's entry in place; false when it lies past the range's prefix. */
  private decode(cur: Cursor): boolean {
    const key = cur.keyBytes;
    const len = cur.keyLength;
    const n = this.prefixLen;
    if (len < n) return false;
    const prefix = this.prefixBuf;
    for (let i = 0; i < n; i++) if (key[i] !== prefix[i]) return false;
    this.decodeRest(key, n, len);
    return true;
  }
}
