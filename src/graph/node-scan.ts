// NodeScan: the nodes of a label (or every node) one after another, with their properties
// read by key id, without allocating per node. After each successful next(), `id` is the
// node and property(keyId) decodes one property of its record (only that value).
//
// Two walks, as GraphReader.nodeIdsByLabel picks them:
//  - RecordScan walks the NODES tree itself and tests each record's labels (most nodes carry
//    the label, or no label is asked for): a record is read where it lies in the page image
//    (read snapshots; page-cache.ts C3) or from a copy (writers), never through a view. On a
//    read snapshot it reads each leaf's cells itself (btree-page.ts LEAF CELL), one cursor
//    step per leaf rather than per node.
//  - IndexedNodeScan takes ids from the label index and reads each record by lookup (few
//    nodes carry the label).
// Both are lazy and follow the B+tree cursors' stability (btree.ts B9).

import { CorruptionError } from '../errors.js';
import type { BTree } from '../storage/btree.js';
import type { Cursor } from '../storage/btree-cursor.js';
import { LEAF_CELL_HEADER_BYTES, NODE_HEADER_BYTES, cellCount, rd16 } from '../storage/btree-page.js';
import { readOrderedVarint } from './encoding.js';
import { findProperty, nodePropertiesOffset, nodePropertiesOffsetWithLabel, nodeRecordHasLabel } from './record.js';
import type { NodeId } from './types.js';
import type { PropertyValue } from './value.js';

export interface NodeScan {
  /** The node the scan is on (after a successful next()). */
  readonly id: NodeId;
  /** Step to the next node, ascending id; false once done. */
  next(): boolean;
  /** Value of property key id on the current node, null when absent. */
  property(keyId: number): PropertyValue;
}

const EMPTY = new Uint8Array(0);

/** Walks the NODES tree; `labelId` −1 takes every node. */
export class RecordScan implements NodeScan {
  id = -1;
  private readonly cursor: Cursor;
  private started = false;
  private buf: Uint8Array = EMPTY;
  private start = 0;
  private end = 0;
  private propertiesAt = -1;
  // Leaf walk (zeroCopy): the leaf image, its id, the next cell to read and the cell count.
  private leaf: Uint8Array | null = null;
  private leafId = 0;
  private cell = 0;
  private cells = 0;

  constructor(
    private readonly tree: BTree,
    private readonly labelId: number,
    private readonly zeroCopy: boolean,
  ) {
    this.cursor = tree.cursor();
  }

  next(): boolean {
    if (this.zeroCopy) return this.nextInLeaf();
    const cur = this.cursor;
    if (!this.started) {
      this.started = true;
      cur.seekFirst();
    } else cur.next();
    const tree = this.tree;
    while (cur.valid) {
      if (this.zeroCopy) {
        cur.locateValue();
        this.buf = tree.locatedBuf;
        this.start = tree.locatedStart;
        this.end = tree.locatedEnd;
      } else {
        const value = cur.value;
        this.buf = value;
        this.start = 0;
        this.end = value.length;
      }
      if (this.labelId < 0 || nodeRecordHasLabel(this.buf, this.labelId, this.start, this.end)) {
        this.id = readOrderedVarint(cur.keyBytes, 0, cur.keyLength);
        this.propertiesAt = -1;
        return true;
      }
      cur.next();
    }
    return false;
  }

  /** next() on a read snapshot: the cells of the leaf in hand, then the next leaf's. */
  private nextInLeaf(): boolean {
    const tree = this.tree;
    const c = tree.c;
    for (;;) {
      const page = this.leaf;
      if (page !== null && this.cell < this.cells) {
        const i = this.cell++;
        const off = rd16(page, c + NODE_HEADER_BYTES + 2 * i);
        const keyLength = rd16(page, off + 1);
        const keyAt = off + LEAF_CELL_HEADER_BYTES;
        if (off < c + NODE_HEADER_BYTES + 2 * this.cells || keyAt + keyLength > tree.e) {
          throw new CorruptionError(`B+tree ${tree.name}: page ${this.leafId}: cell ${i} lies outside the page`, { pageNumber: this.leafId, tree: tree.name });
        }
        tree.locateAt(page, off, this.leafId);
        const buf = tree.locatedBuf;
        const end = tree.locatedEnd;
        const at = nodePropertiesOffsetWithLabel(buf, this.labelId, tree.locatedStart, end);
        if (at >= 0) {
          this.buf = buf;
          this.start = tree.locatedStart;
          this.end = end;
          this.propertiesAt = at;
          this.id = readOrderedVarint(page, keyAt, keyAt + keyLength);
          return true;
        }
        continue;
      }
      const cur = this.cursor;
      if (!this.started) {
        this.started = true;
        cur.seekFirst();
      } else if (page !== null) cur.nextLeaf();
      if (!cur.valid) {
        this.leaf = null;
        return false;
      }
      const leaf = cur.leafImage;
      this.leaf = leaf;
      this.leafId = cur.leafPageId;
      this.cell = cur.leafIndex;
      this.cells = cellCount(leaf, c);
    }
  }

  property(keyId: number): PropertyValue {
    if (this.propertiesAt < 0) this.propertiesAt = nodePropertiesOffset(this.buf, this.start, this.end);
    return findProperty(this.buf, this.propertiesAt, keyId, this.end) ?? null;
  }
}

/** Ids from the label index; properties through `read` (GraphReader.nodePropertyByKeyId). */
export class IndexedNodeScan implements NodeScan {
  id = -1;

  constructor(
    private readonly ids: Iterator<NodeId>,
    private readonly read: (id: NodeId, keyId: number) => PropertyValue,
  ) {}

  next(): boolean {
    const step = this.ids.next();
    if (step.done === true) return false;
    this.id = step.value;
    return true;
  }

  property(keyId: number): PropertyValue {
    return this.read(this.id, keyId);
  }
}

/** A scan of nothing (a label no node ever had). */
export const EMPTY_SCAN: NodeScan = {
  id: -1,
  next: () => false,
  property: () => null,
};
