// What the observer reads from an open database to build a snapshot or a health report.
// The facade (database.ts) hands the observer one of these; observe/ never reaches into the
// graph layer: node and relationship counts come from the meta page counters.

import { hostname } from 'node:os';
import type { OmbraConfig } from '../config.js';
import type { JobInfo } from '../ops/job-types.js';
import { isProcessAlive, readLockOwner } from '../storage/lock.js';
import { COUNTER, META_FLAG_ENCRYPTED, getFlags } from '../storage/meta.js';
import type { Pager, PagerStats } from '../storage/pager.js';
import type { FileSystem } from '../storage/types.js';
import type { LockStatus } from './health.js';

export interface ObserverSource {
  /** The path the database was opened with (':memory:' for memory databases). */
  readonly path: string;
  readonly databaseId: string;
  readonly readOnly: boolean;
  /** The live configuration (health thresholds are read from it at each evaluation). */
  readonly config: Readonly<OmbraConfig>;
  pagerStats(): PagerStats;
  /** Meta page facts as of the newest commit. Cost: one read transaction, no page read. */
  metaFacts(): { nodes: number; relationships: number; encrypted: boolean };
  jobs(): { running: JobInfo[]; recent: JobInfo[] };
  /** Free bytes on the volume, null when it cannot be measured. Cost: one statfs. */
  diskFreeBytes(): number | null;
  lockStatus(): LockStatus;
  /** Reclaimable share of the file from the last analysis, when the source knows it. */
  fragmentationPercent?(): number | null;
  /** Frames not yet archived when a WAL archive is configured, else null. */
  archiveLagFrames?(): number | null;
}

export interface PagerSourceParts {
  path: string;
  fs: FileSystem;
  pager: Pager;
  config: Readonly<OmbraConfig>;
  jobs: () => { running: JobInfo[]; recent: JobInfo[] };
  /** How the database was opened: with the writer lock, or without one (memory, lock: false). */
  lock: { kind: 'held' } | { kind: 'none'; reason: string };
  archiveLagFrames?: () => number | null;
}

/** The ObserverSource of a pager-backed database (what Database passes to its observer). */
export function pagerSource(parts: PagerSourceParts): ObserverSource {
  const { pager, fs } = parts;
  return {
    path: parts.path,
    databaseId: pager.databaseId,
    readOnly: pager.readOnly,
    config: parts.config,
    pagerStats: () => pager.stats(),
    metaFacts: () => {
      const txn = pager.beginRead();
      try {
        return {
          nodes: Number(txn.getCounter(COUNTER.NODE_COUNT)),
          relationships: Number(txn.getCounter(COUNTER.RELATIONSHIP_COUNT)),
          encrypted: (getFlags(txn.meta) & META_FLAG_ENCRYPTED) !== 0,
        };
      } finally {
        txn.end();
      }
    },
    jobs: parts.jobs,
    archiveLagFrames: parts.archiveLagFrames,
    diskFreeBytes: () => {
      try {
        return fs.freeBytes(pager.path);
      } catch {
        return null;
      }
    },
    lockStatus: () => {
      if (pager.readOnly) {
        let writer = null;
        try {
          writer = readLockOwner(fs, pager.path);
        } catch {
          writer = null;
        }
        // A lock left by a dead process on this host is not a writer beside us.
        if (writer !== null && writer.host === hostname() && !isProcessAlive(writer.pid)) writer = null;
        return { kind: 'read-only', writer };
      }
      if (parts.lock.kind === 'none') return parts.lock;
      let owner = null;
      try {
        owner = readLockOwner(fs, pager.path);
      } catch {
        owner = null;
      }
      return { kind: 'held', owner };
    },
  };
}
