// GraphBulkBuilder: the graph store's bulk path. Records go in by ascending id; every derived
// structure (label index, label counts, property indexes, adjacency both ways, degrees,
// counters) is built once at the end from columns kept in memory, each tree in key order.
// CSV import (bulk-import.ts), repair and salvage (ops/) all build through it.
//
// How each tree is written:
//   - a tree that is empty when the builder starts is bulk-loaded bottom-up with full leaves
//     (storage/btree-bulk-load.ts): no descent, no split, every page written once;
//   - a tree that already holds entries (an import into a database with data) gets ordinary
//     inserts, still in key order: new node and relationship ids are above every existing id,
//     so those are appends to the right edge, and the other trees see sorted runs.
//
// Key order without per-entry keys: nodes and relationships arrive by id (their keys are the
// ordered varint of the id); label-index keys are (label, node), emitted label by label from
// per-label node lists; adjacency keys are grouped and sorted as number tuples (bulk-sort.ts);
// property index keys are built and sorted per index (an index has one entry per node at most).
//
// Memory: 20 bytes per relationship (start, end, type; ids are implicit while they run
// contiguously), 20 more per relationship while one direction of adjacency is built, 8 bytes
// per label of each node, plus the values of indexed properties, held until finish(). Records
// themselves are written as they arrive.
//
// Invariants the result keeps (numbered where they live): record R1/R2 (the caller's records),
// catalog C1–C3, label index L1/L2, property index I1–I3, adjacency A1/A2, writer G1 and G3.
// G2 (both ends of every relationship exist) is the caller's: import resolves ids against the
// nodes it read, repair and salvage drop relationships whose ends are missing.
//  (BB1) addNode / addRelationship ids strictly ascend (INVALID_ARGUMENT otherwise, changing
//        nothing): the bulk-loaded trees need keys in order.
//  (BB2) A unique index whose records hold equal values is never written half-unique: with
//        duplicates 'fail' the build throws CONSTRAINT_UNIQUE (nothing is committed by the
//        caller); with 'demote' the index is rebuilt non-unique and the duplicates reported.

import { GraphError } from '../errors.js';
import { BTree, rootInSlot } from '../storage/btree.js';
import { BTreeBulkLoader } from '../storage/btree-bulk-load.js';
import { KeyBuilder, compareBytes } from '../storage/keys.js';
import { COUNTER, ROOT_SLOT } from '../storage/meta.js';
import { NO_BYTES } from '../storage/scratch.js';
import type { PageStore } from '../storage/types.js';
import { DIRECTION_IN, DIRECTION_OUT } from './adjacency.js';
import { groupAdjacency, NumberList, RelationshipColumns, type AdjacencyGroups } from './bulk-sort.js';
import { CATALOG_PREFIX, CatalogCache, CatalogView, encodeIndexDefinition, type CatalogKind, type IndexDefinition } from './catalog.js';
import { ByteBuffer, putOrderedVarint, putVarint } from './encoding.js';
import { IndexKeyBuilder, PropertyIndexStore } from './property-index.js';
import { containsNaN, propertyValuesEqual } from './property-rules.js';
import { findProperty, nodePropertiesOffset } from './record.js';
import { IndexSchema } from './shared.js';
import { formatValue } from './writer.js';
import type { PropertyValue } from './value.js';

/** Entries written between two calls of the tick callback in finish(). */
const TICK_EVERY = 8192;

export type DuplicatePolicy = 'fail' | 'demote';

export interface BulkBuildOptions {
  /** Unique index with equal values (BB2): 'fail' (import) or 'demote' (repair, salvage). */
  duplicates: DuplicatePolicy;
  /** Where a node came from, for CONSTRAINT_UNIQUE messages (import: "file line N"). */
  nodeOrigin?: (nodeId: number) => string | undefined;
  /** About how many relationships will be added (sizes the columns up front; a guess is fine). */
  expectedRelationships?: number;
}

