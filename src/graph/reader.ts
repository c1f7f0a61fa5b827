// GraphReader: every read of the graph store, over one transaction's PageStore.
//
// NODES tree (root slot NODES):                 key ordered varint id → node record (record.ts)
// RELATIONSHIPS tree (root slot RELATIONSHIPS): key ordered varint id → relationship record
//
// Iterables are lazy generators over B+tree cursors. A cursor re-seeks by the last key it
// returned when any tree of the transaction changed (btree.ts B9), and the generators here
// keep only that position, never a decoded record, so the same transaction may change the
// graph while iterating (MATCH (n) DETACH DELETE n walks the nodes tree while deleting).
// An entry deleted before the iterator reaches it is not returned; an entry added after
// the iterator's position is.
//
// Records read are cached (one node, one relationship) and checked against the store's
// modification epoch, so reading several properties of one node decodes the key once and
// looks the record up once, and no write can leave a stale record behind.
//
// Zero copy: on a read snapshot a record is read where it lies in the page image (the cache
// never changes an image, page-cache.ts C3), as bytes [start, end) of the page; a writer's
// pages change in place, so a writer copies. neighbours() and scanNodes() walk adjacency and
// records without allocating per entry (neighbour-cursor.ts, node-scan.ts).

import { GraphError } from '../errors.js';
import { BTree, rootInSlot } from '../storage/btree.js';
import { COUNTER, ROOT_SLOT } from '../storage/meta.js';
import { NO_BYTES } from '../storage/scratch.js';
import type { PageStore } from '../storage/types.js';
import { AdjacencyStore, DIRECTION_IN, DIRECTION_OUT, type DirectionCode } from './adjacency.js';
import { CATALOG_KIND, CatalogView, type IndexDefinition } from './catalog.js';
import { IdKeys, invalidId, isValidId, readOrderedVarint } from './encoding.js';
import { LabelIndexStore } from './label-index.js';
import { NeighbourCursor } from './neighbour-cursor.js';
import { EMPTY_SCAN, IndexedNodeScan, RecordScan, type NodeScan } from './node-scan.js';
import { PropertyIndexStore, type IndexStatistics, type PropertyRange, type ValueOf } from './property-index.js';
import { propertyValuesEqual } from './property-rules.js';
import {
  findProperty,
  nodeLabelIds,
  nodePropertiesOffset,
  nodeRecordHasLabel,
  readProperties,
  relationshipHeader,
  relationshipPropertiesOffset,
  setOwnProperty,
} from './record.js';
import type { GraphShared, IndexSchema } from './shared.js';
import type { Direction, IndexInfo, Neighbour, NodeId, NodeRecord, RelationshipId, RelationshipRecord } from './types.js';
import type { PropertyMap, PropertyValue } from './value.js';

const NONE: readonly number[] = Object.freeze([]);

function nodeNotFound(id: NodeId): GraphError {
  return new GraphError('NODE_NOT_FOUND', `node ${id} does not exist`, { nodeId: id });
}

export class GraphReader {
  protected readonly catalog: CatalogView;
  private schemaState: IndexSchema;
  private schemaVersion: bigint;
  private adjacencyStore: AdjacencyStore | null = null;
  private labelIndexStore: LabelIndexStore | null = null;
  private propertyIndexStore: PropertyIndexStore | null = null;
  private nodesTree: BTree | null = null;
  private relationshipsTree: BTree | null = null;
  private readonly idKeys = new IdKeys();
  /** Read snapshots take records as views into page images (never changed, page-cache.ts C3); writers copy. */
  private readonly zeroCopy: boolean;
  private readonly idleNeighbours: NeighbourCursor[] = [];

  // One-record caches, valid while the store's modification epoch is unchanged.
  // The node record lies at nodeBuf[nodeStart, nodeEnd): a page image for read snapshots (no
  // copy, no view: page-cache.ts C3 keeps it unchanged), a copy for writers. nodeStart < 0:
  // the cached node does not exist.
  private cachedNodeId = -1;
  private cachedNodeEpoch = -1;
  private cachedNodeProps = -1;
  private nodeBuf: Uint8Array = NO_BYTES;
  private nodeStart = -1;
  private nodeEnd = 0;
  /** The record as its own array, made on demand by nodeRecord(). */
  private cachedNode: Uint8Array | null = null;
  private cachedRelId = -1;
  private cachedRel: Uint8Array | null = null;
  private cachedRelEpoch = -1;

