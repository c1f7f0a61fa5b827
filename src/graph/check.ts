// checkGraph: every invariant that ties the graph structures together, plus each B+tree's
// own check and the ownership of every page (CONVENTIONS §7: integrity is a library function).
//
// What is verified (invariant ids from the modules that keep them):
//   B+trees     BTree.check() of every graph tree (btree.ts B1–B8)            structure: tree name
//   pages       every page < pageCount is the meta page, a free page, or a page of exactly one
//               tree reachable from a root slot; none is both, none is twice (meta.ts M2). Every
//               non-zero root slot is walked as a B+tree, the graph's and other layers' alike.
//   catalog     C1 name ↔ id entries inverse, C2 ids dense and < NEXT_CATALOG_ID, kinds valid,
//               C3 label counts = label index entries; index definitions decode, names and
//               (label, key) pairs unique, ids < NEXT_INDEX_ID
//   records     R1 ascending label and key ids, all known to the catalog with the right kind;
//               R2 no top-level null; every value decodes; ids < NEXT_*_ID (G3)
//   counts      G1 NODE_COUNT and RELATIONSHIP_COUNT equal the records
//   relationships  G2 start and end nodes exist; A1 both adjacency entries exist and every
//               adjacency entry has its relationship; A2 degree entries equal the counts
//   label index L1 both ways, L2 counts
//   property indexes  I1 both ways (each entry equals the key built from its record), I2 no
//               duplicate values in a unique index, I3 no entries without a definition
//
// The check reads everything once (plus one lookup per cross-reference): O(n log n). It
// never throws on damage: a structure that cannot be walked is reported and skipped.

import { BTree, rootInSlot } from '../storage/btree.js';
import { COUNTER, ROOT_SLOT, ROOT_SLOT_COUNT } from '../storage/meta.js';
import type { PageId, PageStore } from '../storage/types.js';
import { AdjacencyStore, DIRECTION_IN, DIRECTION_OUT, decodeAdjacencyKey, decodeDegreeKey, type DirectionCode } from './adjacency.js';
import {
  CATALOG_KIND,
  CATALOG_PREFIX,
  decodeIndexDefinition,
  decodeNameKey,
  kindName,
  type IndexDefinition,
} from './catalog.js';
import { IdKeys, orderedVarintEnd, readOrderedVarint, readVarint } from './encoding.js';
import { decodeLabelKey, LabelIndexStore } from './label-index.js';
import { NodeIdBits } from './node-id-bits.js';
import { PropertyIndexStore, decodeEntry } from './property-index.js';
import { checkStorable, propertyValuesEqual } from './property-rules.js';
import { decodeUtf8, findProperty, nodeLabelIds, nodePropertiesOffset, nodeRecordHasLabel, readProperties, relationshipHeader, type PropertyList } from './record.js';
import { TupleDigest } from './tuple-digest.js';
import type { PropertyValue } from './value.js';

export interface GraphProblem {
  severity: 'error' | 'warning';
  /** The structure at fault: a tree name ('nodes', 'adjacency-out', ...), 'pages' or 'counters'. */
  structure: string;
  /** Invariant id (B+tree problem kind for tree-level problems). */
  invariant: string;
  /** Node, relationship, label, index or catalog id concerned, when there is one. */
  id?: number;
  /** Page concerned, when there is one. */
  pageId?: PageId;
  /** The B+tree key concerned, hex. */
  key?: string;
  message: string;
}

export interface CheckGraphOptions {
  /**
   * Page accounting for the ownership check: the store's page count and free list (the pager
   * gives both: `{ pageCount: txn.pageCount, freePages: pager.freePages(txn) }`). Without it
   * the ownership check is skipped.
   */
  pages?: { pageCount: number; freePages: { trunks: readonly PageId[]; leaves: readonly PageId[] } };
  /** Stop collecting after this many problems (default 1000). */
  maxProblems?: number;
}

export interface GraphCheckReport {
  problems: GraphProblem[];
  nodes: number;
  relationships: number;
  indexEntries: number;
  pagesChecked: number;
}

