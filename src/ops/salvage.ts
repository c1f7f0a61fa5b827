// Salvage as a job (DESIGN.md §5, §7 `ombra salvage DB --out DB2`): for a database too damaged
// for repair — page 0 unreadable, trees broken — scan every page of the file and of the WAL's
// valid frames for usable B+tree leaves, recognise their trees from their content
// (salvage-scan.ts), keep for each key the version on the page with the highest LSN, and
// rebuild everything into a new database (rebuild.ts, new-database.ts). The damaged files are
// only read (CONVENTIONS §9); salvage needs no open database and takes no lock on the source.
//
// SALVAGE PROTOCOL
//   1. Page size, WAL prefix, newest image of every page, meta page if usable (salvage-scan.ts).
//   2. Free pages (from the meta page's list, else the trunk scan): their leaves are stale.
//   3. Every usable leaf that is not free: its cells, its tree. Node, relationship, catalog and
//      security entries are kept per key, the version from the page with the highest LSN
//      winning (after a split or merge a key's newest home has the newest LSN; a version left
//      behind on a freed page is skipped or loses). A value whose overflow chain is lost loses
//      its entry (reported). Derived leaves are counted and dropped: they are rebuilt.
//   4. Rebuild (rebuild.ts): catalog names mended or invented where entries are lost, records
//      checked, relationships whose end nodes were not salvaged left out, indexes and
//      adjacency rebuilt; security entries copied. Counters from the meta page when usable,
//      else from the highest ids found.
//   5. Write --out (new-database.ts: OUTPUT_EXISTS unless --force, full verify, rename).
// What cannot be known without the meta page and the free list: records deleted in a
// transaction whose pages were then freed may come back when the free list is lost too (the
// report says which free list was used). Memory: every salvaged record is held until the
// rebuild (they must be sorted by id).

import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { StorageError } from '../errors.js';
import { CATALOG_PREFIX, type IndexDefinition } from '../graph/catalog.js';
import { readOrderedVarint } from '../graph/encoding.js';
import { PAGE_TYPE } from '../storage/page.js';
import * as meta from '../storage/meta.js';
import { RealFileSystem } from '../storage/fs-real.js';
import type { PageCodec } from '../storage/pager.js';
import type { FileSystem } from '../storage/types.js';
import { compareBytes } from '../storage/keys.js';
import { JobRegistry } from './job.js';
import { writeNewDatabase, type NewDatabaseVerify } from './new-database.js';
import { OperationError } from './ops-error.js';
import { decodeCatalogEntry, IssueList, rebuildGraph, type PrimarySource, type RebuildIssue } from './rebuild.js';
import { classifyLeaf, freePages, leafCells, PageSource, PageState, type LeafClass } from './salvage-scan.js';

export interface SalvageOptions {
  /** The damaged database file (its `-wal` beside it is read too). */
  source: string;
  /** The database file to write. */
  out: string;
  force?: boolean;
  /** Verification of the result before it takes its name (default 'full'). */
  verify?: NewDatabaseVerify;
  /** Page codec of an encrypted database; without it encrypted pages count as unreadable. */
  codec?: PageCodec;
  residentPagesMax?: number;
  fs?: FileSystem;
}

/** Page ids kept in the report's lists (the counts are complete). */
const PAGES_LISTED = 1000;

export interface SalvageReport {
  source: string;
  out: string;
  pageSizeBytes: number;
  /** Where the page size came from. */
  pageSizeSource: 'meta' | 'wal' | 'probe';
  metaPage: 'usable' | 'lost';
  /** Which free list decided the stale pages: the meta page's, or the trunk scan. */
  freeList: 'meta' | 'scanned';
  wal: { present: boolean; framesUsed: number; endReason: string };
  pages: {
    scanned: number;
    usable: number;
    /** Pages whose newest version fails its checksum, or lies beyond the end of the file. */
    lost: number;
    lostPages: number[];
    /** Encrypted pages that could not be read (no key given). */
    encrypted: number;
    free: number;
  };
  /** Usable, non-free leaves by the tree they were recognised as. */
  leaves: Record<LeafClass, number>;
  /** Entries of unattributed leaves (not salvaged). */
  entriesUnattributed: number;
  /** Keys found on more than one page (the highest page LSN won). */
  olderVersionsSkipped: number;
  /** Entries whose overflow chain is lost. */
  valuesLost: number;
  nodesFound: number;
  relationshipsFound: number;
  nodesSalvaged: number;
  relationshipsSalvaged: number;
  catalogNames: number;
  indexes: { name: string; unique: boolean }[];
  securityEntries: number;
  issues: RebuildIssue[];
  issuesTruncated: boolean;
  lsn: bigint;
  pageCount: number;
  databaseId: string;
  verify: { level: NewDatabaseVerify; ok: boolean; problems: number };
  durationMs: number;
}

