// Rebuilding a graph store from its primary records — the common core of repair (repair.ts,
// records read through the trees) and salvage (salvage.ts, records found by scanning pages).
//
// PRIMARY vs DERIVED
//   primary   node records, relationship records, catalog names (id → kind, name), index
//             definitions; other root slots (security, spare slots) are copied as they are
//   derived   catalog name → id entries and label counts, label index, property indexes,
//             adjacency both ways, degrees, the counters NODE_COUNT / RELATIONSHIP_COUNT and
//             the NEXT_* ids, the free list — all rebuilt by the bulk builder (graph/bulk-build.ts)
//
// WHAT IS LEFT OUT (each reported with its id and reason, see RebuildIssue)
//   - a record that does not decode, breaks R1 (ids not strictly ascending) or R2 (a null or
//     unstorable value), or uses a catalog id as the wrong kind (a label id that names a type);
//   - a relationship whose start or end node is not among the nodes kept (G2);
//   - a catalog entry that does not decode; an index definition whose label or key id is not a
//     label or key, or whose name or (label, key) repeats an earlier definition.
// WHAT IS MENDED (reported)
//   - a catalog id with no id entry takes the name of its name entry, else an invented name
//     `<kind>_<id>` (a label, type or key the records use) or `_unused_<id>` (an id nothing
//     uses), so ids stay dense (C2) and no record is lost for want of a name;
//   - a name used by two ids of one kind keeps the lower id; the other becomes `<name>#<id>`;
//   - a unique index over equal values is rebuilt non-unique (bulk-build.ts BB2, 'demote').

import { CorruptionError } from '../errors.js';
import { BTreeBulkLoader } from '../storage/btree-bulk-load.js';
import { rootInSlot } from '../storage/btree.js';
import { COUNTER } from '../storage/meta.js';
import type { PageStore } from '../storage/types.js';
import { GraphBulkBuilder, type BulkBuildReport } from '../graph/bulk-build.js';
import { CATALOG_KIND, CATALOG_PREFIX, decodeIndexDefinition, decodeNameKey, kindName, type IndexDefinition } from '../graph/catalog.js';
import { orderedVarintEnd, readOrderedVarint, readVarint } from '../graph/encoding.js';
import { NumberList } from '../graph/bulk-sort.js';
import { checkStorable } from '../graph/property-rules.js';
import { decodeUtf8, nodeLabelIds, nodePropertiesOffset, readProperties, relationshipHeader, type PropertyList } from '../graph/record.js';

/** Issues kept in a report (the counts are always complete). */
export const ISSUES_KEPT = 1000;

export interface RebuildIssue {
  kind: 'node' | 'relationship' | 'catalog' | 'index' | 'tree';
  /** Node, relationship, catalog or index id, when there is one. */
  id?: number;
  /** 'dropped' (left out of the new database) or 'mended' (kept, with the change described). */
  action: 'dropped' | 'mended';
  reason: string;
}

export class IssueList {
  readonly items: RebuildIssue[] = [];
  readonly counts: Record<string, number> = {};
  truncated = false;

  add(issue: RebuildIssue): void {
    const key = `${issue.kind}-${issue.action}`;
    this.counts[key] = (this.counts[key] ?? 0) + 1;
    if (this.items.length < ISSUES_KEPT) this.items.push(issue);
    else this.truncated = true;
  }

  count(kind: RebuildIssue['kind'], action: RebuildIssue['action']): number {
    return this.counts[`${kind}-${action}`] ?? 0;
  }

  get total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }
}

/** One catalog entry, decoded (catalog.ts layout). */
export type CatalogEntry =
  | { prefix: typeof CATALOG_PREFIX.NAME; kind: number; name: string; id: number }
  | { prefix: typeof CATALOG_PREFIX.ID; id: number; kind: number; name: string }
  | { prefix: typeof CATALOG_PREFIX.LABEL_COUNT; labelId: number; count: number }
  | { prefix: typeof CATALOG_PREFIX.INDEX; definition: IndexDefinition };

/** Decode a catalog B+tree entry; throws on anything malformed. */
export function decodeCatalogEntry(key: Uint8Array, value: Uint8Array): CatalogEntry {
  const prefix = key[0];
  const single = (): number => {
    const id = readOrderedVarint(key, 1);
    if (orderedVarintEnd !== key.length) throw new Error('key has bytes after its id');
    return id;
  };
  switch (prefix) {
    case CATALOG_PREFIX.NAME: {
      const { kind, name } = decodeNameKey(key);
      if (kind < CATALOG_KIND.LABEL || kind > CATALOG_KIND.KEY) throw new Error(`unknown kind ${kind}`);
      const id = readVarint(value, 0, value.length);
      return { prefix, kind, name, id };
    }
    case CATALOG_PREFIX.ID: {
      const id = single();
      const kind = value[0] ?? 0;
      if (kind < CATALOG_KIND.LABEL || kind > CATALOG_KIND.KEY) throw new Error(`unknown kind ${kind}`);
      return { prefix, id, kind, name: decodeUtf8(value, 1, value.length) };
    }
    case CATALOG_PREFIX.LABEL_COUNT:
      return { prefix, labelId: single(), count: readVarint(value, 0, value.length) };
    case CATALOG_PREFIX.INDEX:
      return { prefix, definition: decodeIndexDefinition(single(), value) };
    default:
      throw new Error(`unknown prefix 0x${(prefix ?? 0).toString(16)}`);
  }
}

