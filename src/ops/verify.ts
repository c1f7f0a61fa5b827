// Verification of a database as a job (DESIGN.md §5), under one read snapshot.
//
//   fast  every page the snapshot uses passes its checksum (free-list leaves are content-free
//         and skipped; free-list trunks are read and checked), the meta page, and every WAL
//         frame of the current log. Cost: reads every page and frame once.
//   full  fast, plus every B+tree in a meta-page root slot passes check() (btree.ts B1–B8),
//         page ownership (every page < pageCount is the meta page, on the free list, or in
//         exactly one tree: none used twice, none leaked; meta.ts M2, freelist.ts F1/F2),
//         plus the graph store's invariants through the GraphCheck hook (verify-graph.ts).
//
// Reads go to the stored images on disk (pager.readStoredPage), not the page cache, so a
// bit flipped on disk is found even while the page is cached.

import type { Database } from '../database.js';
import { CorruptionError } from '../errors.js';
import { BTree, rootInSlot } from '../storage/btree.js';
import * as meta from '../storage/meta.js';
import type { Pager, ReadTransaction } from '../storage/pager.js';
import type { JobContext } from './job.js';
import { registeredGraphCheck } from './verify-graph.js';
import { ProblemList, type GraphCheck, type VerifyLevel, type VerifyReport } from './verify-types.js';

export type { VerifyLevel, VerifyProblem, VerifyReport, ProblemLocation, GraphCheck } from './verify-types.js';

export interface VerifyOptions {
  level?: VerifyLevel;
  /** Graph-level check for full verification; default: the registered one (verify-graph.ts). */
  graphCheck?: GraphCheck | null;
}

/** Verify `db` as a job (kind 'verify'; not exclusive: it only reads a snapshot). */
export async function verifyDatabase(db: Database, options: VerifyOptions = {}): Promise<VerifyReport> {
  const level = options.level ?? 'fast';
  return db.jobs.run({
    kind: 'verify',
    description: `verify ${db.path} (${level})`,
    body: (ctx) => verifyPager(db.pager, { ...options, level }, ctx),
  });
}

/** Names of the root slots in problems and reports. */
export function rootSlotName(slot: number): string {
  for (const [name, value] of Object.entries(meta.ROOT_SLOT)) {
    if (value === slot && name !== 'FIRST_SPARE') return name.toLowerCase().replace(/_/g, '-');
  }
  return `slot-${slot}`;
}

