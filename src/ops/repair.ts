// Repair as a job (DESIGN.md §5, §7 `ombra repair DB --out DB2`): read the primary records of a
// database under one snapshot and write a new database at --out with every derived structure
// rebuilt (rebuild.ts has what is primary, what is derived, and what is left out or mended).
// The damaged file is only read: repair never edits in place (CONVENTIONS §9).
//
// REPAIR PROTOCOL
//   1. Open a read snapshot of DB (a read-only open suffices; writers may go on meanwhile).
//   2. Read the catalog, index definitions and counters; walk the node and relationship trees
//      (twice: once to learn which catalog ids the records use, once to build). A tree page
//      that cannot be read ends that walk: what follows it is reported lost (`ombra salvage`
//      scans pages and may find more).
//   3. Build the new database (new-database.ts protocol: private file, fsync, full verify,
//      rename; OUTPUT_EXISTS unless --force): catalog with the same ids, records as they are,
//      then the label index, property indexes (unique ones checked), adjacency, degrees,
//      counters and a fresh free list; other root slots (security, spare) copied as they are.
//   4. Compare the old derived structures with the rebuilt ones, entry by entry in key order:
//      per structure the entries missing from the old one, those it had in excess, and those
//      whose value differed (degree counts, label counts, unique index entries); and the
//      counters. Their sum, with every record and catalog entry left out or mended, is the
//      number of issues fixed.
// The new database gets a new database id (its backups start a new chain) and LSN = the
// source's + 1.

import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Database } from '../database.js';
import { CorruptionError } from '../errors.js';
import { decodeAdjacencyKey, decodeDegreeKey } from '../graph/adjacency.js';
import { CATALOG_PREFIX } from '../graph/catalog.js';
import { orderedVarintEnd, readOrderedVarint } from '../graph/encoding.js';
import { decodeLabelKey } from '../graph/label-index.js';
import { BTree, rootInSlot } from '../storage/btree.js';
import type { Cursor } from '../storage/btree-cursor.js';
import { compareBytes } from '../storage/keys.js';
import * as meta from '../storage/meta.js';
import type { ReadTransaction } from '../storage/pager.js';
import type { PageStore } from '../storage/types.js';
import type { JobContext } from './job.js';
import { writeNewDatabase, type NewDatabaseVerify } from './new-database.js';
import { decodeCatalogEntry, IssueList, rebuildGraph, type PrimarySource, type RebuildIssue, type RecordEntry } from './rebuild.js';
import { rootSlotName } from './verify.js';

export interface RepairOptions {
  /** The database file to write. */
  out: string;
  /** Replace an existing --out (and remove its WAL). */
  force?: boolean;
  /** Verification of the result before it takes its name (default 'full'). */
  verify?: NewDatabaseVerify;
  /** Pages kept in memory while building (default 8192). */
  residentPagesMax?: number;
}

/** How one derived structure of the old database compared with its rebuilt form. */
export interface StructureDiff {
  structure: string;
  entriesBefore: number;
  entriesAfter: number;
  /** Entries the rebuilt structure has and the old one lacked. */
  missing: number;
  /** Entries the old structure had and the records do not call for. */
  extra: number;
  /** Entries present in both whose values differ. */
  changed: number;
  /** False when the old structure could not be read to its end (then the rest counts as missing). */
  readable: boolean;
  error?: string;
  /** A few of the differences, decoded. */
  examples: string[];
}

export interface RepairReport {
  source: string;
  out: string;
  sourceLsn: bigint;
  lsn: bigint;
  nodes: { read: number; kept: number; dropped: number };
  relationships: { read: number; kept: number; dropped: number };
  catalog: { names: number; mended: number; dropped: number };
  indexes: { name: string; unique: boolean }[];
  /** Unique indexes whose records hold equal values: rebuilt non-unique (see issues). */
  demotedIndexes: string[];
  structures: StructureDiff[];
  counters: { name: string; before: string; after: string }[];
  copiedTrees: { name: string; entries: number }[];
  /** Records, catalog entries, definitions and trees left out or mended, with the reason. */
  issues: RebuildIssue[];
  issuesTruncated: boolean;
  /** Derived entries fixed + counters fixed + records and entries left out or mended. */
  issuesFixed: number;
  pagesBefore: number;
  freePagesBefore: number;
  pagesAfter: number;
  databaseId: string;
  verify: { level: NewDatabaseVerify; ok: boolean; problems: number };
  durationMs: number;
}