/** One group of nodes a unique index found with equal values. */
export interface UniqueDuplicate {
  index: string;
  label: string;
  key: string;
  value: string;
  nodeIds: number[];
}

export interface BulkTreeReport {
  name: string;
  /** Entries this build added. */
  entries: number;
  /** True when the tree was bulk-loaded (it was empty), false when entries were inserted. */
  bulkLoaded: boolean;
}

export interface BulkBuildReport {
  nodes: number;
  relationships: number;
  trees: BulkTreeReport[];
  /** Unique indexes rebuilt as non-unique (duplicates 'demote'). */
  demotedIndexes: string[];
  duplicates: UniqueDuplicate[];
}

/** Writes one tree in key order: bulk load when it starts empty, inserts otherwise. */
class TreeSink {
  readonly tree: BTree;
  private readonly loader: BTreeBulkLoader | null;
  entries = 0;

  constructor(store: PageStore, slot: number, readonly name: string) {
    this.tree = new BTree(store, rootInSlot(store, slot), { name });
    this.loader = store.getRoot(slot) === 0 ? new BTreeBulkLoader(store, rootInSlot(store, slot), { name }) : null;
  }

  get bulkLoaded(): boolean {
    return this.loader !== null;
  }

  add(key: Uint8Array, keyLength: number, value: Uint8Array = NO_BYTES, valueLength: number = value.length): void {
    if (this.loader !== null) this.loader.add(key, value, keyLength, valueLength);
    else this.tree.insert(keyLength === key.length ? key : key.slice(0, keyLength), valueLength === value.length ? value : value.slice(0, valueLength));
    this.entries++;
  }

  finish(): BulkTreeReport {
    this.loader?.finish();
    return { name: this.name, entries: this.entries, bulkLoaded: this.loader !== null };
  }
}

/** Property values collected for one index definition. */
interface IndexColumn {
  def: IndexDefinition;
  nodeIds: NumberList;
  values: PropertyValue[];
}

export class GraphBulkBuilder {
  private catalogView: CatalogView | null = null;
  private schema: IndexSchema | null = null;
  private nodesSink: TreeSink | null = null;
  private relationshipsSink: TreeSink | null = null;
  private readonly keyBuf = new Uint8Array(48);
  private lastNodeId = -1;
  private lastRelationshipId = -1;
  private nodeCount = 0;
  /** Node ids per label id, ascending (nodes arrive by id). */
  private readonly labelNodes = new Map<number, NumberList>();
  private readonly indexColumns = new Map<number, IndexColumn>();
  private readonly rels: RelationshipColumns;
  private finished = false;

  constructor(
    readonly store: PageStore,
    private readonly options: BulkBuildOptions,
  ) {
    this.rels = new RelationshipColumns(Math.max(4096, Math.min(options.expectedRelationships ?? 0, 1 << 22)));
  }

  /** The catalog of the store being built (names → ids for records). */
  get catalog(): CatalogView {
    return (this.catalogView ??= new CatalogView(this.store, new CatalogCache()));
  }

  /** Id of a catalog name, created when missing (import). */
  ensureId(kind: CatalogKind, name: string): number {
    return this.catalog.ensureId(kind, name);
  }