/** The verification itself, on any open pager (restore and compaction verify their output with it). */
export async function verifyPager(pager: Pager, options: VerifyOptions, ctx: JobContext | null): Promise<VerifyReport> {
  const level = options.level ?? 'fast';
  const started = performance.now();
  const problems = new ProblemList();
  const counts: Record<string, number> = { pagesChecked: 0, freePagesSkipped: 0, framesChecked: 0 };
  const tick = async (): Promise<void> => {
    if (ctx !== null) await ctx.checkpoint();
  };
  const txn = pager.beginRead();
  try {
    const sequence = txn.snapshotSequence;
    const pageCount = txn.pageCount;
    counts.pageCount = pageCount;
    ctx?.progress({ phase: 'checking the meta page', done: 0, total: pageCount });

    // Meta page (page 0).
    checkStoredPage(pager, 0, sequence, problems);
    counts.pagesChecked++;
    const freeCount = meta.getFreeList(txn.meta).count;

    // Free list: trunks are read (and so checked); leaves are remembered to be skipped.
    let freeLeaves = new Set<number>();
    let freeTrunks: number[] = [];
    let freeListSound = true;
    try {
      const free = pager.freePages(txn);
      freeTrunks = free.trunks;
      freeLeaves = new Set(free.leaves);
      const all = [...free.trunks, ...free.leaves];
      const seen = new Set<number>();
      for (const id of all) {
        if (id === 0 || id >= pageCount) {
          problems.error({ page: id }, `the free list names page ${id}, outside 1..${pageCount - 1}`);
          freeListSound = false;
        } else if (seen.has(id)) {
          problems.error({ page: id }, `page ${id} is on the free list twice (freelist.ts F1)`);
          freeListSound = false;
        }
        seen.add(id);
      }
      if (all.length !== freeCount) {
        problems.error({ page: 0 }, `the meta page counts ${freeCount} free pages but the free list holds ${all.length} (freelist.ts F2)`);
      }
    } catch (error) {
      if (!(error instanceof CorruptionError)) throw error;
      freeListSound = false;
      problems.error({ page: pageNumberOf(error) }, `free list unreadable: ${error.message}; every page is checked as if in use`);
      freeLeaves = new Set();
    }
    counts.freePages = freeCount;

    // Every page the snapshot uses.
    ctx?.progress({ phase: 'checking page checksums' });
    const ps = pager.pageSizeBytes;
    const run = new Uint8Array(RUN_PAGES * ps);
    const isFree = (pageId: number): boolean => freeLeaves.has(pageId);
    for (let first = 1; first < pageCount; first += RUN_PAGES) {
      const count = Math.min(RUN_PAGES, pageCount - first);
      for (const bad of pager.readStoredPages(first, count, sequence, run, isFree)) reportPage(pager, bad.pageId, bad.error, problems);
      for (let pageId = first; pageId < first + count; pageId++) {
        if (isFree(pageId)) counts.freePagesSkipped++;
        else counts.pagesChecked++;
      }
      ctx?.progress({ done: first + count });
      await tick();
    }
    ctx?.progress({ done: pageCount });

    // Every frame of the current log up to the snapshot.
    ctx?.progress({ phase: 'checking WAL frames' });
    const recovery = pager.recovery;
    if (recovery.invalidFrames > 0 && ['checksum-mismatch', 'page-mismatch', 'bad-header'].includes(recovery.endReason)) {
      problems.warning(
        { file: pager.walPath, frame: recovery.endSlot },
        `the WAL ended at frame ${recovery.endSlot} on open (${recovery.endReason}): ${recovery.invalidFrames} frame(s) after it were not replayed (a torn write of an unacknowledged commit looks like this)`,
      );
    }
    const commits = pager.walCommits().filter((c) => c.sequence <= sequence);
    for (const commit of commits) {
      for (let frame = commit.firstSequence; frame <= commit.sequence; frame++) {
        const base = pager.walGenerationBase;
        if (frame <= base) continue; // the log restarted meanwhile: these are in the database file now
        try {
          pager.readCommittedFrame(frame);
        } catch (error) {
          if (!(error instanceof CorruptionError)) throw error;
          problems.error({ file: pager.walPath, frame: frame - base - 1, page: pageNumberOf(error) }, error.message);
        }
        counts.framesChecked++;
        if ((counts.framesChecked & 63) === 0) await tick();
      }
    }

    if (level === 'full') await fullChecks(pager, txn, problems, counts, { freeTrunks, freeLeaves, freeListSound }, options, ctx, tick);

    return {
      level,
      ok: problems.errors === 0,
      problems: problems.items,
      truncated: problems.truncated,
      counts,
      target: pager.path,
      lsn: txn.lastLsn,
      durationMs: performance.now() - started,
    };
  } finally {
    txn.end();
  }
}

/** Pages read per positioned read of the database file (1 MiB at 8 KiB pages). */
const RUN_PAGES = 128;

function checkStoredPage(pager: Pager, pageId: number, sequence: number, problems: ProblemList): void {
  try {
    pager.readStoredPage(pageId, sequence);
  } catch (error) {
    if (!(error instanceof CorruptionError)) throw error;
    reportPage(pager, pageId, error, problems);
  }
}

function reportPage(pager: Pager, pageId: number, error: CorruptionError, problems: ProblemList): void {
  const file = typeof error.details.file === 'string' ? error.details.file : pager.path;
  const frame = typeof error.details.frame === 'number' ? error.details.frame : undefined;
  problems.error(frame === undefined ? { page: pageId, file } : { page: pageId, file, frame }, error.message);
}

function pageNumberOf(error: CorruptionError): number | undefined {
  const n = error.details.pageNumber;
  return typeof n === 'number' ? n : undefined;
}

interface FreeListView {
  freeTrunks: number[];
  freeLeaves: Set<number>;
  freeListSound: boolean;
}