interface Version {
  lsn: number;
  key: Uint8Array;
  value: Uint8Array;
}

/** Salvage `options.source` into a new database at `options.out` (job 'salvage'). */
export async function salvageDatabase(options: SalvageOptions, jobs: JobRegistry = new JobRegistry()): Promise<SalvageReport> {
  const sourcePath = resolve(options.source);
  const out = resolve(options.out);
  return jobs.run({
    kind: 'salvage',
    description: `salvage ${sourcePath} into ${out}`,
    exclusive: true,
    body: async (ctx) => {
      const started = performance.now();
      const fs = options.fs ?? new RealFileSystem();
      if (!fs.exists(sourcePath)) throw new StorageError('DATABASE_NOT_FOUND', `database file ${sourcePath} does not exist`, { file: sourcePath });
      const source = new PageSource(fs, sourcePath, options.codec ?? null);
      try {
        ctx.progress({ phase: 'scanning pages', done: 0, total: source.pageCount });
        const scan = source.scan((done) => ctx.progress({ done }));
        await ctx.checkpoint();
        const { free, how } = freePages(source, scan);
        const pages = { scanned: Math.max(0, source.pageCount - 1), usable: 0, lost: 0, lostPages: [] as number[], encrypted: 0, free: 0 };
        for (let p = 1; p < source.pageCount; p++) {
          const state = scan.state[p];
          if (state === PageState.Usable) pages.usable++;
          else if (state === PageState.Encrypted) pages.encrypted++;
          else {
            pages.lost++;
            if (pages.lostPages.length < PAGES_LISTED) pages.lostPages.push(p);
          }
          if (free.has(p)) pages.free++;
        }
        if (pages.usable === 0 && source.meta === null) {
          throw new OperationError('SALVAGE_NOTHING', `no page of ${sourcePath} passes its checksum at any page size: nothing can be salvaged`, { file: sourcePath });
        }

        // 3. Leaves, by tree; per key the version of the highest page LSN.
        ctx.progress({ phase: 'reading leaves', done: 0, total: source.pageCount });
        const leaves: Record<LeafClass, number> = { nodes: 0, relationships: 0, catalog: 0, security: 0, derived: 0, unattributed: 0 };
        const records = { nodes: new Map<number, Version>(), relationships: new Map<number, Version>() };
        const byKey = { catalog: new Map<string, Version>(), security: new Map<string, Version>() };
        const issues = new IssueList();
        let entriesUnattributed = 0;
        let olderVersionsSkipped = 0;
        let valuesLost = 0;
        let maxLsn = source.meta?.lastLsn ?? 0n;
        const store = source.asStore();
        for (let p = 1; p < source.pageCount; p++) {
          if (scan.state[p] !== PageState.Usable) continue;
          const lsn = scan.lsn[p]!;
          if (BigInt(lsn) > maxLsn) maxLsn = BigInt(lsn);
          if (scan.type[p] !== PAGE_TYPE.BTREE_LEAF || free.has(p)) continue;
          const page = source.tryRead(p);
          const cells = page === null ? null : leafCells(page, p, store);
          if (cells === null || cells.length === 0) continue;
          const tree = classifyLeaf(cells);
          leaves[tree]++;
          if (tree === 'unattributed') entriesUnattributed += cells.length;
          if (tree === 'derived' || tree === 'unattributed') continue;
          for (const { key, value } of cells) {
            if (value === null) {
              valuesLost++;
              const id = tree === 'nodes' || tree === 'relationships' ? readOrderedVarint(key, 0) : undefined;
              issues.add({ kind: tree === 'nodes' ? 'node' : tree === 'relationships' ? 'relationship' : tree === 'catalog' ? 'catalog' : 'tree', ...(id !== undefined ? { id } : {}), action: 'dropped', reason: `its value's overflow chain (from leaf page ${p}) is lost` });
              continue;
            }
            const version: Version = { lsn, key, value };
            const map = tree === 'nodes' || tree === 'relationships' ? records[tree] : byKey[tree];
            const k = tree === 'nodes' || tree === 'relationships' ? readOrderedVarint(key, 0) : hex(key);
            const held = (map as Map<number | string, Version>).get(k);
            if (held !== undefined) {
              olderVersionsSkipped++;
              if (held.lsn >= lsn) continue;
            }
            (map as Map<number | string, Version>).set(k, version);
          }
          if ((p & 255) === 0) {
            ctx.progress({ done: p });
            await ctx.checkpoint();
          }
        }

        // 4–5. Rebuild into --out.
        const primary = primarySource(source, records, byKey, issues);
        const securityEntries = [...byKey.security.values()].sort((a, b) => compareBytes(a.key, b.key));
        if (securityEntries.length > 0) {
          primary.others.push({ slot: meta.ROOT_SLOT.SECURITY, name: 'security', entries: () => securityEntries.map((v) => ({ key: v.key, value: v.value })) });
        }
        let base: Uint8Array | { pageSizeBytes: number } = { pageSizeBytes: source.pageSizeBytes };
        let codec: PageCodec | null = null;
        if (source.metaImage !== null) {
          const copy = source.metaImage.slice();
          copy.set(randomBytes(16), meta.META_OFFSET.databaseId);
          base = copy;
          if ((meta.getFlags(copy) & meta.META_FLAG_ENCRYPTED) !== 0) codec = options.codec ?? null;
        }
        if (source.metaImage !== null && (meta.getFlags(source.metaImage) & meta.META_FLAG_ENCRYPTED) !== 0 && codec === null) {
          // Without the key the output cannot be encrypted like its source: write it in the clear.
          const copy = base as Uint8Array;
          meta.setFlags(copy, meta.getFlags(copy) & ~meta.META_FLAG_ENCRYPTED);
          copy.fill(0, meta.META_OFFSET.keyCheck, meta.META_OFFSET.keyCheck + meta.KEY_CHECK_BYTES);
        }
        const lsn = maxLsn + 1n;
        ctx.progress({ phase: 'rebuilding the graph from the salvaged records' });
        const built = await writeNewDatabase(
          {
            fs,
            out,
            force: options.force ?? false,
            source: sourcePath,
            suffix: '.salvaging',
            baseMeta: base,
            lsn,
            codec,
            verify: options.verify ?? 'full',
            ...(options.residentPagesMax !== undefined ? { residentPagesMax: options.residentPagesMax } : {}),
          },
          ctx,
          (target) =>
            rebuildGraph(target, primary, issues, async () => {
              target.evictIfOver();
              await ctx.checkpoint();
            }),
        );
        const r = built.result;
        return {
          source: sourcePath,
          out: built.out,
          pageSizeBytes: source.pageSizeBytes,
          pageSizeSource: source.pageSizeSource,
          metaPage: source.meta === null ? 'lost' : 'usable',
          freeList: how,
          wal: source.wal,
          pages,
          leaves,
          entriesUnattributed,
          olderVersionsSkipped,
          valuesLost,
          nodesFound: records.nodes.size,
          relationshipsFound: records.relationships.size,
          nodesSalvaged: r.build.nodes,
          relationshipsSalvaged: r.build.relationships,
          catalogNames: r.catalogNames,
          indexes: r.indexes.map((d) => ({ name: d.name, unique: d.unique })),
          securityEntries: securityEntries.length,
          issues: issues.items,
          issuesTruncated: issues.truncated,
          lsn,
          pageCount: built.pageCount,
          databaseId: built.databaseId,
          verify: { level: built.verify.level, ok: built.verify.ok, problems: built.verify.problems },
          durationMs: performance.now() - started,
        };
      } finally {
        source.close();
      }
    },
  });
}