const GRAPH_TREES: { slot: number; name: string }[] = [
  { slot: ROOT_SLOT.CATALOG, name: 'catalog' },
  { slot: ROOT_SLOT.NODES, name: 'nodes' },
  { slot: ROOT_SLOT.RELATIONSHIPS, name: 'relationships' },
  { slot: ROOT_SLOT.ADJACENCY_OUT, name: 'adjacency-out' },
  { slot: ROOT_SLOT.ADJACENCY_IN, name: 'adjacency-in' },
  { slot: ROOT_SLOT.DEGREES, name: 'degrees' },
  { slot: ROOT_SLOT.LABEL_INDEX, name: 'label-index' },
  { slot: ROOT_SLOT.PROPERTY_INDEX, name: 'property-index' },
];

function hex(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex');
}

class Checker {
  readonly problems: GraphProblem[] = [];
  readonly trees = new Map<string, BTree>();
  defs: IndexDefinition[] = [];
  nodes = 0;
  relationships = 0;
  indexEntries = 0;
  pagesChecked = 0;
  private readonly broken = new Set<string>();
  /** Kind of each catalog id, from the id entries (C1). */
  readonly kinds = new Map<number, number>();
  readonly names = new Map<number, string>();

  constructor(
    readonly store: PageStore,
    private readonly maxProblems: number,
  ) {
    for (const { slot, name } of GRAPH_TREES) this.trees.set(name, new BTree(store, rootInSlot(store, slot), { name }));
  }

  tree(name: string): BTree {
    return this.trees.get(name)!;
  }

  report(problem: Omit<GraphProblem, 'severity'> & { severity?: 'error' | 'warning' }): void {
    if (this.problems.length < this.maxProblems) this.problems.push({ severity: 'error', ...problem });
  }