async function fullChecks(
  pager: Pager,
  txn: ReadTransaction,
  problems: ProblemList,
  counts: Record<string, number>,
  free: FreeListView,
  options: VerifyOptions,
  ctx: JobContext | null,
  tick: () => Promise<void>,
): Promise<void> {
  const pageCount = txn.pageCount;
  // owner[p]: index into ownerNames, −1 = nobody yet.
  const owner = new Int32Array(pageCount).fill(-1);
  const ownerNames: string[] = ['meta page', 'free list'];
  owner[0] = 0;
  const claim = (pageId: number, who: number): void => {
    if (pageId <= 0 || pageId >= pageCount) {
      problems.error({ page: pageId, tree: ownerNames[who] }, `${ownerNames[who]} uses page ${pageId}, outside 1..${pageCount - 1}`);
      return;
    }
    const previous = owner[pageId]!;
    if (previous !== -1) {
      problems.error({ page: pageId, tree: ownerNames[who] }, `page ${pageId} is used twice: by ${ownerNames[previous]} and by ${ownerNames[who]}`);
      return;
    }
    owner[pageId] = who;
  };
  for (const id of free.freeTrunks) claim(id, 1);
  for (const id of free.freeLeaves) claim(id, 1);

  const trees: { name: string; root: number; slot: number | null }[] = [];
  for (let slot = 0; slot < meta.ROOT_SLOT_COUNT; slot++) {
    const root = meta.getRoot(txn.meta, slot);
    if (root !== 0) trees.push({ name: rootSlotName(slot), root, slot });
  }
  const graphCheck = options.graphCheck === undefined ? registeredGraphCheck() : options.graphCheck;
  counts.graphChecked = graphCheck === null ? 0 : 1;
  let graphResult = null as Awaited<ReturnType<GraphCheck>> | null;
  if (graphCheck !== null) {
    ctx?.progress({ phase: 'checking graph invariants' });
    try {
      graphResult = await graphCheck(txn);
    } catch (error) {
      problems.error({}, `the graph check failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const extra of graphResult?.extraTrees ?? []) trees.push({ name: extra.name, root: extra.root, slot: null });
  }

  counts.trees = trees.length;
  counts.treePages = 0;
  for (const [i, tree] of trees.entries()) {
    ctx?.progress({ phase: `checking B+tree ${tree.name}`, done: i, total: trees.length });
    await tick();
    const who = ownerNames.push(`B+tree ${tree.name}`) - 1;
    if (tree.root >= pageCount) {
      problems.error({ page: tree.root, tree: tree.name }, `B+tree ${tree.name} has root page ${tree.root}, beyond the end of the database (${pageCount} pages)`);
      continue;
    }
    const root = tree.slot === null ? { get: () => tree.root, set: () => undefined } : rootInSlot(txn, tree.slot);
    const btree = new BTree(txn, root, { name: tree.name });
    for (const p of btree.check()) problems.error({ page: p.pageId, tree: p.tree }, p.message);
    btree.visitPages((id) => {
      counts.treePages!++;
      claim(id, who);
    });
  }

  ctx?.progress({ phase: 'checking page ownership' });
  let leaked = 0;
  for (let pageId = 1; pageId < pageCount; pageId++) {
    if (owner[pageId] !== -1) continue;
    leaked++;
    // With a broken free list or tree, an unowned page may just be one we could not reach.
    const sure = free.freeListSound && problems.errors === 0;
    problems.add(sure ? 'error' : 'warning', { page: pageId }, `page ${pageId} is leaked: not on the free list and not reachable from any root (meta.ts M2)`);
  }
  counts.leakedPages = leaked;

  if (graphResult !== null) {
    for (const p of graphResult.problems) {
      const location = { ...(p.page !== undefined ? { page: p.page } : {}), ...(p.tree !== undefined ? { tree: p.tree } : {}), ...(p.key !== undefined ? { key: p.key } : {}) };
      problems.add(p.severity ?? 'error', location, p.message);
    }
    for (const [key, value] of Object.entries(graphResult.counts ?? {})) counts[key] = value;
  }
}