  /**
   * Write catalog names under fixed ids and the index definitions, into a store whose catalog
   * is empty (repair and salvage keep every id the records use). Sets NEXT_CATALOG_ID and
   * NEXT_INDEX_ID. Cost: a bulk load of 2 entries per name.
   */
  restoreCatalog(names: readonly { id: number; kind: number; name: string }[], nextCatalogId: number, definitions: readonly IndexDefinition[], nextIndexId: number): void {
    if (this.store.getRoot(ROOT_SLOT.CATALOG) !== 0) {
      throw new GraphError('INVALID_ARGUMENT', 'restoreCatalog needs a store without a catalog', {});
    }
    const kb = new KeyBuilder(64);
    const bb = new ByteBuffer(32);
    const entries: { key: Uint8Array; value: Uint8Array }[] = [];
    const utf8 = new TextEncoder();
    for (const { id, kind, name } of names) {
      entries.push({ key: kb.reset().u8(CATALOG_PREFIX.NAME).u8(kind).string(name).finish(), value: bb.reset().varint(id).copy() });
      const text = utf8.encode(name);
      const value = new Uint8Array(1 + text.length);
      value[0] = kind;
      value.set(text, 1);
      entries.push({ key: bb.reset().u8(CATALOG_PREFIX.ID).ordered(id).copy(), value });
    }
    for (const def of definitions) entries.push({ key: bb.reset().u8(CATALOG_PREFIX.INDEX).ordered(def.id).copy(), value: encodeIndexDefinition(def) });
    entries.sort((a, b) => compareBytes(a.key, b.key));
    const loader = new BTreeBulkLoader(this.store, rootInSlot(this.store, ROOT_SLOT.CATALOG), { name: 'catalog' });
    for (const { key, value } of entries) loader.add(key, value);
    loader.finish();
    this.store.setCounter(COUNTER.NEXT_CATALOG_ID, BigInt(nextCatalogId));
    this.store.setCounter(COUNTER.NEXT_INDEX_ID, BigInt(nextIndexId));
    this.store.setCounter(COUNTER.SCHEMA_VERSION, this.store.getCounter(COUNTER.SCHEMA_VERSION) + 1n);
    this.catalogView = null;
    this.schema = null;
  }

  private get indexSchema(): IndexSchema {
    return (this.schema ??= new IndexSchema(this.catalog.loadIndexDefinitions()));
  }

  private idKey(id: number): number {
    return putOrderedVarint(this.keyBuf, 0, id);
  }

  /**
   * Add a node: its id (above every id added before, BB1), label ids (ascending, the record's)
   * and its encoded record (record.ts; the first `recordLength` bytes of `record`, which the
   * builder copies). Cost: one tree append; the labels and indexed values are kept for finish().
   */
  addNode(id: number, labelIds: readonly number[], record: Uint8Array, recordLength: number = record.length): void {
    this.assertOpen();
    if (id <= this.lastNodeId) throw outOfOrder('node', id, this.lastNodeId);
    const sink = (this.nodesSink ??= new TreeSink(this.store, ROOT_SLOT.NODES, 'nodes'));
    sink.add(this.keyBuf, this.idKey(id), record, recordLength);
    this.lastNodeId = id;
    this.nodeCount++;
    const schema = this.indexSchema;
    let propsAt = -1;
    for (let i = 0; i < labelIds.length; i++) {
      const labelId = labelIds[i]!;
      let list = this.labelNodes.get(labelId);
      if (list === undefined) this.labelNodes.set(labelId, (list = new NumberList()));
      list.push(id);
      if (schema.isEmpty) continue;
      const defs = schema.forLabel(labelId);
      for (let j = 0; j < defs.length; j++) {
        const def = defs[j]!;
        if (propsAt < 0) {
          if (recordLength !== record.length) record = record.slice(0, recordLength);
          propsAt = nodePropertiesOffset(record);
        }
        const value = findProperty(record, propsAt, def.keyId);
        if (value === undefined) continue;
        let column = this.indexColumns.get(def.id);
        if (column === undefined) this.indexColumns.set(def.id, (column = { def, nodeIds: new NumberList(), values: [] }));
        column.nodeIds.push(id);
        column.values.push(value);
      }
    }
  }

  /**
   * Add a relationship (ids ascending, BB1) with its type id, ends and encoded record (its
   * first `recordLength` bytes, copied). The caller guarantees both ends exist (G2). Cost: one
   * tree append and four numbers kept.
   */
  addRelationship(id: number, typeId: number, start: number, end: number, record: Uint8Array, recordLength: number = record.length): void {
    this.assertOpen();
    if (id <= this.lastRelationshipId) throw outOfOrder('relationship', id, this.lastRelationshipId);
    const sink = (this.relationshipsSink ??= new TreeSink(this.store, ROOT_SLOT.RELATIONSHIPS, 'relationships'));
    sink.add(this.keyBuf, this.idKey(id), record, recordLength);
    this.lastRelationshipId = id;
    this.rels.push(id, typeId, start, end);
  }