  /** Reads the node's current value of one key (exact checks inside the property index); one function per key, made once. */
  protected readonly valueOfKey = (keyId: number): ValueOf => this.valueOfKeyFns[keyId] ?? this.makeValueOfKey(keyId);
  private readonly valueOfKeyFns: (ValueOf | undefined)[] = [];

  /**
   * The function of valueOfKey, made on first use. Its own method: a closure over keyId made
   * inside valueOfKey cost a context object (44 bytes) on every call, made or not.
   */
  private makeValueOfKey(keyId: number): ValueOf {
    return (this.valueOfKeyFns[keyId] = (nodeId) => this.nodePropertyById(nodeId, keyId));
  }

  /**
   * A reader over a ReadTransaction (a snapshot) or the WriteTransaction (sees its own writes).
   * `shared` is the per-database cache object (one per open database). Cost: a few Map
   * lookups; trees are opened on first use.
   */
  constructor(
    readonly store: PageStore,
    protected readonly shared: GraphShared,
  ) {
    shared.attach(store);
    this.catalog = new CatalogView(store, shared.catalog);
    this.schemaVersion = store.getCounter(COUNTER.SCHEMA_VERSION);
    this.schemaState = shared.schemaFor(store, this.catalog);
    this.zeroCopy = !store.writable;
  }

  /**
   * The index definitions this transaction sees. In a write transaction another view may
   * create or drop an index meanwhile, so the schema version is checked on every use there
   * (a meta-page read); a read snapshot cannot change.
   */
  protected get schema(): IndexSchema {
    if (this.store.writable) {
      const version = this.store.getCounter(COUNTER.SCHEMA_VERSION);
      if (version !== this.schemaVersion) {
        this.schemaVersion = version;
        this.schemaState = this.shared.schemaFor(this.store, this.catalog);
      }
    }
    return this.schemaState;
  }

  /**
   * The schema version this transaction sees: query plans are checked against it (engine.ts
   * C2). A read snapshot's never changes; a writer's is read from the meta page, which it may
   * change.
   */
  currentSchemaVersion(): bigint {
    return this.store.writable ? this.store.getCounter(COUNTER.SCHEMA_VERSION) : this.schemaVersion;
  }

  /** Install the definitions this view just changed (writers), with the version it set. */
  protected installSchema(schema: IndexSchema): void {
    this.schemaVersion = this.store.getCounter(COUNTER.SCHEMA_VERSION);
    this.schemaState = schema;
  }

  // Structures open on first use: a point lookup touches two trees of eight.
  protected get adjacency(): AdjacencyStore {
    return (this.adjacencyStore ??= new AdjacencyStore(this.store));
  }

  protected get labelIndex(): LabelIndexStore {
    return (this.labelIndexStore ??= new LabelIndexStore(this.store));
  }

  protected get propertyIndex(): PropertyIndexStore {
    return (this.propertyIndexStore ??= new PropertyIndexStore(this.store));
  }

  protected get nodes(): BTree {
    return (this.nodesTree ??= new BTree(this.store, rootInSlot(this.store, ROOT_SLOT.NODES), { name: 'nodes' }));
  }

  protected get relationships(): BTree {
    return (this.relationshipsTree ??= new BTree(this.store, rootInSlot(this.store, ROOT_SLOT.RELATIONSHIPS), { name: 'relationships' }));
  }

  /** Key of a node or relationship id: a view valid until the next call. */
  protected keyOf(id: number): Uint8Array {
    return this.idKeys.key(id);
  }

  // ── records ──────────────────────────────────────────────────────────────

  /**
   * Find node `id`'s record into nodeBuf[nodeStart, nodeEnd); false when it does not exist.
   * Cost: one B+tree lookup, or none when cached.
   */
  private locateNode(id: NodeId): boolean {
    const tree = this.nodes;
    const epoch = tree.epoch.value;
    if (id === this.cachedNodeId && epoch === this.cachedNodeEpoch) return this.nodeStart >= 0;
    if (!isValidId(id)) throw invalidId('node', id);
    const key = this.keyOf(id);
    this.cachedNodeId = id;
    this.cachedNodeEpoch = epoch;
    this.cachedNodeProps = -1;
    this.cachedNode = null;
    if (this.zeroCopy) {
      if (tree.locate(key)) this.holdNode(tree.locatedBuf, tree.locatedStart, tree.locatedEnd);
      else this.nodeStart = -1;
    } else {
      const rec = tree.get(key);
      if (rec !== undefined) this.holdNode(rec, 0, rec.length);
      else this.nodeStart = -1;
    }
    return this.nodeStart >= 0;
  }