/** Slots whose trees repair rebuilds (everything else is copied). */
const GRAPH_SLOTS = new Set<number>([
  meta.ROOT_SLOT.CATALOG,
  meta.ROOT_SLOT.NODES,
  meta.ROOT_SLOT.RELATIONSHIPS,
  meta.ROOT_SLOT.ADJACENCY_OUT,
  meta.ROOT_SLOT.ADJACENCY_IN,
  meta.ROOT_SLOT.DEGREES,
  meta.ROOT_SLOT.LABEL_INDEX,
  meta.ROOT_SLOT.PROPERTY_INDEX,
]);

const COUNTERS: [string, number][] = [
  ['NODE_COUNT', meta.COUNTER.NODE_COUNT],
  ['RELATIONSHIP_COUNT', meta.COUNTER.RELATIONSHIP_COUNT],
  ['NEXT_NODE_ID', meta.COUNTER.NEXT_NODE_ID],
  ['NEXT_RELATIONSHIP_ID', meta.COUNTER.NEXT_RELATIONSHIP_ID],
  ['NEXT_CATALOG_ID', meta.COUNTER.NEXT_CATALOG_ID],
  ['NEXT_INDEX_ID', meta.COUNTER.NEXT_INDEX_ID],
];

/** Repair `db` into a new database at `options.out` (job 'repair'; only reads `db`). */
export async function repairDatabase(db: Database, options: RepairOptions): Promise<RepairReport> {
  const out = resolve(options.out);
  return db.jobs.run({
    kind: 'repair',
    description: `repair ${db.path} into ${out}`,
    body: async (ctx) => {
      const started = performance.now();
      const txn = db.pager.beginRead();
      try {
        return await runRepair(db, txn, out, options, ctx, started);
      } finally {
        txn.end();
      }
    },
  });
}

async function runRepair(db: Database, txn: ReadTransaction, out: string, options: RepairOptions, ctx: JobContext, started: number): Promise<RepairReport> {
  const issues = new IssueList();
  ctx.progress({ phase: 'reading the catalog' });
  const source = readPrimary(txn, issues);
  const freePagesBefore = meta.getFreeList(txn.meta).count;
  const base = txn.meta.slice();
  base.set(randomBytes(16), meta.META_OFFSET.databaseId);
  const lsn = txn.lastLsn + 1n;
  const tick = async (store: { evictIfOver(): void }): Promise<void> => {
    store.evictIfOver();
    await ctx.checkpoint();
  };
  let structures: StructureDiff[] = [];
  let counters: RepairReport['counters'] = [];
  const built = await writeNewDatabase(
    {
      fs: db.fs,
      out,
      force: options.force ?? false,
      source: db.pager.path,
      suffix: '.repairing',
      baseMeta: base,
      lsn,
      codec: db.pager.pageCodec,
      verify: options.verify ?? 'full',
      ...(options.residentPagesMax !== undefined ? { residentPagesMax: options.residentPagesMax } : {}),
    },
    ctx,
    async (store) => {
      ctx.progress({ phase: 'rebuilding the graph from its records' });
      const result = await rebuildGraph(store, source, issues, () => tick(store));
      ctx.progress({ phase: 'comparing the old derived structures with the rebuilt ones' });
      structures = await compareDerived(txn, store, () => tick(store));
      counters = COUNTERS.map(([name, slot]) => ({ name, before: txn.getCounter(slot).toString(), after: store.getCounter(slot).toString() })).filter((c) => c.before !== c.after);
      return result;
    },
  );
  const r = built.result;
  const derivedFixed = structures.filter((s) => DERIVED.has(s.structure)).reduce((sum, s) => sum + s.missing + s.extra + s.changed, 0);
  return {
    source: db.pager.path,
    out: built.out,
    sourceLsn: txn.lastLsn,
    lsn,
    nodes: { read: r.nodesRead, kept: r.build.nodes, dropped: issues.count('node', 'dropped') },
    relationships: { read: r.relationshipsRead, kept: r.build.relationships, dropped: issues.count('relationship', 'dropped') },
    catalog: { names: r.catalogNames, mended: issues.count('catalog', 'mended'), dropped: issues.count('catalog', 'dropped') },
    indexes: r.indexes.map((d) => ({ name: d.name, unique: d.unique })),
    demotedIndexes: r.build.demotedIndexes,
    structures,
    counters,
    copiedTrees: r.copiedTrees,
    issues: issues.items,
    issuesTruncated: issues.truncated,
    issuesFixed: derivedFixed + counters.length + issues.total,
    pagesBefore: txn.pageCount,
    freePagesBefore,
    pagesAfter: built.pageCount,
    databaseId: built.databaseId,
    verify: { level: built.verify.level, ok: built.verify.ok, problems: built.verify.problems },
    durationMs: performance.now() - started,
  };
}