  get nodesAdded(): number {
    return this.nodeCount;
  }

  get relationshipsAdded(): number {
    return this.rels.length;
  }

  /**
   * Build every derived structure and update the counters. `tick` is awaited every few
   * thousand entries (a job yields there; a file store may write pages out). Cost: O(n) for
   * the label index, adjacency and degrees with dense ids (O(n log n) otherwise), O(e log e)
   * for e property index entries.
   */
  async finish(tick: () => Promise<void> | void = () => undefined): Promise<BulkBuildReport> {
    this.assertOpen();
    this.finished = true;
    const trees: BulkTreeReport[] = [];
    if (this.nodesSink !== null) trees.push(this.nodesSink.finish());
    if (this.relationshipsSink !== null) trees.push(this.relationshipsSink.finish());
    await tick();
    trees.push(await this.buildLabelIndex(tick));
    const indexes = await this.buildPropertyIndexes(tick);
    if (indexes.tree !== null) trees.push(indexes.tree);
    trees.push(...(await this.buildAdjacency(tick)));
    this.bumpCounter(COUNTER.NODE_COUNT, this.nodeCount);
    this.bumpCounter(COUNTER.RELATIONSHIP_COUNT, this.rels.length);
    this.raiseCounter(COUNTER.NEXT_NODE_ID, this.lastNodeId + 1);
    this.raiseCounter(COUNTER.NEXT_RELATIONSHIP_ID, this.lastRelationshipId + 1);
    return { nodes: this.nodeCount, relationships: this.rels.length, trees, demotedIndexes: indexes.demoted, duplicates: indexes.duplicates };
  }

  private assertOpen(): void {
    if (this.finished) throw new GraphError('INVALID_ARGUMENT', 'the bulk build is finished', {});
  }

  private bumpCounter(slot: number, delta: number): void {
    if (delta !== 0) this.store.setCounter(slot, this.store.getCounter(slot) + BigInt(delta));
  }

  private raiseCounter(slot: number, atLeast: number): void {
    if (BigInt(atLeast) > this.store.getCounter(slot)) this.store.setCounter(slot, BigInt(atLeast));
  }

  // ── label index and label counts ──────────────────────────────────────────

  private async buildLabelIndex(tick: () => Promise<void> | void): Promise<BulkTreeReport> {
    const sink = new TreeSink(this.store, ROOT_SLOT.LABEL_INDEX, 'label-index');
    const key = this.keyBuf;
    const labelIds = [...this.labelNodes.keys()].sort((a, b) => a - b);
    for (const labelId of labelIds) {
      const list = this.labelNodes.get(labelId)!;
      const at = putOrderedVarint(key, 0, labelId);
      const ids = list.data;
      for (let i = 0; i < list.length; i++) {
        sink.add(key, putOrderedVarint(key, at, ids[i]!));
        if ((sink.entries & (TICK_EVERY - 1)) === 0) await tick();
      }
      this.catalog.adjustLabelCount(labelId, list.length);
    }
    return sink.finish();
  }

  // ── property indexes ──────────────────────────────────────────────────────