  private holdNode(buf: Uint8Array, start: number, end: number): void {
    this.nodeBuf = buf;
    this.nodeStart = start;
    this.nodeEnd = end;
  }

  /** The stored node record, or null. Cost: one B+tree lookup, or none when cached. */
  protected nodeRecord(id: NodeId): Uint8Array | null {
    if (!this.locateNode(id)) return null;
    const buf = this.nodeBuf;
    return (this.cachedNode ??= this.nodeStart === 0 && this.nodeEnd === buf.length ? buf : buf.subarray(this.nodeStart, this.nodeEnd));
  }

  /** The node record or NODE_NOT_FOUND. */
  protected requireNode(id: NodeId): Uint8Array {
    const rec = this.nodeRecord(id);
    if (rec === null) throw nodeNotFound(id);
    return rec;
  }

  /** locateNode, or NODE_NOT_FOUND. */
  private requireLocatedNode(id: NodeId): void {
    if (!this.locateNode(id)) throw nodeNotFound(id);
  }

  /** Offset in nodeBuf of the located node's property section. */
  private locatedPropsAt(): number {
    if (this.cachedNodeProps < 0) this.cachedNodeProps = nodePropertiesOffset(this.nodeBuf, this.nodeStart, this.nodeEnd);
    return this.cachedNodeProps;
  }

  /** Offset in `rec` (from nodeRecord) of its property section. */
  private nodePropsAt(rec: Uint8Array): number {
    if (rec === this.cachedNode && this.nodeBuf === rec) return this.locatedPropsAt();
    if (rec === this.cachedNode) return this.locatedPropsAt() - this.nodeStart;
    return nodePropertiesOffset(rec);
  }

  protected relationshipRecord(id: RelationshipId): Uint8Array | null {
    const tree = this.relationships;
    const epoch = tree.epoch.value;
    if (id === this.cachedRelId && epoch === this.cachedRelEpoch) return this.cachedRel;
    if (!isValidId(id)) throw invalidId('relationship', id);
    const key = this.keyOf(id);
    const rec = (this.zeroCopy ? tree.getView(key) : tree.get(key)) ?? null;
    this.cachedRelId = id;
    this.cachedRel = rec;
    this.cachedRelEpoch = epoch;
    return rec;
  }

  protected requireRelationship(id: RelationshipId): Uint8Array {
    const rec = this.relationshipRecord(id);
    if (rec === null) throw new GraphError('RELATIONSHIP_NOT_FOUND', `relationship ${id} does not exist`, { relationshipId: id });
    return rec;
  }

  /** Value of property key id on a node, undefined when absent (or the node is gone). */
  protected nodePropertyById(id: NodeId, keyId: number): PropertyValue | undefined {
    if (!this.locateNode(id)) return undefined;
    return findProperty(this.nodeBuf, this.locatedPropsAt(), keyId, this.nodeEnd);
  }

  protected propertyMap(rec: Uint8Array, at: number): PropertyMap {
    const { keyIds, values } = readProperties(rec, at);
    const map: PropertyMap = {};
    for (let i = 0; i < keyIds.length; i++) setOwnProperty(map, this.catalog.nameOf(keyIds[i]!), values[i]!);
    return map;
  }

  // ── nodes ────────────────────────────────────────────────────────────────

  /** The node with its labels and properties, or null. Cost: one lookup + decoding the record. */
  getNode(id: NodeId): NodeRecord | null {
    const rec = this.nodeRecord(id);
    if (rec === null) return null;
    return { id, labels: nodeLabelIds(rec).map((l) => this.catalog.nameOf(l)), properties: this.propertyMap(rec, this.nodePropsAt(rec)) };
  }

  /** True when the node exists. Cost: one lookup (cached). */
  nodeExists(id: NodeId): boolean {
    return this.nodeRecord(id) !== null;
  }

  /** Label names of a node (catalog id order). NODE_NOT_FOUND when it does not exist. */
  nodeLabels(id: NodeId): string[] {
    return nodeLabelIds(this.requireNode(id)).map((l) => this.catalog.nameOf(l));
  }