/** The salvaged entries as a rebuild source (rebuild.ts). */
function primarySource(
  source: PageSource,
  records: { nodes: Map<number, Version>; relationships: Map<number, Version> },
  byKey: { catalog: Map<string, Version> },
  issues: IssueList,
): PrimarySource {
  const catalogIds = new Map<number, { kind: number; name: string }>();
  const catalogNames: { kind: number; name: string; id: number }[] = [];
  const definitions: IndexDefinition[] = [];
  for (const { key, value } of [...byKey.catalog.values()].sort((a, b) => compareBytes(a.key, b.key))) {
    let entry;
    try {
      entry = decodeCatalogEntry(key, value);
    } catch (error) {
      issues.add({ kind: 'catalog', action: 'dropped', reason: `catalog entry ${hex(key)} does not decode: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    }
    if (entry.prefix === CATALOG_PREFIX.ID) catalogIds.set(entry.id, { kind: entry.kind, name: entry.name });
    else if (entry.prefix === CATALOG_PREFIX.NAME) catalogNames.push({ kind: entry.kind, name: entry.name, id: entry.id });
    else if (entry.prefix === CATALOG_PREFIX.INDEX) definitions.push(entry.definition);
  }
  const sorted = (map: Map<number, Version>) => {
    const ids = [...map.keys()].sort((a, b) => a - b);
    return () => ids.map((id) => ({ id, record: map.get(id)!.value }));
  };
  const counter = (slot: number): number | null => (source.metaImage === null ? null : Number(meta.getCounter(source.metaImage, slot)));
  return {
    catalogIds,
    catalogNames,
    counters: {
      nextCatalogId: counter(meta.COUNTER.NEXT_CATALOG_ID),
      nextIndexId: counter(meta.COUNTER.NEXT_INDEX_ID),
      nextNodeId: counter(meta.COUNTER.NEXT_NODE_ID),
      nextRelationshipId: counter(meta.COUNTER.NEXT_RELATIONSHIP_ID),
    },
    definitions,
    nodes: sorted(records.nodes),
    relationships: sorted(records.relationships),
    others: [],
  };
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