export interface RecordEntry {
  id: number;
  record: Uint8Array;
}

/** What a rebuild reads: the primary data of a database, from its trees or its pages. */
export interface PrimarySource {
  /** Catalog id entries (id → kind, name) and name entries (kind, name → id). */
  catalogIds: Map<number, { kind: number; name: string }>;
  catalogNames: { kind: number; name: string; id: number }[];
  /** NEXT_CATALOG_ID / NEXT_INDEX_ID / NEXT_NODE_ID / NEXT_RELATIONSHIP_ID when known (a readable meta page). */
  counters: { nextCatalogId: number | null; nextIndexId: number | null; nextNodeId: number | null; nextRelationshipId: number | null };
  definitions: IndexDefinition[];
  /** Records in ascending id order; each iterable is walked twice. */
  nodes: () => Iterable<RecordEntry>;
  relationships: () => Iterable<RecordEntry>;
  /** Trees of other root slots, copied entry by entry in key order. */
  others: { slot: number; name: string; entries: () => Iterable<{ key: Uint8Array; value: Uint8Array }> }[];
}

export interface RebuildResult {
  build: BulkBuildReport;
  nodesRead: number;
  relationshipsRead: number;
  catalogNames: number;
  indexes: IndexDefinition[];
  copiedTrees: { name: string; entries: number }[];
}

type Decoded = { labelIds: number[]; typeId: number; start: number; end: number; props: PropertyList };

