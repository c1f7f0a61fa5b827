// Label index: which nodes carry a label, as keys without values in one B+tree (root slot
// LABEL_INDEX). Parts are ordered varints (encoding.ts).
//
// LABEL_INDEX key: label id, node id            value: empty
//
// The nodes of one label are one contiguous key range in node id order, so a label scan reads
// only that label's entries. Label counts live in the catalog (catalog.ts, prefix 0x03).
//
// Invariants (checked by check.ts):
//  (L1) (l, n) is present exactly when node n exists and its record lists label l.
//  (L2) The catalog count of label l equals the number of entries (l, ·).

import { CorruptionError } from '../errors.js';
import { BTree, rootInSlot } from '../storage/btree.js';
import { ROOT_SLOT } from '../storage/meta.js';
import { NO_BYTES } from '../storage/scratch.js';
import type { PageStore } from '../storage/types.js';
import { ByteBuffer, orderedVarintEnd, readOrderedVarint } from './encoding.js';

export function decodeLabelKey(key: Uint8Array): { labelId: number; nodeId: number } {
  const labelId = readOrderedVarint(key, 0);
  const nodeId = readOrderedVarint(key, orderedVarintEnd);
  if (orderedVarintEnd !== key.length) throw new CorruptionError('label index: key has bytes after its node id', { tree: 'label-index' });
  return { labelId, nodeId };
}

export class LabelIndexStore {
  private treeOrNull: BTree | null = null;
  private readonly bb = new ByteBuffer(24);

  constructor(private readonly store: PageStore) {}

  get tree(): BTree {
    return (this.treeOrNull ??= new BTree(this.store, rootInSlot(this.store, ROOT_SLOT.LABEL_INDEX), { name: 'label-index' }));
  }

  private key(labelId: number, nodeId: number): Uint8Array {
    return this.bb.reset().ordered(labelId).ordered(nodeId).view();
  }

  /** Cost: one B+tree insert. */
  add(labelId: number, nodeId: number): void {
    this.tree.insert(this.key(labelId, nodeId), NO_BYTES);
  }

  /** Cost: one B+tree delete; false when absent. */
  remove(labelId: number, nodeId: number): boolean {
    return this.tree.delete(this.key(labelId, nodeId));
  }

  has(labelId: number, nodeId: number): boolean {
    return this.tree.has(this.key(labelId, nodeId));
  }

  /** Node ids carrying the label, ascending; lazy and safe while the tree changes (cursor re-seeks). */
  *nodeIds(labelId: number): Generator<number> {
    const prefix = this.bb.reset().ordered(labelId).copy();
    const at = prefix.length;
    const cur = this.tree.cursor();
    cur.seek(prefix);
    while (cur.valid && cur.keyStartsWith(prefix)) {
      yield readOrderedVarint(cur.key, at);
      cur.next();
    }
  }

  /** Node ids carrying the label that are greater than `after` (−1: all), ascending; lazy. */
  *nodeIdsAfter(labelId: number, after: number): Generator<number> {
    if (after < 0) {
      yield* this.nodeIds(labelId);
      return;
    }
    const prefix = this.bb.reset().ordered(labelId).copy();
    const from = this.bb.reset().ordered(labelId).ordered(after).copy();
    const at = prefix.length;
    const cur = this.tree.cursor();
    cur.seekGT(from);
    while (cur.valid && cur.keyStartsWith(prefix)) {
      yield readOrderedVarint(cur.key, at);
      cur.next();
    }
  }
}