  private async buildPropertyIndexes(tick: () => Promise<void> | void): Promise<{ tree: BulkTreeReport | null; demoted: string[]; duplicates: UniqueDuplicate[] }> {
    const demoted: string[] = [];
    const duplicates: UniqueDuplicate[] = [];
    if (this.indexColumns.size === 0) return { tree: null, demoted, duplicates };
    const columns = [...this.indexColumns.values()].sort((a, b) => a.def.id - b.def.id);
    if (this.store.getRoot(ROOT_SLOT.PROPERTY_INDEX) !== 0) {
      return { tree: await this.insertIndexEntries(columns, tick), demoted, duplicates };
    }
    const sink = new TreeSink(this.store, ROOT_SLOT.PROPERTY_INDEX, 'property-index');
    const keys = new IndexKeyBuilder();
    for (const column of columns) {
      let entries = indexEntries(keys, column.def, column);
      const groups = column.def.unique ? duplicateGroups(entries, column) : [];
      if (groups.length > 0) {
        const found = groups.map((rows) => this.duplicate(column.def, column.values[rows[0]!]!, rows.map((row) => column.nodeIds.get(row))));
        if (this.options.duplicates === 'fail') throw this.uniqueViolation(column.def, found[0]!);
        const def: IndexDefinition = { ...column.def, unique: false };
        this.catalog.putIndexDefinition(def);
        this.store.setCounter(COUNTER.SCHEMA_VERSION, this.store.getCounter(COUNTER.SCHEMA_VERSION) + 1n);
        demoted.push(def.name);
        duplicates.push(...found);
        entries = indexEntries(keys, def, column);
      }
      for (const entry of entries) {
        sink.add(entry.key, entry.key.length, entry.value);
        if ((sink.entries & (TICK_EVERY - 1)) === 0) await tick();
      }
    }
    return { tree: sink.finish(), demoted, duplicates };
  }

  /** Import into an index tree that holds entries: ordinary inserts, unique ones checked against it. */
  private async insertIndexEntries(columns: IndexColumn[], tick: () => Promise<void> | void): Promise<BulkTreeReport> {
    const index = new PropertyIndexStore(this.store);
    const nodes = new BTree(this.store, rootInSlot(this.store, ROOT_SLOT.NODES), { name: 'nodes' });
    const idKey = new Uint8Array(9);
    const valueOf = (keyId: number) => (nodeId: number) => {
      const rec = nodes.get(idKey.subarray(0, putOrderedVarint(idKey, 0, nodeId)));
      return rec === undefined ? undefined : findProperty(rec, nodePropertiesOffset(rec), keyId);
    };
    let entries = 0;
    for (const { def, nodeIds, values } of columns) {
      const read = valueOf(def.keyId);
      for (let i = 0; i < nodeIds.length; i++) {
        const nodeId = nodeIds.get(i);
        if (def.unique) {
          const other = index.insertUnique(def, values[i]!, nodeId, read);
          if (other >= 0) throw this.uniqueViolation(def, this.duplicate(def, values[i]!, [other, nodeId]));
        } else index.insert(def, values[i]!, nodeId);
        if ((++entries & (TICK_EVERY - 1)) === 0) await tick();
      }
    }
    return { name: 'property-index', entries, bulkLoaded: false };
  }

  private duplicate(def: IndexDefinition, value: PropertyValue, nodeIds: number[]): UniqueDuplicate {
    return { index: def.name, label: this.catalog.nameOf(def.labelId), key: this.catalog.nameOf(def.keyId), value: formatValue(value), nodeIds };
  }

  private uniqueViolation(def: IndexDefinition, dup: UniqueDuplicate): GraphError {
    const origins = dup.nodeIds.map((id) => this.options.nodeOrigin?.(id)).filter((o): o is string => o !== undefined);
    const where = origins.length > 0 ? ` (${origins.join(', ')})` : '';
    return new GraphError('CONSTRAINT_UNIQUE', `unique index '${def.name}': nodes ${dup.nodeIds.join(' and ')} both have label :${dup.label} and ${dup.key} = ${dup.value}${where}`, {
      index: def.name,
      label: dup.label,
      key: dup.key,
      value: dup.value,
      nodeIds: dup.nodeIds,
      ...(origins.length > 0 ? { origins } : {}),
    });
  }

  // ── adjacency and degrees ─────────────────────────────────────────────────