  /** Run a phase; a throw (damage the phase could not step over) becomes one problem. */
  phase(structure: string, invariant: string, body: () => void): void {
    if (this.broken.has(structure)) return;
    try {
      body();
    } catch (error) {
      this.report({ structure, invariant, message: `${structure}: check stopped: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  counter(slot: number): number {
    return Number(this.store.getCounter(slot));
  }

  // ── B+trees and pages ──────────────────────────────────────────────────────

  checkTrees(): void {
    for (const [name, tree] of this.trees) {
      const found = tree.check();
      if (found.length > 0) this.broken.add(name);
      for (const p of found) this.report({ structure: name, invariant: p.kind, pageId: p.pageId, message: p.message });
    }
  }

  checkPages(pages: NonNullable<CheckGraphOptions['pages']>): void {
    const owner = new Map<PageId, string>();
    const claim = (id: PageId, by: string): void => {
      this.pagesChecked++;
      if (id <= 0 || id >= pages.pageCount) {
        this.report({ structure: 'pages', invariant: 'M2', pageId: id, message: `page ${id} (${by}) is outside 1..${pages.pageCount - 1}` });
        return;
      }
      const before = owner.get(id);
      if (before !== undefined) {
        this.report({ structure: 'pages', invariant: 'M2', pageId: id, message: `page ${id} is used by ${before} and by ${by}` });
        return;
      }
      owner.set(id, by);
    };
    for (let slot = 0; slot < ROOT_SLOT_COUNT; slot++) {
      if (this.store.getRoot(slot) === 0) continue;
      const known = GRAPH_TREES.find((t) => t.slot === slot);
      const name = known?.name ?? `root slot ${slot}`;
      const tree = this.trees.get(name) ?? new BTree(this.store, rootInSlot(this.store, slot), { name });
      try {
        tree.visitPages((id, kind) => claim(id, `B+tree ${name} (${kind})`));
      } catch (error) {
        this.report({ structure: 'pages', invariant: 'M2', message: `pages of ${name} could not be listed: ${error instanceof Error ? error.message : String(error)}` });
      }
    }
    for (const id of pages.freePages.trunks) claim(id, 'the free list (trunk)');
    for (const id of pages.freePages.leaves) claim(id, 'the free list');
    for (let id = 1; id < pages.pageCount; id++) {
      if (!owner.has(id)) this.report({ structure: 'pages', invariant: 'M2', pageId: id, message: `page ${id} is leaked: neither free nor used by any tree` });
    }
  }

  // ── catalog ────────────────────────────────────────────────────────────────

  checkCatalog(): void {
    const next = this.counter(COUNTER.NEXT_CATALOG_ID);
    const byName = new Map<string, number>(); // `${kind}:${name}` → id from name entries
    const labelCounts = new Map<number, number>();
    const nextIndex = this.counter(COUNTER.NEXT_INDEX_ID);
    for (const { key, value } of this.tree('catalog').range()) {
      const prefix = key[0];
      try {
        if (prefix === CATALOG_PREFIX.NAME) {
          const { kind, name } = decodeNameKey(key);
          const id = readVarint(value, 0, value.length);
          byName.set(`${kind}:${name}`, id);
        } else if (prefix === CATALOG_PREFIX.ID) {
          const id = readOrderedVarint(key, 1);
          const kind = value[0]!;
          if (kind < CATALOG_KIND.LABEL || kind > CATALOG_KIND.KEY) this.report({ structure: 'catalog', invariant: 'C1', id, message: `catalog id ${id} has unknown kind ${kind}` });
          if (id >= next) this.report({ structure: 'catalog', invariant: 'C2', id, message: `catalog id ${id} is not below NEXT_CATALOG_ID ${next}` });
          this.kinds.set(id, kind);
          this.names.set(id, decodeUtf8(value, 1, value.length));
        } else if (prefix === CATALOG_PREFIX.LABEL_COUNT) {
          labelCounts.set(readOrderedVarint(key, 1), readVarint(value, 0, value.length));
        } else if (prefix === CATALOG_PREFIX.INDEX) {
          const def = decodeIndexDefinition(readOrderedVarint(key, 1), value);
          if (def.id >= nextIndex) this.report({ structure: 'catalog', invariant: 'I3', id: def.id, message: `index id ${def.id} is not below NEXT_INDEX_ID ${nextIndex}` });
          this.defs.push(def);
        } else {
          this.report({ structure: 'catalog', invariant: 'C1', key: hex(key), message: `catalog key with unknown prefix 0x${(prefix ?? 0).toString(16)}` });
        }
      } catch (error) {
        this.report({ structure: 'catalog', invariant: 'C1', key: hex(key), message: `catalog entry does not decode: ${error instanceof Error ? error.message : String(error)}` });
      }
    }
    for (let id = 0; id < next; id++) {
      if (!this.kinds.has(id)) this.report({ structure: 'catalog', invariant: 'C2', id, message: `catalog id ${id} (below NEXT_CATALOG_ID ${next}) has no entry` });
    }
    for (const [kn, id] of byName) {
      const colon = kn.indexOf(':');
      const kind = Number(kn.slice(0, colon));
      const name = kn.slice(colon + 1);
      if (this.kinds.get(id) !== kind || this.names.get(id) !== name) {
        this.report({ structure: 'catalog', invariant: 'C1', id, message: `${kindName(kind)} '${name}' maps to id ${id}, whose entry says ${kindName(this.kinds.get(id) ?? 0)} '${this.names.get(id) ?? '(none)'}'` });
      }
    }
    for (const [id, name] of this.names) {
      if (byName.get(`${this.kinds.get(id)}:${name}`) !== id) {
        this.report({ structure: 'catalog', invariant: 'C1', id, message: `catalog id ${id} ('${name}') has no name entry pointing back at it` });
      }
    }
    const seenNames = new Set<string>();
    const seenPairs = new Set<string>();
    for (const def of this.defs) {
      if (seenNames.has(def.name)) this.report({ structure: 'catalog', invariant: 'I3', id: def.id, message: `two indexes are named '${def.name}'` });
      seenNames.add(def.name);
      const pair = `${def.labelId}:${def.keyId}`;
      if (seenPairs.has(pair)) this.report({ structure: 'catalog', invariant: 'I3', id: def.id, message: `index '${def.name}' duplicates another index's (label, key)` });
      seenPairs.add(pair);
      this.expectKind(def.labelId, CATALOG_KIND.LABEL, 'catalog', `index '${def.name}'`);
      this.expectKind(def.keyId, CATALOG_KIND.KEY, 'catalog', `index '${def.name}'`);
    }
    this.labelCountsStored = labelCounts;
  }

  labelCountsStored = new Map<number, number>();

  expectKind(id: number, kind: number, structure: string, where: string, invariant = 'R1'): void {
    const actual = this.kinds.get(id);
    if (actual !== kind) {
      this.report({ structure, invariant, id, message: `${where} uses catalog id ${id} as a ${kindName(kind)}, but it is ${actual === undefined ? 'not in the catalog' : `a ${kindName(actual)}`}` });
    }
  }

  // ── nodes, labels, property indexes ────────────────────────────────────────

  checkNodes(): void {
    const nextId = this.counter(COUNTER.NEXT_NODE_ID);
    const labelIndex = new LabelIndexStore(this.store);
    const propertyIndex = new PropertyIndexStore(this.store);
    const defsByLabel = new Map<number, IndexDefinition[]>();
    for (const def of this.defs) defsByLabel.set(def.labelId, [...(defsByLabel.get(def.labelId) ?? []), def]);
    const perLabel = new Map<number, number>();
    this.expectedEntries = new Map(this.defs.map((d) => [d.id, 0]));
    const cur = this.tree('nodes').cursor();
    for (cur.seekFirst(); cur.valid; cur.next()) {
      const key = cur.key;
      let id: number;
      try {
        id = readOrderedVarint(key, 0);
        if (orderedVarintEnd !== key.length) throw new Error('bytes after the id');
      } catch (error) {
        this.report({ structure: 'nodes', invariant: 'G3', key: hex(key), message: `node key does not decode: ${String(error)}` });
        continue;
      }
      this.nodes++;
      this.nodeIds.add(id);
      if (id >= nextId) this.report({ structure: 'nodes', invariant: 'G3', id, message: `node ${id} is not below NEXT_NODE_ID ${nextId}` });
      let labels: number[];
      let props: PropertyList;
      try {
        const rec = cur.value;
        labels = nodeLabelIds(rec);
        props = readProperties(rec, nodePropertiesOffset(rec));
      } catch (error) {
        this.report({ structure: 'nodes', invariant: 'R1', id, message: `node ${id}: record does not decode: ${error instanceof Error ? error.message : String(error)}` });
        continue;
      }
      this.checkAscending(labels, 'nodes', id, 'label ids');
      this.checkProperties(props, 'nodes', id, `node ${id}`);
      for (const labelId of labels) {
        this.expectKind(labelId, CATALOG_KIND.LABEL, 'nodes', `node ${id}`);
        perLabel.set(labelId, (perLabel.get(labelId) ?? 0) + 1);
        if (!labelIndex.has(labelId, id)) this.report({ structure: 'label-index', invariant: 'L1', id, message: `node ${id} carries label ${this.nameOf(labelId)} but the label index lacks (${labelId}, ${id})` });
        for (const def of defsByLabel.get(labelId) ?? []) {
          const at = props.keyIds.indexOf(def.keyId);
          if (at < 0) continue;
          this.expectedEntries.set(def.id, this.expectedEntries.get(def.id)! + 1);
          try {
            const want = propertyIndex.expectedEntry(def, props.values[at]!, id);
            const held = propertyIndex.tree.get(want.key);
            if (held === undefined || !sameBytes(held, want.value)) {
              this.report({ structure: 'property-index', invariant: 'I1', id, message: `node ${id}: index '${def.name}' lacks the entry for its value of ${this.nameOf(def.keyId)}` });
            }
          } catch (error) {
            this.report({ structure: 'property-index', invariant: 'I1', id, message: `node ${id}: value of ${this.nameOf(def.keyId)} cannot be indexed: ${String(error)}` });
          }
        }
      }
    }
    const nodeCount = this.counter(COUNTER.NODE_COUNT);
    if (nodeCount !== this.nodes) this.report({ structure: 'counters', invariant: 'G1', message: `NODE_COUNT is ${nodeCount} but the nodes tree holds ${this.nodes} records` });
    this.labelsFromNodes = perLabel;
    this.nodesScanned = true;
  }

  labelsFromNodes = new Map<number, number>();
  expectedEntries = new Map<number, number>();

  private nameOf(id: number): string {
    return this.names.has(id) ? `'${this.names.get(id)}'` : `#${id}`;
  }

  private checkAscending(ids: number[], structure: string, id: number, what: string): void {
    for (let i = 1; i < ids.length; i++) {
      if (ids[i]! <= ids[i - 1]!) {
        this.report({ structure, invariant: 'R1', id, message: `${structure === 'nodes' ? 'node' : 'relationship'} ${id}: ${what} are not strictly ascending` });
        return;
      }
    }
  }

  private checkProperties(props: PropertyList, structure: string, id: number, where: string): void {
    this.checkAscending(props.keyIds, structure, id, 'property key ids');
    for (let i = 0; i < props.keyIds.length; i++) {
      const keyId = props.keyIds[i]!;
      this.expectKind(keyId, CATALOG_KIND.KEY, structure, where);
      const value = props.values[i]!;
      if (value === null) {
        this.report({ structure, invariant: 'R2', id, message: `${where}: property ${this.nameOf(keyId)} is stored as null` });
        continue;
      }
      try {
        checkStorable(value, `${where} property ${this.nameOf(keyId)}`);
      } catch (error) {
        this.report({ structure, invariant: 'R2', id, message: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  checkLabelIndex(): void {
    const nodes = this.tree('nodes');
    const perLabel = new Map<number, number>();
    const kb = new IdKeys();
    for (const { key } of this.tree('label-index').range()) {
      let labelId: number;
      let nodeId: number;
      try {
        ({ labelId, nodeId } = decodeLabelKey(key));
      } catch (error) {
        this.report({ structure: 'label-index', invariant: 'L1', key: hex(key), message: `label index key does not decode: ${String(error)}` });
        continue;
      }
      perLabel.set(labelId, (perLabel.get(labelId) ?? 0) + 1);
      const rec = nodes.get(kb.key(nodeId));
      if (rec === undefined) this.report({ structure: 'label-index', invariant: 'L1', id: nodeId, message: `label index entry (${this.nameOf(labelId)}, ${nodeId}) names a node that does not exist` });
      else if (!nodeRecordHasLabel(rec, labelId)) this.report({ structure: 'label-index', invariant: 'L1', id: nodeId, message: `label index entry (${this.nameOf(labelId)}, ${nodeId}): the node does not carry that label` });
    }
    const ids = new Set([...perLabel.keys(), ...this.labelCountsStored.keys(), ...this.labelsFromNodes.keys()]);
    for (const labelId of ids) {
      const entries = perLabel.get(labelId) ?? 0;
      const stored = this.labelCountsStored.get(labelId) ?? 0;
      const records = this.labelsFromNodes.get(labelId) ?? 0;
      if (stored !== entries || entries !== records) {
        this.report({ structure: 'catalog', invariant: 'L2', id: labelId, message: `label ${this.nameOf(labelId)}: catalog count ${stored}, label index entries ${entries}, node records ${records}` });
      }
      if (this.labelCountsStored.has(labelId) && stored === 0) this.report({ structure: 'catalog', invariant: 'C3', id: labelId, message: `label ${this.nameOf(labelId)} has a count entry of 0` });
    }
  }

  checkPropertyIndex(): void {
    const byId = new Map(this.defs.map((d) => [d.id, d]));
    const nodes = this.tree('nodes');
    const propertyIndex = new PropertyIndexStore(this.store);
    const kb = new IdKeys();
    const counts = new Map<number, number>();
    let previous: { indexId: number; valuePart: Uint8Array; nodeId: number; truncated: boolean } | null = null;
    for (const { key, value: stored } of this.tree('property-index').range()) {
      let entry;
      try {
        entry = decodeEntry(key, stored);
      } catch (error) {
        this.report({ structure: 'property-index', invariant: 'I1', key: hex(key), message: `index entry key does not decode: ${String(error)}` });
        continue;
      }
      this.indexEntries++;
      const def = byId.get(entry.indexId);
      if (def === undefined) {
        this.report({ structure: 'property-index', invariant: 'I3', id: entry.indexId, key: hex(key), message: `entry of index id ${entry.indexId}, which has no definition` });
        continue;
      }
      counts.set(def.id, (counts.get(def.id) ?? 0) + 1);
      const rec = nodes.get(kb.key(entry.nodeId));
      let value: PropertyValue | undefined;
      if (rec === undefined) {
        this.report({ structure: 'property-index', invariant: 'I1', id: entry.nodeId, message: `index '${def.name}' has an entry for node ${entry.nodeId}, which does not exist` });
      } else if (!nodeRecordHasLabel(rec, def.labelId)) {
        this.report({ structure: 'property-index', invariant: 'I1', id: entry.nodeId, message: `index '${def.name}' has an entry for node ${entry.nodeId}, which lacks label ${this.nameOf(def.labelId)}` });
      } else {
        value = findProperty(rec, nodePropertiesOffset(rec), def.keyId);
        if (value === undefined) {
          this.report({ structure: 'property-index', invariant: 'I1', id: entry.nodeId, message: `index '${def.name}' has an entry for node ${entry.nodeId}, which has no ${this.nameOf(def.keyId)}` });
        } else if (!sameBytes(propertyIndex.expectedEntry(def, value, entry.nodeId).key, key)) {
          this.report({ structure: 'property-index', invariant: 'I1', id: entry.nodeId, message: `index '${def.name}': the entry for node ${entry.nodeId} does not match its value of ${this.nameOf(def.keyId)}` });
        }
      }
      const valuePart = key.subarray(0, entry.valueEnd);
      if (def.unique && previous !== null && previous.indexId === def.id && sameBytes(previous.valuePart, valuePart)) {
        let duplicate = false; // equal bytes: an exact value twice, or NaN / a truncated group (compare the values)
        if (value !== undefined) {
          const other = nodes.get(kb.key(previous.nodeId));
          const otherValue = other === undefined ? undefined : findProperty(other, nodePropertiesOffset(other), def.keyId);
          duplicate = otherValue !== undefined && propertyValuesEqual(otherValue, value);
        }
        if (duplicate) this.report({ structure: 'property-index', invariant: 'I2', id: entry.nodeId, message: `unique index '${def.name}': nodes ${previous.nodeId} and ${entry.nodeId} hold equal values` });
      }
      previous = { indexId: def.id, valuePart, nodeId: entry.nodeId, truncated: entry.truncated };
    }
    for (const def of this.defs) {
      const have = counts.get(def.id) ?? 0;
      const want = this.expectedEntries.get(def.id) ?? 0;
      if (have !== want) this.report({ structure: 'property-index', invariant: 'I1', id: def.id, message: `index '${def.name}' holds ${have} entries; the records call for ${want}` });
    }
  }

  // ── relationships and adjacency ────────────────────────────────────────────

  checkRelationships(): void {
    const nextId = this.counter(COUNTER.NEXT_RELATIONSHIP_ID);
    const nodes = this.tree('nodes');
    // Node ids from the nodes phase when it read the whole tree; else one lookup per endpoint.
    const nodesScanned = this.nodesScanned;
    const kb = new IdKeys();
    const degrees = new Map<DegreeKey, number>();
    const cur = this.tree('relationships').cursor();
    for (cur.seekFirst(); cur.valid; cur.next()) {
      const key = cur.key;
      let id: number;
      try {
        id = readOrderedVarint(key, 0);
        if (orderedVarintEnd !== key.length) throw new Error('bytes after the id');
      } catch (error) {
        this.report({ structure: 'relationships', invariant: 'G3', key: hex(key), message: `relationship key does not decode: ${String(error)}` });
        continue;
      }
      this.relationships++;
      if (id >= nextId) this.report({ structure: 'relationships', invariant: 'G3', id, message: `relationship ${id} is not below NEXT_RELATIONSHIP_ID ${nextId}` });
      let h: ReturnType<typeof relationshipHeader>;
      let props: PropertyList;
      try {
        const rec = cur.value;
        h = relationshipHeader(rec);
        props = readProperties(rec, h.propertiesAt);
      } catch (error) {
        this.report({ structure: 'relationships', invariant: 'R1', id, message: `relationship ${id}: record does not decode: ${error instanceof Error ? error.message : String(error)}` });
        continue;
      }
      this.expectKind(h.typeId, CATALOG_KIND.TYPE, 'relationships', `relationship ${id}`);
      this.checkProperties(props, 'relationships', id, `relationship ${id}`);
      for (const node of [h.start, h.end]) {
        const exists = nodesScanned ? this.nodeIds.has(node) : nodes.has(kb.key(node));
        if (!exists) this.report({ structure: 'relationships', invariant: 'G2', id, message: `relationship ${id} ends at node ${node}, which does not exist` });
      }
      this.relationshipDigest.add(h.start, h.typeId, h.end, id);
      const a = degreeKey(h.start, DIRECTION_OUT, h.typeId);
      const b = degreeKey(h.end, DIRECTION_IN, h.typeId);
      degrees.set(a, (degrees.get(a) ?? 0) + 1);
      degrees.set(b, (degrees.get(b) ?? 0) + 1);
    }
    const count = this.counter(COUNTER.RELATIONSHIP_COUNT);
    if (count !== this.relationships) this.report({ structure: 'counters', invariant: 'G1', message: `RELATIONSHIP_COUNT is ${count} but the relationships tree holds ${this.relationships} records` });
    this.expectedDegrees = degrees;
    this.relationshipsScanned = true;
  }

  expectedDegrees = new Map<DegreeKey, number>();
  /** Ids of the nodes tree, and whether the nodes phase read all of it. */
  private readonly nodeIds = new NodeIdBits();
  private nodesScanned = false;
  /** The relationships tree as (start, type, end, id) tuples, and whether it was read whole. */
  private readonly relationshipDigest = new TupleDigest();
  private relationshipsScanned = false;

  /**
   * A1 for one adjacency tree: its entries and the relationships must be the same set of
   * (start, type, end, id). One scan of the tree, digested in its own order and compared with
   * the relationships' digest; only when they differ (or the relationships were not read whole)
   * does the exact comparison run, one lookup per entry and per relationship, to name each
   * culprit.
   */
  checkAdjacency(direction: DirectionCode): void {
    const name = direction === DIRECTION_OUT ? 'adjacency-out' : 'adjacency-in';
    const digest = new TupleDigest();
    let entries = 0;
    for (const { key } of this.tree(name).range()) {
      let e;
      try {
        e = decodeAdjacencyKey(key);
      } catch (error) {
        this.report({ structure: name, invariant: 'A1', key: hex(key), message: `adjacency key does not decode: ${String(error)}` });
        continue;
      }
      entries++;
      if (direction === DIRECTION_OUT) digest.add(e.node, e.typeId, e.other, e.relationshipId);
      else digest.add(e.other, e.typeId, e.node, e.relationshipId);
    }
    if (this.relationshipsScanned && digest.equals(this.relationshipDigest)) return;
    this.compareAdjacencyExactly(direction, name);
    if (entries !== this.relationships) this.report({ structure: name, invariant: 'A1', message: `${name} holds ${entries} entries for ${this.relationships} relationships` });
  }

  /** A1 entry by entry: each entry's relationship, then each relationship's entry. */
  private compareAdjacencyExactly(direction: DirectionCode, name: string): void {
    const rels = this.tree('relationships');
    const kb = new IdKeys();
    for (const { key } of this.tree(name).range()) {
      let e;
      try {
        e = decodeAdjacencyKey(key);
      } catch {
        continue; // reported by the scan
      }
      const rec = rels.get(kb.key(e.relationshipId));
      if (rec === undefined) {
        this.report({ structure: name, invariant: 'A1', id: e.relationshipId, message: `${name} entry for relationship ${e.relationshipId}, which does not exist` });
        continue;
      }
      const h = relationshipHeader(rec);
      const [start, end] = direction === DIRECTION_OUT ? [e.node, e.other] : [e.other, e.node];
      if (h.typeId !== e.typeId || h.start !== start || h.end !== end) {
        this.report({ structure: name, invariant: 'A1', id: e.relationshipId, message: `${name} entry (${start})-[${this.nameOf(e.typeId)}]->(${end}) disagrees with relationship ${e.relationshipId} (${h.start})-[${this.nameOf(h.typeId)}]->(${h.end})` });
      }
    }
    const adjacency = new AdjacencyStore(this.store);
    const cur = rels.cursor();
    for (cur.seekFirst(); cur.valid; cur.next()) {
      let id: number;
      let h: ReturnType<typeof relationshipHeader>;
      try {
        id = readOrderedVarint(cur.key, 0);
        h = relationshipHeader(cur.value);
      } catch {
        continue; // reported by the relationships phase
      }
      const key = direction === DIRECTION_OUT ? adjacency.entryKey(h.start, h.typeId, h.end, id) : adjacency.entryKey(h.end, h.typeId, h.start, id);
      if (!adjacency.tree(direction).has(key)) {
        this.report({ structure: name, invariant: 'A1', id, message: `relationship ${id} (${h.start})-[${this.nameOf(h.typeId)}]->(${h.end}) has no ${direction === DIRECTION_OUT ? 'out' : 'in'} entry` });
      }
    }
  }

  checkDegrees(): void {
    const seen = new Set<DegreeKey>();
    for (const { key, value } of this.tree('degrees').range()) {
      let d;
      let count: number;
      try {
        d = decodeDegreeKey(key);
        count = readVarint(value, 0, value.length);
      } catch (error) {
        this.report({ structure: 'degrees', invariant: 'A2', key: hex(key), message: `degree entry does not decode: ${String(error)}` });
        continue;
      }
      const k = degreeKey(d.node, d.direction, d.typeId);
      seen.add(k);
      const want = this.expectedDegrees.get(k) ?? 0;
      if (count !== want || count === 0) {
        this.report({ structure: 'degrees', invariant: 'A2', id: d.node, message: `node ${d.node} ${d.direction === DIRECTION_IN ? 'in' : 'out'} degree of ${this.nameOf(d.typeId)} is stored as ${count}; the relationships give ${want}` });
      }
    }
    for (const [k, want] of this.expectedDegrees) {
      if (seen.has(k)) continue;
      const [node, direction, typeId] = degreeKeyParts(k);
      this.report({ structure: 'degrees', invariant: 'A2', id: node, message: `node ${node} has ${want} ${direction === DIRECTION_IN ? 'in' : 'out'} relationships of ${this.nameOf(typeId)} but no degree entry` });
    }
  }
}

/**
 * The expected-degree map's key for (node, direction, type): one safe integer
 * node · 2^22 + type · 2 + direction while node < 2^31 and type < 2^21 (every graph so far),
 * else a string. A number key spares the full check a string per relationship end.
 */
type DegreeKey = number | string;

function degreeKey(node: number, direction: number, typeId: number): DegreeKey {
  return node < 2 ** 31 && typeId < 2 ** 21 ? node * 2 ** 22 + typeId * 2 + direction : `${node}:${direction}:${typeId}`;
}

function degreeKeyParts(key: DegreeKey): [node: number, direction: number, typeId: number] {
  if (typeof key === 'string') return key.split(':').map(Number) as [number, number, number];
  const low = key % 2 ** 22;
  return [Math.floor(key / 2 ** 22), low % 2, Math.floor(low / 2)];
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Verify every graph invariant on one transaction's view (a ReadTransaction for a consistent
 * snapshot). Returns the problems found (empty when the graph is sound) with totals. Cost:
 * reads every page of every graph tree, plus O(log n) per cross-reference.
 */
export function checkGraph(store: PageStore, options: CheckGraphOptions = {}): GraphCheckReport {
  const c = new Checker(store, options.maxProblems ?? 1000);
  c.checkTrees();
  if (options.pages !== undefined) c.checkPages(options.pages);
  c.phase('catalog', 'C1', () => c.checkCatalog());
  c.phase('nodes', 'R1', () => c.checkNodes());
  c.phase('label-index', 'L1', () => c.checkLabelIndex());
  c.phase('property-index', 'I1', () => c.checkPropertyIndex());
  c.phase('relationships', 'A1', () => c.checkRelationships());
  c.phase('adjacency-out', 'A1', () => c.checkAdjacency(DIRECTION_OUT));
  c.phase('adjacency-in', 'A1', () => c.checkAdjacency(DIRECTION_IN));
  c.phase('degrees', 'A2', () => c.checkDegrees());
  return { problems: c.problems, nodes: c.nodes, relationships: c.relationships, indexEntries: c.indexEntries, pagesChecked: c.pagesChecked };
}
