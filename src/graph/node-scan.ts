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
import { NO_BYTES } from '../storage/scratch.js';
import { readOrderedVarint, readVarint, varintEnd } from './encoding.js';
import { VALUE_TAG, findProperty, nodePropertiesOffset, nodePropertiesOffsetWithLabel, nodeRecordHasLabel, readValue, skipValue } from './record.js';
import type { NodeId } from './types.js';
import type { PropertyValue } from './value.js';

export interface NodeScan {
  /** The node the scan is on (after a successful next()). */
  readonly id: NodeId;
  /** Step to the next node, ascending id; false once done. */
  next(): boolean;
  /** Value of property key id on the current node, null when absent. */
  property(keyId: number): PropertyValue;
  /**
   * property(keyId) as a number when it is an INTEGER strictly within ±2^31 (exact as a
   * double; aggregates sum those without a BigInt); otherwise NaN, and the value (null when
   * absent) is in otherValue until the next call.
   */
  integerProperty(keyId: number): number;
  readonly otherValue: PropertyValue;
}

/** Zigzag varints below this decode to INTEGERs strictly within ±2^31. */
const SMALL_ZIGZAG_LIMIT = 2 ** 32 - 1;
const SMALL_BIGINT_LIMIT = 2n ** 31n;

function smallIntegerOf(value: PropertyValue): number {
  return typeof value === 'bigint' && value < SMALL_BIGINT_LIMIT && value > -SMALL_BIGINT_LIMIT ? Number(value) : NaN;
}

/** Walks the NODES tree; `labelId` −1 takes every node. */
export class RecordScan implements NodeScan {
  private nodeId = -1;
  /** Leaf walk: the page and byte range of the current key, decoded into nodeId when asked (aggregates never ask). */
  private idPage: Uint8Array | null = null;
  private idAt = 0;
  private idEnd = 0;
  private readonly cursor: Cursor;
  private started = false;
  private buf: Uint8Array = NO_BYTES;
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

  get id(): NodeId {
    const page = this.idPage;
    if (page !== null) {
      this.nodeId = readOrderedVarint(page, this.idAt, this.idEnd);
      this.idPage = null;
    }
    return this.nodeId;
  }

  next(): boolean {
    if (this.zeroCopy) return this.nextInLeaf();
    const cur = this.cursor;
    if (!this.started) {
      this.started = true;
      cur.seekFirst();
    } else cur.next();
    while (cur.valid) {
      const value = cur.value;
      this.buf = value;
      this.start = 0;
      this.end = value.length;
      if (this.labelId < 0 || nodeRecordHasLabel(this.buf, this.labelId, this.start, this.end)) {
        this.nodeId = readOrderedVarint(cur.keyBytes, 0, cur.keyLength);
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
          // The leaf image outlives the step (read snapshots: C3), so the id can wait.
          this.idPage = page;
          this.idAt = keyAt;
          this.idEnd = keyAt + keyLength;
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

  otherValue: PropertyValue = null;

  /** findProperty's walk (record.ts PROPERTIES), decoding a small INTEGER's zigzag varint in place. */
  integerProperty(keyId: number): number {
    if (this.propertiesAt < 0) this.propertiesAt = nodePropertiesOffset(this.buf, this.start, this.end);
    const buf = this.buf;
    const end = this.end;
    // One-byte varints (counts and key ids below 128, the usual case) are read in place.
    let p = this.propertiesAt;
    let count = p < end ? buf[p]! : 128;
    if (count < 128) p++;
    else {
      count = readVarint(buf, p, end);
      p = varintEnd;
    }
    for (let i = 0; i < count; i++) {
      let id = p < end ? buf[p]! : 128;
      if (id < 128) p++;
      else {
        id = readVarint(buf, p, end);
        p = varintEnd;
      }
      if (id === keyId) {
        if (buf[p] === VALUE_TAG.INTEGER) {
          let zigzag = 0;
          let scale = 1;
          // At most 5 bytes (< 2^35); a varint cut short falls through to readValue, which reports it.
          for (let k = p + 1; k < end && k <= p + 5; k++) {
            const b = buf[k]!;
            zigzag += (b & 0x7f) * scale;
            if (b < 128) {
              if (zigzag < SMALL_ZIGZAG_LIMIT) return zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
              break;
            }
            scale *= 128;
          }
        }
        this.otherValue = readValue(buf, p, end);
        return NaN;
      }
      if (id > keyId) break;
      p = skipValue(buf, p, end);
    }
    this.otherValue = null;
    return NaN;
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

  otherValue: PropertyValue = null;

  integerProperty(keyId: number): number {
    const value = this.read(this.id, keyId);
    const small = smallIntegerOf(value);
    if (small !== small) this.otherValue = value;
    return small;
  }
}

/** A scan of nothing (a label no node ever had). */
export const EMPTY_SCAN: NodeScan = {
  id: -1,
  next: () => false,
  property: () => null,
  integerProperty: () => NaN,
  otherValue: null,
};