  private async buildAdjacency(tick: () => Promise<void> | void): Promise<BulkTreeReport[]> {
    const rels = this.rels;
    if (rels.length === 0) return [];
    const reports: BulkTreeReport[] = [];
    const runs: NumberList[][] = [];
    let groups: AdjacencyGroups | null = null;
    for (const direction of [DIRECTION_OUT, DIRECTION_IN]) {
      const out = direction === DIRECTION_OUT;
      groups = await groupAdjacency(rels, out ? rels.starts : rels.ends, out ? rels.ends : rels.starts, groups, tick);
      const sink = new TreeSink(this.store, out ? ROOT_SLOT.ADJACENCY_OUT : ROOT_SLOT.ADJACENCY_IN, out ? 'adjacency-out' : 'adjacency-in');
      // Degree runs: (node, type, count) in (node, type) order.
      const degreeRuns = [new NumberList(1024), new NumberList(1024), new NumberList(1024)];
      const count = groups.nodes.length;
      for (let g = 0; g < count; g = emitAdjacency(sink, groups, g, count, this.keyBuf, degreeRuns)) await tick();
      reports.push(sink.finish());
      runs.push(degreeRuns);
    }
    reports.push(await this.buildDegrees(runs[0]!, runs[1]!, tick));
    return reports;
  }

  /** Degree entries (node, direction, type) from the runs of both directions, merged in key order. */
  private async buildDegrees(out: NumberList[], inRuns: NumberList[], tick: () => Promise<void> | void): Promise<BulkTreeReport> {
    const sink = new TreeSink(this.store, ROOT_SLOT.DEGREES, 'degrees');
    const key = this.keyBuf;
    const countBuf = new Uint8Array(10);
    const emit = (node: number, direction: number, type: number, count: number): void => {
      let p = putOrderedVarint(key, 0, node);
      key[p++] = direction;
      p = putOrderedVarint(key, p, type);
      if (sink.bulkLoaded) {
        sink.add(key, p, countBuf.slice(0, putVarint(countBuf, 0, count)));
        return;
      }
      const exact = key.slice(0, p);
      const held = sink.tree.get(exact);
      const total = count + (held === undefined ? 0 : readLeb(held));
      sink.tree.put(exact, countBuf.slice(0, putVarint(countBuf, 0, total)));
      sink.entries++;
    };
    const [oNodes, oTypes, oCounts] = out as [NumberList, NumberList, NumberList];
    const [iNodes, iTypes, iCounts] = inRuns as [NumberList, NumberList, NumberList];
    let i = 0;
    let j = 0;
    let done = 0;
    while (i < oNodes.length || j < iNodes.length) {
      const takeOut = j >= iNodes.length || (i < oNodes.length && oNodes.get(i) <= iNodes.get(j));
      if (takeOut) {
        emit(oNodes.get(i), DIRECTION_OUT, oTypes.get(i), oCounts.get(i));
        i++;
      } else {
        emit(iNodes.get(j), DIRECTION_IN, iTypes.get(j), iCounts.get(j));
        j++;
      }
      if ((++done & (TICK_EVERY - 1)) === 0) await tick();
    }
    return sink.finish();
  }
}

/**
 * Write the adjacency entries of groups g.. (at least TICK_EVERY entries, whole groups) and
 * their degree runs; returns the next group. Sequential reads of the grouped columns.
 */