/** The primary data of a snapshot, read through its trees (rebuild.ts PrimarySource). */
function readPrimary(txn: ReadTransaction, issues: IssueList): PrimarySource {
  const source: PrimarySource = {
    catalogIds: new Map(),
    catalogNames: [],
    counters: {
      nextCatalogId: Number(txn.getCounter(meta.COUNTER.NEXT_CATALOG_ID)),
      nextIndexId: Number(txn.getCounter(meta.COUNTER.NEXT_INDEX_ID)),
      nextNodeId: Number(txn.getCounter(meta.COUNTER.NEXT_NODE_ID)),
      nextRelationshipId: Number(txn.getCounter(meta.COUNTER.NEXT_RELATIONSHIP_ID)),
    },
    definitions: [],
    nodes: () => recordsOf(txn, meta.ROOT_SLOT.NODES, 'nodes', issues, 'node'),
    relationships: () => recordsOf(txn, meta.ROOT_SLOT.RELATIONSHIPS, 'relationships', issues, 'relationship'),
    others: [],
  };
  const catalog = new BTree(txn, rootInSlot(txn, meta.ROOT_SLOT.CATALOG), { name: 'catalog' });
  let read = 0;
  try {
    for (const { key, value } of catalog.range()) {
      read++;
      let entry;
      try {
        entry = decodeCatalogEntry(key, value);
      } catch (error) {
        issues.add({ kind: 'catalog', action: 'dropped', reason: `catalog entry ${hex(key)} does not decode: ${message(error)}` });
        continue;
      }
      if (entry.prefix === CATALOG_PREFIX.ID) source.catalogIds.set(entry.id, { kind: entry.kind, name: entry.name });
      else if (entry.prefix === CATALOG_PREFIX.NAME) source.catalogNames.push({ kind: entry.kind, name: entry.name, id: entry.id });
      else if (entry.prefix === CATALOG_PREFIX.INDEX) source.definitions.push(entry.definition);
    }
  } catch (error) {
    if (!(error instanceof CorruptionError)) throw error;
    issues.add({ kind: 'tree', action: 'dropped', reason: `catalog: unreadable after ${read} entries (${error.message}); lost names are recovered or invented` });
  }
  for (let slot = 0; slot < meta.ROOT_SLOT_COUNT; slot++) {
    if (GRAPH_SLOTS.has(slot) || txn.getRoot(slot) === 0) continue;
    const name = rootSlotName(slot);
    source.others.push({ slot, name, entries: () => new BTree(txn, rootInSlot(txn, slot), { name }).range() });
  }
  return source;
}

/** Entries of a record tree in id order; a page that cannot be read ends the walk (reported once). */
function recordsOf(txn: ReadTransaction, slot: number, name: string, issues: IssueList, kind: 'node' | 'relationship'): Iterable<RecordEntry> {
  let reported = false;
  return {
    *[Symbol.iterator]() {
      const cur = new BTree(txn, rootInSlot(txn, slot), { name }).cursor();
      let last = -1;
      try {
        for (cur.seekFirst(); cur.valid; cur.next()) {
          const key = cur.key;
          let id: number;
          try {
            id = readOrderedVarint(key, 0);
            if (orderedVarintEnd !== key.length) throw new Error('bytes after the id');
          } catch (error) {
            if (!reported) issues.add({ kind, action: 'dropped', reason: `${name} key ${hex(key)} is not an id: ${message(error)}` });
            continue;
          }
          last = id;
          yield { id, record: cur.value };
        }
      } catch (error) {
        if (!(error instanceof CorruptionError)) throw error;
        if (!reported) {
          issues.add({
            kind: 'tree',
            action: 'dropped',
            reason: `${name}: unreadable after ${kind} ${last} (${error.message}); the ${name} beyond it are lost to repair (ombra salvage scans every page and may find them)`,
          });
        }
      }
      reported = true;
    },
  };
}

// ── comparing derived structures ───────────────────────────────────────────────

/** Structures whose differences count as issues fixed (the others are primary). */
const DERIVED = new Set(['catalog-names', 'label-counts', 'label-index', 'property-index', 'adjacency-out', 'adjacency-in', 'degrees']);

const CATALOG_STRUCTURES: Record<number, string> = {
  [CATALOG_PREFIX.NAME]: 'catalog-names',
  [CATALOG_PREFIX.ID]: 'catalog-ids',
  [CATALOG_PREFIX.LABEL_COUNT]: 'label-counts',
  [CATALOG_PREFIX.INDEX]: 'index-definitions',
};

const EXAMPLES = 5;

