// Fragmentation analysis (`ombra compact --analyze`, `ombra info`), counted the way SQLite's
// sqlite3_analyzer counts it: the reclaimable share of the database is its free pages plus
// the unused bytes inside used pages, over its size.
//
//   reclaimableBytes     = freePages × pageSize + Σ over trees of BTree.stats().freeBytesInPages
//   fragmentationPercent = reclaimableBytes / (pageCount × pageSize) × 100
//
// The denominator is the database's size in pages (what the file is after a checkpoint), so
// the figure does not jump while frames wait in the WAL. A freshly compacted database is not
// at 0%: sequentially filled B+tree pages still leave some bytes at each page's end.

import * as meta from '../storage/meta.js';
import { BTree, rootInSlot } from '../storage/btree.js';
import type { Pager, ReadTransaction } from '../storage/pager.js';
import { rootSlotName } from './verify.js';

export interface TreeFragmentation {
  slot: number;
  name: string;
  pages: number;
  leafPages: number;
  internalPages: number;
  overflowPages: number;
  entries: number;
  depth: number;
  usedBytes: number;
  freeBytesInPages: number;
}

export interface FragmentationReport {
  pageSizeBytes: number;
  pageCount: number;
  /** pageCount × pageSizeBytes. */
  databaseSizeBytes: number;
  freePages: number;
  freePageBytes: number;
  /** Unused bytes inside the pages of every tree. */
  unusedBytesInPages: number;
  reclaimableBytes: number;
  fragmentationPercent: number;
  trees: TreeFragmentation[];
  /** LSN of the snapshot analysed. */
  lsn: bigint;
}

/**
 * Analyse one snapshot. Cost: reads every page of every tree once (BTree.stats()).
 * `between` runs between trees (a job's checkpoint).
 */
export async function analyzeFragmentation(pager: Pager, txn: ReadTransaction, between: () => Promise<void> = async () => undefined): Promise<FragmentationReport> {
  const ps = pager.pageSizeBytes;
  const pageCount = txn.pageCount;
  const freePages = meta.getFreeList(txn.meta).count;
  const trees: TreeFragmentation[] = [];
  for (let slot = 0; slot < meta.ROOT_SLOT_COUNT; slot++) {
    if (txn.getRoot(slot) === 0) continue;
    await between();
    const name = rootSlotName(slot);
    const stats = new BTree(txn, rootInSlot(txn, slot), { name }).stats();
    trees.push({ slot, name, ...stats });
  }
  const unusedBytesInPages = trees.reduce((sum, t) => sum + t.freeBytesInPages, 0);
  const freePageBytes = freePages * ps;
  const reclaimableBytes = freePageBytes + unusedBytesInPages;
  const databaseSizeBytes = pageCount * ps;
  return {
    pageSizeBytes: ps,
    pageCount,
    databaseSizeBytes,
    freePages,
    freePageBytes,
    unusedBytesInPages,
    reclaimableBytes,
    fragmentationPercent: databaseSizeBytes === 0 ? 0 : Math.round((reclaimableBytes / databaseSizeBytes) * 10000) / 100,
    trees,
    lsn: txn.lastLsn,
  };
}