  /** True when the node carries the label. NODE_NOT_FOUND when it does not exist. Cost: one lookup (cached), no allocation. */
  nodeHasLabel(id: NodeId, label: string): boolean {
    this.requireLocatedNode(id);
    const labelId = this.catalog.idOf(CATALOG_KIND.LABEL, label);
    return labelId !== undefined && nodeRecordHasLabel(this.nodeBuf, labelId, this.nodeStart, this.nodeEnd);
  }

  /**
   * One property of a node, null when absent. NODE_NOT_FOUND when the node does not exist.
   * Cost: one lookup (cached) and decoding that one value; other properties are skipped.
   */
  nodeProperty(id: NodeId, key: string): PropertyValue {
    this.requireLocatedNode(id);
    const keyId = this.keyIdOf(key);
    if (keyId === undefined) return null;
    return findProperty(this.nodeBuf, this.locatedPropsAt(), keyId, this.nodeEnd) ?? null;
  }

  /** The id of a property key name, undefined when no entity ever had it. Cost: a Map lookup. */
  propertyKeyId(key: string): number | undefined {
    return this.keyIdOf(key);
  }

  /**
   * One property of a node by key id (propertyKeyId), null when absent. NODE_NOT_FOUND when
   * the node does not exist. Cost: as nodeProperty, without resolving the name.
   */
  nodePropertyByKeyId(id: NodeId, keyId: number): PropertyValue {
    this.requireLocatedNode(id);
    return findProperty(this.nodeBuf, this.locatedPropsAt(), keyId, this.nodeEnd) ?? null;
  }

  private readonly readByKeyId = (id: NodeId, keyId: number): PropertyValue => this.nodePropertyByKeyId(id, keyId);

  /**
   * The nodes carrying `label` (null: every node), ascending id, with their properties read by
   * key id and nothing allocated per node (node-scan.ts). Picks the walk nodeIdsByLabel picks.
   * Cost: as nodeIdsByLabel / allNodeIds.
   */
  scanNodes(label: string | null): NodeScan {
    if (label === null) return new RecordScan(this.nodes, -1, this.zeroCopy);
    const labelId = this.catalog.idOf(CATALOG_KIND.LABEL, label);
    if (labelId === undefined) return EMPTY_SCAN;
    const count = this.catalog.labelCount(labelId);
    if (count === 0) return EMPTY_SCAN;
    if (2 * count >= this.nodeCount()) return new RecordScan(this.nodes, labelId, this.zeroCopy);
    return new IndexedNodeScan(this.labelIndex.nodeIds(labelId), this.readByKeyId);
  }

  // Scans read one key for row after row: remember the last name resolved.
  private lastKeyName: string | null = null;
  private lastKeyId: number | undefined = undefined;

  private keyIdOf(key: string): number | undefined {
    if (key === this.lastKeyName && this.lastKeyId !== undefined) return this.lastKeyId;
    const keyId = this.catalog.idOf(CATALOG_KIND.KEY, key);
    this.lastKeyName = key;
    this.lastKeyId = keyId;
    return keyId;
  }

  /** All properties of a node. NODE_NOT_FOUND when it does not exist. */
  nodeProperties(id: NodeId): PropertyMap {
    const rec = this.requireNode(id);
    return this.propertyMap(rec, this.nodePropsAt(rec));
  }

  /** Every node id, ascending; lazy. Cost: O(1) amortised per id (a leaf walk of the nodes tree). */
  *allNodeIds(): Generator<NodeId> {
    const cur = this.nodes.cursor();
    cur.seekFirst();
    while (cur.valid) {
      yield readOrderedVarint(cur.keyBytes, 0, cur.keyLength);
      cur.next();
    }
  }

  /** Ids of the nodes carrying a label, ascending; lazy. Cost: O(1) amortised per id (label index range). */
  nodeIdsByLabel(label: string): Iterable<NodeId> {
    const labelId = this.catalog.idOf(CATALOG_KIND.LABEL, label);
    if (labelId === undefined) return NONE;
    const count = this.catalog.labelCount(labelId);
    if (count === 0) return NONE;
    // Most nodes carry the label: walking the records beats the label index plus a lookup per
    // node, and leaves each record in the cache for the property reads that usually follow.
    if (2 * count >= this.nodeCount()) return this.scanRecordsForLabel(labelId);
    return this.labelIndex.nodeIds(labelId);
  }