async function compareDerived(txn: ReadTransaction, store: PageStore, tick: () => Promise<void>): Promise<StructureDiff[]> {
  const out: StructureDiff[] = [];
  const trees: [number, string][] = [
    [meta.ROOT_SLOT.CATALOG, 'catalog'],
    [meta.ROOT_SLOT.LABEL_INDEX, 'label-index'],
    [meta.ROOT_SLOT.PROPERTY_INDEX, 'property-index'],
    [meta.ROOT_SLOT.ADJACENCY_OUT, 'adjacency-out'],
    [meta.ROOT_SLOT.ADJACENCY_IN, 'adjacency-in'],
    [meta.ROOT_SLOT.DEGREES, 'degrees'],
  ];
  for (const [slot, name] of trees) {
    const classify = slot === meta.ROOT_SLOT.CATALOG ? (key: Uint8Array) => CATALOG_STRUCTURES[key[0] ?? 0] ?? 'catalog-other' : () => name;
    out.push(...(await diffTrees(new BTree(txn, rootInSlot(txn, slot), { name }), new BTree(store, rootInSlot(store, slot), { name }), classify, tick)));
  }
  return out;
}

/** Merge-walk two trees in key order; differences per structure (classify: key → structure). */
async function diffTrees(before: BTree, after: BTree, classify: (key: Uint8Array) => string, tick: () => Promise<void>): Promise<StructureDiff[]> {
  const diffs = new Map<string, StructureDiff>();
  const of = (structure: string): StructureDiff => {
    let d = diffs.get(structure);
    if (d === undefined) diffs.set(structure, (d = { structure, entriesBefore: 0, entriesAfter: 0, missing: 0, extra: 0, changed: 0, readable: true, examples: [] }));
    return d;
  };
  if (before.name === 'catalog') for (const s of Object.values(CATALOG_STRUCTURES)) of(s);
  else of(before.name);
  const example = (d: StructureDiff, what: string, key: Uint8Array): void => {
    if (d.examples.length < EXAMPLES) d.examples.push(`${what} ${describeKey(d.structure, key)}`);
  };
  const a = before.cursor();
  const b = after.cursor();
  let aValid = safe(() => a.seekFirst());
  let broken: string | null = typeof aValid === 'string' ? aValid : null;
  b.seekFirst();
  let n = 0;
  for (;;) {
    const haveA = broken === null && aValid === true && a.valid;
    if (!haveA && !b.valid) break;
    const cmp = !haveA ? 1 : !b.valid ? -1 : compareBytes(a.key, b.key);
    if (cmp < 0) {
      const key = a.key;
      const d = of(classify(key));
      d.entriesBefore++;
      d.extra++;
      example(d, 'extra', key);
      aValid = step(a);
    } else if (cmp > 0) {
      const key = b.key;
      const d = of(classify(key));
      d.entriesAfter++;
      d.missing++;
      example(d, 'missing', key);
      b.next();
    } else {
      const key = a.key;
      const d = of(classify(key));
      d.entriesBefore++;
      d.entriesAfter++;
      const av = safe(() => a.value);
      if (typeof av === 'string' || compareBytes(av as Uint8Array, b.value) !== 0) {
        d.changed++;
        example(d, 'changed', key);
      }
      aValid = step(a);
      b.next();
    }
    if (typeof aValid === 'string') {
      broken = aValid;
      aValid = false;
    }
    if ((++n & 4095) === 0) await tick();
  }
  if (broken !== null) {
    for (const d of diffs.values()) {
      d.readable = false;
      d.error = broken;
    }
  }
  return [...diffs.values()];
}

/** Run a cursor move; a corruption message instead of a throw. */
function safe<T>(fn: () => T): T | string {
  try {
    return fn();
  } catch (error) {
    if (error instanceof CorruptionError) return error.message;
    throw error;
  }
}

function step(cursor: Cursor): boolean | string {
  return safe(() => cursor.next());
}

function describeKey(structure: string, key: Uint8Array): string {
  try {
    switch (structure) {
      case 'label-index': {
        const { labelId, nodeId } = decodeLabelKey(key);
        return `(label id ${labelId}, node ${nodeId})`;
      }
      case 'adjacency-out':
      case 'adjacency-in': {
        const e = decodeAdjacencyKey(key);
        return `(node ${e.node}, type id ${e.typeId}, other ${e.other}, relationship ${e.relationshipId})`;
      }
      case 'degrees': {
        const d = decodeDegreeKey(key);
        return `(node ${d.node}, ${d.direction === 0 ? 'out' : 'in'}, type id ${d.typeId})`;
      }
      case 'label-counts':
        return `(label id ${readOrderedVarint(key, 1)})`;
      default:
        return hex(key);
    }
  } catch {
    return hex(key);
  }
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
