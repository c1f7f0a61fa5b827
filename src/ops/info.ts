// `ombra info DB`: one call that tells a maintenance script whether to checkpoint or compact
// (DESIGN.md §7). Everything comes from one read snapshot plus the pager's counters.

import type { Database } from '../database.js';
import * as meta from '../storage/meta.js';
import { analyzeFragmentation } from './fragmentation.js';

export interface DatabaseInfo {
  path: string;
  databaseId: string;
  formatVersion: number;
  pageSizeBytes: number;
  /** Database size in pages (meta page included) as of the newest commit. */
  pageCount: number;
  /** Size of the database file on disk (may lag pageCount until a checkpoint). */
  fileSizeBytes: number;
  /** Size of the WAL file on disk. */
  walSizeBytes: number;
  /** Committed frames in the current log. */
  walFrames: number;
  /** Frames not yet copied into the database file. */
  walFramesPendingCheckpoint: number;
  freePages: number;
  /** Free pages plus unused bytes in used pages, over pageCount × pageSizeBytes (fragmentation.ts). */
  fragmentationPercent: number;
  reclaimableBytes: number;
  nodes: number;
  relationships: number;
  lastLsn: bigint;
  createdAt: string;
  /** ISO time of the last checkpoint, or null when there was none. */
  lastCheckpointAt: string | null;
  readOnly: boolean;
  encrypted: boolean;
  /** The WAL archive, when configured: where, how far, and how many frames wait for it. */
  walArchive: { dir: string; archivedLsn: bigint; lagFrames: number } | null;
}

/** Gather the info. Cost: reads every page of every tree once (the fragmentation figure). */
export async function databaseInfo(db: Database): Promise<DatabaseInfo> {
  const pager = db.pager;
  const txn = pager.beginRead();
  try {
    const fields = meta.readMeta(txn.meta, pager.path);
    const fragmentation = await analyzeFragmentation(pager, txn);
    const stats = pager.stats();
    const archive = db.walArchive;
    return {
      path: pager.path,
      databaseId: fields.databaseId,
      formatVersion: fields.formatVersion,
      pageSizeBytes: fields.pageSizeBytes,
      pageCount: fields.pageCount,
      fileSizeBytes: stats.fileSizeBytes,
      walSizeBytes: stats.walFileBytes,
      walFrames: stats.walFrames,
      walFramesPendingCheckpoint: stats.framesPendingCheckpoint,
      freePages: fields.freePageCount,
      fragmentationPercent: fragmentation.fragmentationPercent,
      reclaimableBytes: fragmentation.reclaimableBytes,
      nodes: Number(meta.getCounter(txn.meta, meta.COUNTER.NODE_COUNT)),
      relationships: Number(meta.getCounter(txn.meta, meta.COUNTER.RELATIONSHIP_COUNT)),
      lastLsn: fields.lastLsn,
      createdAt: new Date(fields.createdAtMs).toISOString(),
      lastCheckpointAt: stats.lastCheckpointAtMs > 0 ? new Date(stats.lastCheckpointAtMs).toISOString() : null,
      readOnly: pager.readOnly,
      encrypted: (fields.flags & meta.META_FLAG_ENCRYPTED) !== 0,
      walArchive: archive === null ? null : { dir: archive.dir, archivedLsn: archive.archivedLsn, lagFrames: archive.lagFrames() },
    };
  } finally {
    txn.end();
  }
}