  private *scanRecordsForLabel(labelId: number): Generator<NodeId> {
    const tree = this.nodes;
    const cur = tree.cursor();
    cur.seekFirst();
    const zeroCopy = this.zeroCopy;
    while (cur.valid) {
      const id = readOrderedVarint(cur.keyBytes, 0, cur.keyLength);
      let buf: Uint8Array;
      let start = 0;
      let end: number;
      if (zeroCopy) {
        cur.locateValue();
        buf = tree.locatedBuf;
        start = tree.locatedStart;
        end = tree.locatedEnd;
      } else {
        buf = cur.value;
        end = buf.length;
      }
      if (nodeRecordHasLabel(buf, labelId, start, end)) {
        this.cachedNodeId = id;
        this.cachedNodeEpoch = tree.epoch.value;
        this.cachedNodeProps = -1;
        this.cachedNode = null;
        this.holdNode(buf, start, end);
        yield id;
      }
      cur.next();
    }
  }

  /**
   * Ids of the nodes with the label whose property equals `value` (openCypher equality:
   * 1 = 1.0; null and NaN match nothing). With an index: a seek (a unique index returns an
   * array of at most one id, found eagerly); without: a lazy label scan reading each node's
   * property. Cost: O(log n + matches) with an index, O(nodes with the label) without.
   */
  nodeIdsByProperty(label: string, key: string, value: PropertyValue): Iterable<NodeId> {
    const labelId = this.catalog.idOf(CATALOG_KIND.LABEL, label);
    const keyId = this.catalog.idOf(CATALOG_KIND.KEY, key);
    if (labelId === undefined || keyId === undefined || value === null) return NONE;
    const def = this.schema.find(labelId, keyId);
    if (def !== undefined) {
      if (def.unique) {
        const id = this.propertyIndex.firstEqual(def, value, this.valueOfKey(keyId));
        return id === undefined ? NONE : [id];
      }
      return this.propertyIndex.seekEqual(def, value, this.valueOfKey(keyId));
    }
    return this.scanByProperty(labelId, keyId, value);
  }

  /**
   * The node with the label whose property equals `value`, through a unique index on
   * (label, key): its id, or −1 when there is none; −2 when no unique index covers (label,
   * key) (use nodeIdsByProperty). Same equality as nodeIdsByProperty. Cost: O(log n), no
   * allocation beyond the seek key.
   */
  nodeIdByUniqueProperty(label: string, key: string, value: PropertyValue): number {
    const labelId = this.catalog.idOf(CATALOG_KIND.LABEL, label);
    const keyId = this.catalog.idOf(CATALOG_KIND.KEY, key);
    if (labelId === undefined || keyId === undefined || value === null) return -1;
    const def = this.schema.find(labelId, keyId);
    if (def === undefined || !def.unique) return -2;
    const id = this.propertyIndex.firstEqual(def, value, this.valueOfKey(keyId));
    return id === undefined ? -1 : id;
  }

  private *scanByProperty(labelId: number, keyId: number, value: PropertyValue): Generator<NodeId> {
    for (const id of this.labelIndex.nodeIds(labelId)) {
      const stored = this.nodePropertyById(id, keyId);
      if (stored !== undefined && propertyValuesEqual(stored, value)) yield id;
    }
  }

  /**
   * Ids of the nodes with the label whose property lies in the range, in value order; lazy.
   * Needs an index on (label, key): INDEX_NOT_FOUND otherwise (the planner checks findIndex).
   * Bounds are numbers (INTEGER and FLOAT compare numerically), strings or booleans; a null
   * or NaN bound or bounds of two types match nothing. Cost: O(log n + matches).
   */
  nodeIdsByPropertyRange(label: string, key: string, range: PropertyRange): Iterable<NodeId> {
    const def = this.requireIndexOn(label, key);
    return this.propertyIndex.seekRange(def, range, this.valueOfKey(def.keyId));
  }

  // ── relationships ────────────────────────────────────────────────────────

  /** The relationship, or null. Cost: one lookup + decoding the record. */
  getRelationship(id: RelationshipId): RelationshipRecord | null {
    const rec = this.relationshipRecord(id);
    if (rec === null) return null;
    const h = relationshipHeader(rec);
    return { id, type: this.catalog.nameOf(h.typeId), start: h.start, end: h.end, properties: this.propertyMap(rec, h.propertiesAt) };
  }

  /** True when the relationship exists. */
  relationshipExists(id: RelationshipId): boolean {
    return this.relationshipRecord(id) !== null;
  }