function emitAdjacency(sink: TreeSink, groups: AdjacencyGroups, g: number, count: number, key: Uint8Array, runs: NumberList[]): number {
  const { nodes, offsets, types, others, ids } = groups;
  const [runNodes, runTypes, runCounts] = runs as [NumberList, NumberList, NumberList];
  let written = 0;
  for (; g < count && written < TICK_EVERY; g++) {
    const node = nodes[g]!;
    const at = putOrderedVarint(key, 0, node);
    const end = offsets[g + 1]!;
    let lastType = -1;
    for (let i = offsets[g]!; i < end; i++) {
      const t = types[i]!;
      let p = putOrderedVarint(key, at, t);
      p = putOrderedVarint(key, p, others[i]!);
      p = putOrderedVarint(key, p, ids[i]!);
      sink.add(key, p);
      if (t === lastType) runCounts.data[runCounts.length - 1]!++;
      else {
        runNodes.push(node);
        runTypes.push(t);
        runCounts.push(1);
        lastType = t;
      }
    }
    written += end - offsets[g]!;
  }
  return g;
}

function readLeb(value: Uint8Array): number {
  let result = 0;
  let scale = 1;
  for (const b of value) {
    result += (b & 0x7f) * scale;
    if (b < 128) break;
    scale *= 128;
  }
  return result;
}

function outOfOrder(what: string, id: number, last: number): GraphError {
  return new GraphError('INVALID_ARGUMENT', `bulk build: ${what} ${id} does not come after ${what} ${last} (ids must ascend)`, { id, last });
}

interface BuiltEntry {
  key: Uint8Array;
  value: Uint8Array;
  /** Row in the index column. */
  row: number;
  /** Length of the value part of the key (groups equal values). */
  valueEnd: number;
  uniqueForm: boolean;
}

/** The entries of one index for its column, sorted by key (then node id for equal unique keys). */
function indexEntries(keys: IndexKeyBuilder, def: IndexDefinition, column: IndexColumn): BuiltEntry[] {
  const out: BuiltEntry[] = [];
  const idBuf = new Uint8Array(9);
  for (let row = 0; row < column.nodeIds.length; row++) {
    const nodeId = column.nodeIds.get(row);
    const value = column.values[row]!;
    const valueEnd = keys.valuePrefix(def.id, value);
    if (def.unique && !keys.truncated && !containsNaN(value)) {
      out.push({ key: keys.key.copy(), value: idBuf.slice(0, putOrderedVarint(idBuf, 0, nodeId)), row, valueEnd, uniqueForm: true });
    } else {
      out.push({ key: keys.key.ordered(nodeId).copy(), value: NO_BYTES, row, valueEnd, uniqueForm: false });
    }
  }
  out.sort((a, b) => compareBytes(a.key, b.key) || column.nodeIds.get(a.row) - column.nodeIds.get(b.row));
  return out;
}

/**
 * Groups of rows holding equal values in a unique index (I2): equal unique-form keys, or
 * truncated suffix-form entries with one value prefix whose full values are equal.
 */
function duplicateGroups(entries: BuiltEntry[], column: IndexColumn): number[][] {
  const groups: number[][] = [];
  let i = 0;
  while (i < entries.length) {
    let j = i + 1;
    const a = entries[i]!;
    while (j < entries.length && sameValuePart(a, entries[j]!)) j++;
    if (j - i > 1) {
      if (a.uniqueForm) groups.push(entries.slice(i, j).map((e) => e.row));
      else {
        // Lossy keys: compare the values themselves (NaN equals nothing).
        const rows = entries.slice(i, j).map((e) => e.row);
        const taken = new Set<number>();
        for (let x = 0; x < rows.length; x++) {
          if (taken.has(x)) continue;
          const group = [rows[x]!];
          for (let y = x + 1; y < rows.length; y++) {
            if (!taken.has(y) && propertyValuesEqual(column.values[rows[x]!]!, column.values[rows[y]!]!)) {
              group.push(rows[y]!);
              taken.add(y);
            }
          }
          if (group.length > 1) groups.push(group);
        }
      }
    }
    i = j;
  }
  return groups;
}

function sameValuePart(a: BuiltEntry, b: BuiltEntry): boolean {
  if (a.valueEnd !== b.valueEnd || a.uniqueForm !== b.uniqueForm) return false;
  for (let k = 0; k < a.valueEnd; k++) if (a.key[k] !== b.key[k]) return false;
  return true;
}