/** Decode and check a node record (R1, R2); a problem description when it is unusable. */
export function decodeNode(record: Uint8Array): Decoded | string {
  try {
    const labelIds = nodeLabelIds(record);
    const props = readProperties(record, nodePropertiesOffset(record));
    return checkDecoded({ labelIds, typeId: -1, start: -1, end: -1, props });
  } catch (error) {
    return `record does not decode: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Decode and check a relationship record. */
export function decodeRelationship(record: Uint8Array): Decoded | string {
  try {
    const h = relationshipHeader(record);
    const props = readProperties(record, h.propertiesAt);
    return checkDecoded({ labelIds: [], typeId: h.typeId, start: h.start, end: h.end, props });
  } catch (error) {
    return `record does not decode: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function checkDecoded(d: Decoded): Decoded | string {
  for (let i = 1; i < d.labelIds.length; i++) if (d.labelIds[i]! <= d.labelIds[i - 1]!) return 'label ids are not strictly ascending (R1)';
  const { keyIds, values } = d.props;
  for (let i = 0; i < keyIds.length; i++) {
    if (i > 0 && keyIds[i]! <= keyIds[i - 1]!) return 'property key ids are not strictly ascending (R1)';
    const value = values[i]!;
    if (value === null) return `property key id ${keyIds[i]} holds null (R2)`;
    try {
      checkStorable(value, `property key id ${keyIds[i]}`);
    } catch (error) {
      return `${error instanceof Error ? error.message : String(error)} (R2)`;
    }
  }
  return d;
}

/** Catalog ids a record uses, with the kind each must have. */
function noteUses(used: Map<number, number>, d: Decoded): void {
  for (const l of d.labelIds) if (!used.has(l)) used.set(l, CATALOG_KIND.LABEL);
  if (d.typeId >= 0 && !used.has(d.typeId)) used.set(d.typeId, CATALOG_KIND.TYPE);
  for (const k of d.props.keyIds) if (!used.has(k)) used.set(k, CATALOG_KIND.KEY);
}

/** The catalog names to write, dense over 0..next−1 (see the header for the mending rules). */
export function rebuildCatalog(source: PrimarySource, used: Map<number, number>, issues: IssueList): { names: { id: number; kind: number; name: string }[]; next: number } {
  let next = source.counters.nextCatalogId ?? 0;
  for (const id of source.catalogIds.keys()) next = Math.max(next, id + 1);
  for (const { id } of source.catalogNames) next = Math.max(next, id + 1);
  for (const id of used.keys()) next = Math.max(next, id + 1);
  const byId = new Map<number, { kind: number; name: string }>();
  const fromNames = new Map<number, { kind: number; name: string }>();
  for (const entry of source.catalogNames) if (!fromNames.has(entry.id)) fromNames.set(entry.id, { kind: entry.kind, name: entry.name });
  const taken = new Set<string>(); // `${kind}:${name}`
  for (const [id, e] of source.catalogIds) taken.add(`${e.kind}:${e.name}`);
  for (const [, e] of fromNames) taken.add(`${e.kind}:${e.name}`);
  const invent = (kind: number, base: string): string => {
    let name = base;
    while (taken.has(`${kind}:${name}`)) name = `${name}_`;
    taken.add(`${kind}:${name}`);
    return name;
  };
  for (let id = 0; id < next; id++) {
    const entry = source.catalogIds.get(id);
    if (entry !== undefined) {
      byId.set(id, entry);
      continue;
    }
    const named = fromNames.get(id);
    if (named !== undefined) {
      byId.set(id, named);
      issues.add({ kind: 'catalog', id, action: 'mended', reason: `id entry missing: ${kindName(named.kind)} '${named.name}' recovered from its name entry` });
      continue;
    }
    const usedAs = used.get(id);
    if (usedAs !== undefined) {
      const prefix = usedAs === CATALOG_KIND.LABEL ? 'label' : usedAs === CATALOG_KIND.TYPE ? 'type' : 'key';
      const name = invent(usedAs, `${prefix}_${id}`);
      byId.set(id, { kind: usedAs, name });
      issues.add({ kind: 'catalog', id, action: 'mended', reason: `the records use ${kindName(usedAs)} id ${id} but its name is lost: named '${name}'` });
    } else {
      const name = invent(CATALOG_KIND.KEY, `_unused_${id}`);
      byId.set(id, { kind: CATALOG_KIND.KEY, name });
      issues.add({ kind: 'catalog', id, action: 'mended', reason: `catalog id ${id} is lost and unused: kept as property key '${name}' so ids stay dense` });
    }
  }
  // One id per (kind, name) (C1): later ids of a repeated name are renamed.
  const seen = new Map<string, number>();
  const names: { id: number; kind: number; name: string }[] = [];
  for (let id = 0; id < next; id++) {
    const e = byId.get(id)!;
    const k = `${e.kind}:${e.name}`;
    const first = seen.get(k);
    if (first !== undefined) {
      const name = invent(e.kind, `${e.name}#${id}`);
      issues.add({ kind: 'catalog', id, action: 'mended', reason: `${kindName(e.kind)} '${e.name}' is also id ${first}: id ${id} renamed '${name}'` });
      names.push({ id, kind: e.kind, name });
      continue;
    }
    seen.set(k, id);
    names.push({ id, kind: e.kind, name: e.name });
  }
  return { names, next };
}

/** Index definitions that fit the catalog, the first of each name and (label, key). */
function usableDefinitions(definitions: IndexDefinition[], kinds: Map<number, number>, issues: IssueList): IndexDefinition[] {
  const byName = new Set<string>();
  const byPair = new Set<string>();
  const out: IndexDefinition[] = [];
  for (const def of [...definitions].sort((a, b) => a.id - b.id)) {
    let problem: string | null = null;
    if (kinds.get(def.labelId) !== CATALOG_KIND.LABEL) problem = `its label id ${def.labelId} is not a label`;
    else if (kinds.get(def.keyId) !== CATALOG_KIND.KEY) problem = `its key id ${def.keyId} is not a property key`;
    else if (byName.has(def.name)) problem = 'an earlier index has its name';
    else if (byPair.has(`${def.labelId}:${def.keyId}`)) problem = 'an earlier index covers the same label and key';
    if (problem !== null) {
      issues.add({ kind: 'index', id: def.id, action: 'dropped', reason: `index '${def.name}': ${problem}` });
      continue;
    }
    byName.add(def.name);
    byPair.add(`${def.labelId}:${def.keyId}`);
    out.push(def);
  }
  return out;
}

function kindProblem(d: Decoded, kinds: Map<number, number>): string | null {
  for (const l of d.labelIds) if (kinds.get(l) !== CATALOG_KIND.LABEL) return `label id ${l} is a ${kindName(kinds.get(l) ?? 0)} in the catalog`;
  if (d.typeId >= 0 && kinds.get(d.typeId) !== CATALOG_KIND.TYPE) return `type id ${d.typeId} is a ${kindName(kinds.get(d.typeId) ?? 0)} in the catalog`;
  for (const k of d.props.keyIds) if (kinds.get(k) !== CATALOG_KIND.KEY) return `property key id ${k} is a ${kindName(kinds.get(k) ?? 0)} in the catalog`;
  return null;
}

/** Binary search in an ascending column. */
function contains(list: NumberList, value: number): boolean {
  const data = list.data;
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = data[mid]!;
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Write the graph of `source` into `store` (a new, empty database): catalog, records, every
 * derived structure, other trees. `tick` is awaited often (job checkpoint, page write-out).
 */
export async function rebuildGraph(store: PageStore, source: PrimarySource, issues: IssueList, tick: () => Promise<void>): Promise<RebuildResult> {
  // Pass 1: which records decode, and which catalog ids they use (names are invented for
  // ids that lost theirs, so no record is dropped only because the catalog lost an entry).
  const used = new Map<number, number>();
  let n = 0;
  for (const { record } of source.nodes()) {
    const d = decodeNode(record);
    if (typeof d !== 'string') noteUses(used, d);
    if ((++n & 4095) === 0) await tick();
  }
  for (const { record } of source.relationships()) {
    const d = decodeRelationship(record);
    if (typeof d !== 'string') noteUses(used, d);
    if ((++n & 4095) === 0) await tick();
  }
  const catalog = rebuildCatalog(source, used, issues);
  const kinds = new Map(catalog.names.map((e) => [e.id, e.kind]));
  const definitions = usableDefinitions(source.definitions, kinds, issues);
  let nextIndexId = source.counters.nextIndexId ?? 0;
  for (const def of source.definitions) nextIndexId = Math.max(nextIndexId, def.id + 1);

  store.setCounter(COUNTER.NODE_COUNT, 0n);
  store.setCounter(COUNTER.RELATIONSHIP_COUNT, 0n);
  store.setCounter(COUNTER.NEXT_NODE_ID, BigInt(source.counters.nextNodeId ?? 0));
  store.setCounter(COUNTER.NEXT_RELATIONSHIP_ID, BigInt(source.counters.nextRelationshipId ?? 0));
  const builder = new GraphBulkBuilder(store, { duplicates: 'demote' });
  builder.restoreCatalog(catalog.names, catalog.next, definitions, nextIndexId);

  // Pass 2: the records that pass, in id order.
  const kept = new NumberList(4096);
  let nodesRead = 0;
  for (const { id, record } of source.nodes()) {
    nodesRead++;
    const d = decodeNode(record);
    const problem = typeof d === 'string' ? d : kindProblem(d, kinds);
    if (problem !== null) issues.add({ kind: 'node', id, action: 'dropped', reason: problem });
    else {
      builder.addNode(id, (d as Decoded).labelIds, record);
      kept.push(id);
    }
    if ((nodesRead & 4095) === 0) await tick();
  }
  let relationshipsRead = 0;
  for (const { id, record } of source.relationships()) {
    relationshipsRead++;
    const d = decodeRelationship(record);
    let problem = typeof d === 'string' ? d : kindProblem(d, kinds);
    if (problem === null) {
      const r = d as Decoded;
      const noStart = !contains(kept, r.start);
      const noEnd = !contains(kept, r.end);
      if (noStart && noEnd && r.start !== r.end) problem = `its start node ${r.start} and end node ${r.end} are missing (G2)`;
      else if (noStart || noEnd) problem = `its ${noStart ? 'start' : 'end'} node ${noStart ? r.start : r.end} is missing (G2)`;
    }
    if (problem !== null) issues.add({ kind: 'relationship', id, action: 'dropped', reason: problem });
    else builder.addRelationship(id, (d as Decoded).typeId, (d as Decoded).start, (d as Decoded).end, record);
    if ((relationshipsRead & 4095) === 0) await tick();
  }
  const build = await builder.finish(tick);
  for (const dup of build.duplicates) {
    issues.add({ kind: 'index', action: 'mended', reason: `unique index '${dup.index}': nodes ${dup.nodeIds.join(', ')} hold equal ${dup.key} = ${dup.value}; the index was rebuilt non-unique` });
  }

  const copiedTrees: { name: string; entries: number }[] = [];
  for (const other of source.others) {
    const loader = new BTreeBulkLoader(store, rootInSlot(store, other.slot), { name: other.name });
    let entries = 0;
    const iterator = other.entries()[Symbol.iterator]();
    for (;;) {
      let next: IteratorResult<{ key: Uint8Array; value: Uint8Array }>;
      try {
        next = iterator.next();
      } catch (error) {
        // A page of that tree cannot be read: keep what could be, and say what was lost.
        if (!(error instanceof CorruptionError)) throw error;
        issues.add({ kind: 'tree', action: 'dropped', reason: `${other.name}: entries after the first ${entries} are unreadable (${error.message})` });
        break;
      }
      if (next.done === true) break;
      loader.add(next.value.key, next.value.value);
      if ((++entries & 4095) === 0) await tick();
    }
    loader.finish();
    copiedTrees.push({ name: other.name, entries });
  }
  return {
    build,
    nodesRead,
    relationshipsRead,
    catalogNames: catalog.names.length,
    indexes: definitions.map((d) => (build.demotedIndexes.includes(d.name) ? { ...d, unique: false } : d)),
    copiedTrees,
  };
}