  /** One property of a relationship, null when absent. RELATIONSHIP_NOT_FOUND when it does not exist. */
  relationshipProperty(id: RelationshipId, key: string): PropertyValue {
    const rec = this.requireRelationship(id);
    const keyId = this.keyIdOf(key);
    if (keyId === undefined) return null;
    return findProperty(rec, relationshipPropertiesOffset(rec), keyId) ?? null;
  }

  /** All properties of a relationship. RELATIONSHIP_NOT_FOUND when it does not exist. */
  relationshipProperties(id: RelationshipId): PropertyMap {
    const rec = this.requireRelationship(id);
    return this.propertyMap(rec, relationshipPropertiesOffset(rec));
  }

  /** Every relationship id, ascending; lazy. */
  *allRelationshipIds(): Generator<RelationshipId> {
    const cur = this.relationships.cursor();
    cur.seekFirst();
    while (cur.valid) {
      yield readOrderedVarint(cur.key, 0);
      cur.next();
    }
  }

  /**
   * The relationships of a node and the nodes at their other ends; lazy. 'both' yields the
   * outgoing ones, then the incoming ones, so a self-loop appears once per direction. Within a
   * direction: by type id, then other node, then relationship id. `types` limits the types
   * (names not in the catalog match nothing; an empty list matches nothing). A node that does
   * not exist has no relationships. Cost: O(log n) per type + O(1) amortised per relationship.
   */
  *expand(node: NodeId, direction: Direction, types?: readonly string[]): Generator<Neighbour> {
    const typeIds = this.typeIdsOf(types);
    if (typeIds !== undefined && typeIds.length === 0) return;
    const adjacency = this.adjacency;
    const rounds = typeIds === undefined ? 1 : typeIds.length;
    const last = direction === 'out' ? DIRECTION_OUT : DIRECTION_IN;
    for (let dir: DirectionCode = direction === 'in' ? DIRECTION_IN : DIRECTION_OUT; dir <= last; dir++) {
      const walk = adjacency.acquire(dir);
      const name = dir === DIRECTION_OUT ? 'out' : 'in';
      try {
        for (let r = 0; r < rounds; r++) {
          walk.reset(adjacency.prefix(node, typeIds === undefined ? undefined : typeIds[r]));
          while (walk.next()) {
            yield { relationshipId: walk.relationshipId, type: this.catalog.nameOf(walk.typeId), otherNodeId: walk.other, direction: name };
          }
        }
      } finally {
        adjacency.release(dir, walk);
      }
    }
  }

  /**
   * A walker over the same entries as expand(node, direction, types), without allocating per
   * entry (neighbour-cursor.ts). Lent from a pool: hand it back with releaseNeighbours() once
   * done with it (a walker not given back is simply garbage). Cost: as expand.
   */
  neighbours(node: NodeId, direction: Direction, types?: readonly string[]): NeighbourCursor {
    const walker = this.idleNeighbours.pop() ?? new NeighbourCursor(this.adjacency);
    walker.reset(node, direction, this.typeIdsOf(types));
    return walker;
  }

  /** Give back a walker from neighbours(); it must not be used afterwards. */
  releaseNeighbours(walker: NeighbourCursor): void {
    if (this.idleNeighbours.length < 8) this.idleNeighbours.push(walker);
  }

  /** Name of a relationship type id read from a walker. Cost: a Map lookup. */
  relationshipTypeName(typeId: number): string {
    return this.catalog.nameOf(typeId);
  }

  private lastTypes: readonly string[] | undefined = undefined;
  private lastTypeIds: readonly number[] = NONE;

  /** Sorted, distinct catalog ids of type names (unknown names dropped); undefined = all types. */
  protected typeIdsOf(types: readonly string[] | undefined): readonly number[] | undefined {
    if (types === undefined) return undefined;
    // Plans pass the same types for every row: resolve them once (a resolved name keeps its id).
    const last = this.lastTypes;
    if (last !== undefined && last.length === types.length) {
      let same = true;
      for (let i = 0; i < last.length; i++) if (last[i] !== types[i]) same = false;
      if (same) return this.lastTypeIds;
    }
    const ids: number[] = [];
    for (const name of types) {
      const id = this.catalog.idOf(CATALOG_KIND.TYPE, name);
      if (id !== undefined && !ids.includes(id)) ids.push(id);
    }
    ids.sort((a, b) => a - b);
    // Reuse only a full resolution: a name unknown now may be created later in this transaction.
    const complete = types.every((name) => this.catalog.idOf(CATALOG_KIND.TYPE, name) !== undefined);
    this.lastTypes = complete ? types.slice() : undefined;
    this.lastTypeIds = ids;
    return ids;
  }

  /**
   * Number of entries expand(node, direction, types) yields (a self-loop counts once per
   * direction, so twice for 'both'). Read from the degree tree, no scan of relationships.
   * Cost: one lookup per type and direction, or a scan of the node's few degree entries.
   */
  degree(node: NodeId, direction: Direction, types?: readonly string[]): number {
    const typeIds = this.typeIdsOf(types);
    const adjacency = this.adjacency;
    let total = 0;
    const last: DirectionCode = direction === 'out' ? DIRECTION_OUT : DIRECTION_IN;
    for (let dir: DirectionCode = direction === 'in' ? DIRECTION_IN : DIRECTION_OUT; dir <= last; dir++) {
      if (typeIds === undefined) total += adjacency.degree(node, dir);
      else for (let i = 0; i < typeIds.length; i++) total += adjacency.degree(node, dir, typeIds[i]!);
    }
    return total;
  }

  // ── counts and catalog ───────────────────────────────────────────────────

  /** Nodes in the graph. Cost: O(1) (a meta-page counter). */
  nodeCount(): number {
    return Number(this.store.getCounter(COUNTER.NODE_COUNT));
  }

  /** Relationships in the graph. Cost: O(1). */
  relationshipCount(): number {
    return Number(this.store.getCounter(COUNTER.RELATIONSHIP_COUNT));
  }

  /** Nodes carrying the label (0 for an unknown label). Cost: one catalog lookup. */
  labelNodeCount(label: string): number {
    const labelId = this.catalog.idOf(CATALOG_KIND.LABEL, label);
    return labelId === undefined ? 0 : this.catalog.labelCount(labelId);
  }

  /** Every label name ever created (the catalog never forgets; labelNodeCount tells which are in use). */
  labels(): string[] {
    return this.catalog.names(CATALOG_KIND.LABEL);
  }

  /** Every relationship type name ever created. */
  relationshipTypes(): string[] {
    return this.catalog.names(CATALOG_KIND.TYPE);
  }

  /** Every property key name ever created. */
  propertyKeys(): string[] {
    return this.catalog.names(CATALOG_KIND.KEY);
  }

  // ── indexes ──────────────────────────────────────────────────────────────

  protected info(def: IndexDefinition): IndexInfo {
    return { id: def.id, name: def.name, label: this.catalog.nameOf(def.labelId), key: this.catalog.nameOf(def.keyId), unique: def.unique };
  }

  /** Every index, by id. Cost: O(indexes). */
  indexes(): IndexInfo[] {
    return this.schema.definitions.map((def) => this.info(def));
  }

  /** The index on (label, key), or null. Cost: two Map lookups. */
  findIndex(label: string, key: string): IndexInfo | null {
    const labelId = this.catalog.idOf(CATALOG_KIND.LABEL, label);
    const keyId = this.catalog.idOf(CATALOG_KIND.KEY, key);
    if (labelId === undefined || keyId === undefined) return null;
    const def = this.schema.find(labelId, keyId);
    return def === undefined ? null : this.info(def);
  }

  /** The index named `name`, or null. */
  indexByName(name: string): IndexInfo | null {
    const def = this.schema.byName.get(name);
    return def === undefined ? null : this.info(def);
  }

  /** Entries, distinct values and selectivity of an index. INDEX_NOT_FOUND for an unknown name. Cost: reads every entry. */
  indexStatistics(name: string): IndexStatistics {
    return this.propertyIndex.statistics(this.requireIndex(name).id);
  }

  protected requireIndex(name: string): IndexDefinition {
    const def = this.schema.byName.get(name);
    if (def === undefined) throw new GraphError('INDEX_NOT_FOUND', `there is no index named '${name}'`, { name });
    return def;
  }

  protected requireIndexOn(label: string, key: string): IndexDefinition {
    const labelId = this.catalog.idOf(CATALOG_KIND.LABEL, label);
    const keyId = this.catalog.idOf(CATALOG_KIND.KEY, key);
    const def = labelId === undefined || keyId === undefined ? undefined : this.schema.find(labelId, keyId);
    if (def === undefined) throw new GraphError('INDEX_NOT_FOUND', `there is no index on :${label}(${key})`, { label, key });
    return def;
  }
}
