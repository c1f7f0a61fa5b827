// GraphWriter: every change to the graph store, over the WriteTransaction (it reads its own
// writes through GraphReader).
//
// Failure contract: every check that can refuse an operation (NODE_NOT_FOUND,
// RELATIONSHIP_NOT_FOUND, NODE_HAS_RELATIONSHIPS, CONSTRAINT_UNIQUE, PROPERTY_TYPE,
// INDEX_EXISTS, INDEX_NOT_FOUND, INVALID_ARGUMENT) runs before the first byte is changed,
// so a refused operation leaves the transaction exactly as it was and the transaction stays
// usable (the Database layer decides whether a failed statement rolls it back). An error
// from the storage layer in the middle of an operation (I/O, DATABASE_FULL,
// TRANSACTION_TOO_LARGE, corruption) may leave the operation half done: roll back then.
//
// Graph invariants kept here (numbered in the structure modules, verified by check.ts):
// record R1/R2, catalog C1–C3, adjacency A1/A2, label index L1/L2, property index I1–I3, and
//  (G1) NODE_COUNT / RELATIONSHIP_COUNT equal the entries of the NODES / RELATIONSHIPS trees.
//  (G2) Every relationship's start and end nodes exist (a node with relationships is deleted
//       only with detach, which deletes them first).
//  (G3) Ids are below NEXT_NODE_ID / NEXT_RELATIONSHIP_ID and never reused.

import { GraphError } from '../errors.js';
import { COUNTER } from '../storage/meta.js';
import type { PageStore } from '../storage/types.js';
import { DIRECTION_IN, DIRECTION_OUT, type DirectionCode } from './adjacency.js';
import { CATALOG_KIND, type IndexDefinition } from './catalog.js';
import { ByteBuffer, invalidId, isValidId } from './encoding.js';
import { NodeIdBits } from './node-id-bits.js';
import { checkStorable, isPlainScalar } from './property-rules.js';
import { GraphReader } from './reader.js';
import {
  nodeLabelIds,
  nodePropertiesOffset,
  readProperties,
  relationshipHeader,
  type PropertyList,
  writeNodeRecord,
  writeRelationshipRecord,
} from './record.js';
import { IndexSchema } from './shared.js';
import type { IndexInfo, IndexProgress, IndexSpec, NodeId, RelationshipId } from './types.js';
import type { PropertyMap, PropertyValue } from './value.js';

/** The validated form of an empty property map (never changed: validateMap's result is only read). */
const NO_PROPERTIES: ReadonlyMap<string, PropertyValue> = new Map();

/** The property list of an entity without properties (only read: encoders, indexAll). */
const NO_PROPERTY_LIST: PropertyList = Object.freeze({ keyIds: Object.freeze([]) as unknown as number[], values: Object.freeze([]) as unknown as PropertyValue[] });

/** Counter steps, made once (a BigInt is a heap object). */
const ONE = 1n;
const MINUS_ONE = -1n;

/** How many label-index entries an index build reads before it writes their index entries. */
const BUILD_BATCH = 4096;


/** Per write transaction: node ids known to exist since the nodes tree's removal count was `removals`. */
const nodesSeen = new WeakMap<PageStore, { removals: number; ids: NodeIdBits }>();

export class GraphWriter extends GraphReader {
  private readonly recordBuf = new ByteBuffer(256);
  /** Scratch of validateNew: keys and values of the new entity's property map, [0, count). */
  private readonly draftKeys: string[] = [];
  private readonly draftValues: PropertyValue[] = [];
  /**
   * Scratch of draftList for up to 16 keys: one list per key count, made once and refilled by
   * every create (two arrays per create cost more than the rest of its allocations). A list is
   * read only by the operation that asked for it (record encoding and index writes), never kept,
   * and no operation asks for a second list before it is done. It holds the last values written
   * until the next write with as many keys: a few scalars, never a caller's map.
   */
  private readonly draftLists: PropertyList[] = [];
  /** Scratch of labelIdsOf for one label (the common case), read only by the createNode that asked. */
  private readonly oneLabelId: number[] = [0];

  // ── nodes ────────────────────────────────────────────────────────────────

  /**
   * Create a node; returns its id. Null-valued properties are skipped. Refuses (changing
   * nothing) PROPERTY_TYPE for an unstorable value and CONSTRAINT_UNIQUE when a unique index
   * of one of its labels already holds one of its values. Cost: one record insert, one label
   * index insert and count update per label, one index insert per indexed property.
   */
  createNode(labels: readonly string[], properties: PropertyMap = {}): NodeId {
    const labelNames = distinctNames(labels, 'label');
    const count = this.validateNew(properties, 'new node');
    const id = this.peekId(COUNTER.NEXT_NODE_ID);
    // One schema read per node (each `this.schema` is a meta-page counter read in a writer).
    const schema = this.schema;
    // Unique entries go in first: for an exact value the B+tree insert itself is the check, and
    // a refusal then undoes only the unique entries made so far. Only labels and keys already
    // in the catalog can have an index.
    const uniqueDone = this.insertUniqueEntries(schema, labelNames, count, id);
    this.store.setCounter(COUNTER.NEXT_NODE_ID, BigInt(id + 1));
    const labelIds = this.labelIdsOf(labelNames);
    const list = this.draftList(count);
    this.nodes.insert(this.keyOf(id), writeNodeRecord(this.recordBuf, labelIds, list.keyIds, list.values));
    for (const labelId of labelIds) {
      this.labelIndex.add(labelId, id);
      this.catalog.adjustLabelCount(labelId, 1);
      this.indexAll(labelId, list, id, uniqueDone, schema);
    }
    this.bump(COUNTER.NODE_COUNT, 1);
    return id;
  }

  /** Catalog ids of distinct label names (created as needed), ascending. */
  private labelIdsOf(labelNames: readonly string[]): number[] {
    const n = labelNames.length;
    if (n === 1) {
      this.oneLabelId[0] = this.catalog.ensureId(CATALOG_KIND.LABEL, labelNames[0]!);
      return this.oneLabelId;
    }
    const ids = new Array<number>(n);
    for (let i = 0; i < n; i++) ids[i] = this.catalog.ensureId(CATALOG_KIND.LABEL, labelNames[i]!);
    if (n > 1) ids.sort(ascending);
    return ids;
  }

  /**
   * Unique index entries of a new node; CONSTRAINT_UNIQUE (with those entries undone) on a
   * duplicate. The undo walks the same (label, index) order again up to the refusal, so the
   * common path keeps no list of what it did.
   */
  private insertUniqueEntries(schema: IndexSchema, labelNames: readonly string[], count: number, id: NodeId): boolean {
    if (schema.isEmpty || count === 0) return false;
    let done = 0;
    for (const label of labelNames) {
      const labelId = this.catalog.idOf(CATALOG_KIND.LABEL, label);
      if (labelId === undefined) continue;
      const defs = schema.forLabel(labelId);
      for (let d = 0; d < defs.length; d++) {
        const def = defs[d]!;
        if (!def.unique) continue;
        const value = this.draftValue(this.catalog.nameOf(def.keyId), count);
        if (value === undefined) continue;
        const other = this.propertyIndex.insertUnique(def, value, id, this.valueOfKey(def.keyId));
        if (other >= 0) {
          this.undoUniqueEntries(schema, labelNames, count, id, done);
          throw this.uniqueViolation(labelId, def.keyId, value, other, -1);
        }
        done++;
      }
    }
    return done > 0;
  }

  /** Remove the first `made` entries insertUniqueEntries made (same walk, same order). */
  private undoUniqueEntries(schema: IndexSchema, labelNames: readonly string[], count: number, id: NodeId, made: number): void {
    let left = made;
    for (const label of labelNames) {
      const labelId = this.catalog.idOf(CATALOG_KIND.LABEL, label);
      if (labelId === undefined) continue;
      for (const def of schema.forLabel(labelId)) {
        if (left === 0) return;
        if (!def.unique) continue;
        const value = this.draftValue(this.catalog.nameOf(def.keyId), count);
        if (value === undefined) continue;
        this.propertyIndex.remove(def, value, id);
        left--;
      }
    }
  }

  /**
   * Set one property; null removes it. NODE_NOT_FOUND, PROPERTY_TYPE, CONSTRAINT_UNIQUE refuse.
   * Cost: one record rewrite plus one index update per index on (node label, key).
   */
  setNodeProperty(id: NodeId, key: string, value: PropertyValue): void {
    if (typeof key !== 'string') throw new GraphError('INVALID_ARGUMENT', `property key must be a string, not ${typeof key}`, {});
    if (value !== null && value !== undefined) checkStorable(value, `node ${id} property '${key}'`);
    const rec = this.requireNode(id);
    const current = readProperties(rec, nodePropertiesOffset(rec));
    const next = new Map<string, PropertyValue>();
    for (let i = 0; i < current.keyIds.length; i++) next.set(this.catalog.nameOf(current.keyIds[i]!), current.values[i]!);
    if (value === null || value === undefined) {
      if (!next.delete(key)) return;
    } else next.set(key, value);
    this.rewriteNode(id, rec, next);
  }

  /** Replace every property (`SET n = {…}`); nulls in the map are skipped. Refusals as setNodeProperty. */
  replaceNodeProperties(id: NodeId, properties: PropertyMap): void {
    const props = this.validateMap(properties, `node ${id}`);
    const rec = this.requireNode(id);
    this.rewriteNode(id, rec, props);
  }

  /** Merge properties (`SET n += {…}`): a null in the map removes that key. Refusals as setNodeProperty. */
  mergeNodeProperties(id: NodeId, properties: PropertyMap): void {
    const changes = this.validateMap(properties, `node ${id}`, true);
    const rec = this.requireNode(id);
    const current = readProperties(rec, nodePropertiesOffset(rec));
    const next = new Map<string, PropertyValue>();
    for (let i = 0; i < current.keyIds.length; i++) next.set(this.catalog.nameOf(current.keyIds[i]!), current.values[i]!);
    for (const [key, value] of changes) {
      if (value === null) next.delete(key);
      else next.set(key, value);
    }
    this.rewriteNode(id, rec, next);
  }

  /**
   * Add a label; false when the node already had it. NODE_NOT_FOUND, CONSTRAINT_UNIQUE refuse.
   * Cost: a record rewrite, a label index insert, one index insert per index on the label.
   */
  addNodeLabel(id: NodeId, label: string): boolean {
    if (typeof label !== 'string') throw new GraphError('INVALID_ARGUMENT', `label must be a string, not ${typeof label}`, {});
    const rec = this.requireNode(id);
    const labelIds = nodeLabelIds(rec);
    const existing = this.catalog.idOf(CATALOG_KIND.LABEL, label);
    if (existing !== undefined && labelIds.includes(existing)) return false;
    const at = nodePropertiesOffset(rec);
    const props = readProperties(rec, at);
    if (existing !== undefined) this.checkUniqueForLabel(existing, this.namedMap(props), id);
    const labelId = this.catalog.ensureId(CATALOG_KIND.LABEL, label);
    labelIds.push(labelId);
    labelIds.sort(ascending);
    this.nodes.put(this.keyOf(id), writeNodeRecord(this.recordBuf, labelIds, props.keyIds, props.values));
    this.labelIndex.add(labelId, id);
    this.catalog.adjustLabelCount(labelId, 1);
    this.indexAll(labelId, props, id);
    return true;
  }

  /** Remove a label; false when the node did not have it. NODE_NOT_FOUND refuses. */
  removeNodeLabel(id: NodeId, label: string): boolean {
    const rec = this.requireNode(id);
    const labelId = this.catalog.idOf(CATALOG_KIND.LABEL, label);
    if (labelId === undefined) return false;
    const labelIds = nodeLabelIds(rec);
    const at = labelIds.indexOf(labelId);
    if (at < 0) return false;
    labelIds.splice(at, 1);
    const props = readProperties(rec, nodePropertiesOffset(rec));
    this.nodes.put(this.keyOf(id), writeNodeRecord(this.recordBuf, labelIds, props.keyIds, props.values));
    this.labelIndex.remove(labelId, id);
    this.catalog.adjustLabelCount(labelId, -1);
    this.unindexAll(labelId, props, id);
    return true;
  }

  /**
   * Delete a node. NODE_NOT_FOUND when it does not exist; NODE_HAS_RELATIONSHIPS when it has
   * relationships and `detach` is not set; with `detach`, its relationships go first.
   * Cost: O(labels + indexed properties) + O(relationships deleted).
   */
  deleteNode(id: NodeId, options: { detach?: boolean } = {}): { relationshipsDeleted: number } {
    const rec = this.requireNode(id);
    let relationshipsDeleted = 0;
    if (this.adjacency.hasRelationships(id)) {
      if (options.detach !== true) {
        const degree = this.degree(id, 'both');
        throw new GraphError('NODE_HAS_RELATIONSHIPS', `node ${id} still has ${degree} relationship ends; delete them first or use DETACH DELETE`, {
          nodeId: id,
          degree,
        });
      }
      relationshipsDeleted = this.deleteAllRelationships(id);
    }
    const labelIds = nodeLabelIds(rec);
    const props = readProperties(rec, nodePropertiesOffset(rec));
    for (const labelId of labelIds) {
      this.labelIndex.remove(labelId, id);
      this.catalog.adjustLabelCount(labelId, -1);
      this.unindexAll(labelId, props, id);
    }
    this.nodes.delete(this.keyOf(id));
    this.bump(COUNTER.NODE_COUNT, -1);
    return { relationshipsDeleted };
  }

  private deleteAllRelationships(id: NodeId): number {
    let deleted = 0;
    for (const dir of [DIRECTION_OUT, DIRECTION_IN] as DirectionCode[]) {
      // The walk re-seeks after each delete (btree.ts B9); a self-loop is gone before the IN pass.
      const walk = this.adjacency.cursor(dir);
      walk.reset(this.adjacency.prefix(id));
      while (walk.next()) {
        this.deleteRelationship(walk.relationshipId);
        deleted++;
      }
    }
    return deleted;
  }

  // ── relationships ────────────────────────────────────────────────────────

  /**
   * Create a relationship from `start` to `end` (they may be the same node); returns its id.
   * NODE_NOT_FOUND when either node does not exist; PROPERTY_TYPE refuses. Cost: one record
   * insert, two adjacency inserts, two degree updates.
   */
  createRelationship(start: NodeId, type: string, end: NodeId, properties: PropertyMap = {}): RelationshipId {
    if (typeof type !== 'string') throw new GraphError('INVALID_ARGUMENT', `relationship type must be a string, not ${typeof type}`, {});
    const count = this.validateNew(properties, 'new relationship');
    this.requireEndpoint(start, start, type, end);
    if (end !== start) this.requireEndpoint(end, start, type, end);
    const id = this.nextId(COUNTER.NEXT_RELATIONSHIP_ID);
    const typeId = this.catalog.ensureId(CATALOG_KIND.TYPE, type);
    const list = this.draftList(count);
    this.relationships.insert(this.keyOf(id), writeRelationshipRecord(this.recordBuf, typeId, start, end, list.keyIds, list.values));
    this.adjacency.add(id, typeId, start, end);
    this.bump(COUNTER.RELATIONSHIP_COUNT, 1);
    return id;
  }

  /**
   * NODE_NOT_FOUND unless `node` exists. A node found once is remembered for the rest of the
   * transaction until the nodes tree may have lost a key (BTree.removals), so loading many
   * relationships between the same nodes checks each node once.
   */
  private requireEndpoint(node: NodeId, start: NodeId, type: string, end: NodeId): void {
    if (!isValidId(node)) throw invalidId('node', node);
    const seen = this.nodesSeen();
    if (seen.has(node)) return;
    if (!this.nodes.has(this.keyOf(node))) {
      throw new GraphError('NODE_NOT_FOUND', `cannot create a relationship ${start}-[:${type}]->${end}: node ${node} does not exist`, { nodeId: node });
    }
    seen.add(node);
  }

  /** This transaction's node ids known to exist (requireEndpoint), emptied when the nodes tree may have lost a key. */
  private nodesSeen(): NodeIdBits {
    const removals = this.nodes.removals;
    let seen = nodesSeen.get(this.store);
    if (seen === undefined || seen.removals !== removals) {
      seen = { removals, ids: new NodeIdBits() };
      nodesSeen.set(this.store, seen);
    }
    return seen.ids;
  }

  /**
   * As GraphReader's, and a node found is remembered as existing for requireEndpoint: a unique
   * index entry has its node's record (invariant I1, kept in this transaction by every write
   * of this class), so `MATCH (a:L {key: …}), (b:L {key: …}) CREATE (a)-[:T]->(b)` looks each
   * endpoint up once, in the index, and not again in the nodes tree.
   */
  override nodeIdByUniqueProperty(label: string, key: string, value: PropertyValue): number {
    const id = super.nodeIdByUniqueProperty(label, key, value);
    if (id >= 0) this.nodesSeen().add(id);
    return id;
  }

  /** Set one property of a relationship; null removes it. RELATIONSHIP_NOT_FOUND, PROPERTY_TYPE refuse. */
  setRelationshipProperty(id: RelationshipId, key: string, value: PropertyValue): void {
    if (typeof key !== 'string') throw new GraphError('INVALID_ARGUMENT', `property key must be a string, not ${typeof key}`, {});
    if (value !== null && value !== undefined) checkStorable(value, `relationship ${id} property '${key}'`);
    const rec = this.requireRelationship(id);
    const h = relationshipHeader(rec);
    const next = this.namedMap(readProperties(rec, h.propertiesAt));
    if (value === null || value === undefined) {
      if (!next.delete(key)) return;
    } else next.set(key, value);
    this.rewriteRelationship(id, rec, next);
  }

  /** Replace every property of a relationship; nulls are skipped. */
  replaceRelationshipProperties(id: RelationshipId, properties: PropertyMap): void {
    const props = this.validateMap(properties, `relationship ${id}`);
    this.rewriteRelationship(id, this.requireRelationship(id), props);
  }

  /** Merge properties into a relationship; a null removes that key. */
  mergeRelationshipProperties(id: RelationshipId, properties: PropertyMap): void {
    const changes = this.validateMap(properties, `relationship ${id}`, true);
    const rec = this.requireRelationship(id);
    const next = this.namedMap(readProperties(rec, relationshipHeader(rec).propertiesAt));
    for (const [key, value] of changes) {
      if (value === null) next.delete(key);
      else next.set(key, value);
    }
    this.rewriteRelationship(id, rec, next);
  }

  /** Delete a relationship. RELATIONSHIP_NOT_FOUND when it does not exist. Cost: 3 deletes + 2 degree updates. */
  deleteRelationship(id: RelationshipId): void {
    const rec = this.requireRelationship(id);
    const h = relationshipHeader(rec);
    this.adjacency.remove(id, h.typeId, h.start, h.end);
    this.relationships.delete(this.keyOf(id));
    this.bump(COUNTER.RELATIONSHIP_COUNT, -1);
  }

  // ── indexes ──────────────────────────────────────────────────────────────

  /**
   * Create a property index on (label, key) and fill it from the nodes already carrying the
   * label, calling onProgress(done, total) every 4,096 nodes and at the end. INDEX_EXISTS when
   * an index has the name or the (label, key) already (unless ifNotExists: the existing index
   * is returned). A unique index over duplicate values fails with CONSTRAINT_UNIQUE and leaves
   * nothing behind. Cost: O(n log n) for n nodes with the label.
   */
  createIndex(spec: IndexSpec, onProgress?: IndexProgress): IndexInfo {
    const { label, key } = spec;
    if (typeof label !== 'string' || typeof key !== 'string') {
      throw new GraphError('INVALID_ARGUMENT', 'an index needs a label and a property key (strings)', {});
    }
    const name = spec.name ?? `index_${label}_${key}`;
    if (typeof name !== 'string' || name.length === 0) throw new GraphError('INVALID_ARGUMENT', 'an index name must be a non-empty string', {});
    const unique = spec.unique === true;
    const byName = this.schema.byName.get(name);
    const existingLabel = this.catalog.idOf(CATALOG_KIND.LABEL, label);
    const existingKey = this.catalog.idOf(CATALOG_KIND.KEY, key);
    const same = existingLabel !== undefined && existingKey !== undefined ? this.schema.find(existingLabel, existingKey) : undefined;
    const clash = byName ?? same;
    if (clash !== undefined) {
      if (spec.ifNotExists === true) return this.info(clash);
      const why = byName !== undefined ? `an index named '${name}' already exists` : `index '${clash.name}' already covers :${label}(${key})`;
      throw new GraphError('INDEX_EXISTS', why, { name, label, key, existing: clash.name });
    }
    const id = Number(this.store.getCounter(COUNTER.NEXT_INDEX_ID));
    if (existingLabel !== undefined && existingKey !== undefined) {
      // Fill before anything else changes, so a duplicate found midway can be undone entirely.
      this.fillIndex({ id, name, labelId: existingLabel, keyId: existingKey, unique }, onProgress);
    } else {
      const total = existingLabel === undefined ? 0 : this.catalog.labelCount(existingLabel);
      onProgress?.(total, total); // no node has the key yet: nothing to index
    }
    const def: IndexDefinition = {
      id,
      name,
      labelId: this.catalog.ensureId(CATALOG_KIND.LABEL, label),
      keyId: this.catalog.ensureId(CATALOG_KIND.KEY, key),
      unique,
    };
    this.catalog.putIndexDefinition(def);
    this.store.setCounter(COUNTER.NEXT_INDEX_ID, BigInt(id + 1));
    this.setSchema([...this.schema.definitions, def]);
    return this.info(def);
  }

  /** Drop an index and its entries; false when absent and ifExists is set, else INDEX_NOT_FOUND. Cost: O(entries). */
  dropIndex(name: string, options: { ifExists?: boolean } = {}): boolean {
    const def = this.schema.byName.get(name);
    if (def === undefined) {
      if (options.ifExists === true) return false;
      throw new GraphError('INDEX_NOT_FOUND', `there is no index named '${name}'`, { name });
    }
    this.propertyIndex.dropEntries(def.id);
    this.catalog.deleteIndexDefinition(def.id);
    this.setSchema(this.schema.definitions.filter((d) => d.id !== def.id));
    return true;
  }

  /**
   * Rebuild an index from the records (repair): drop its entries and fill it again. Returns
   * the number of entries written. INDEX_NOT_FOUND for an unknown name; CONSTRAINT_UNIQUE when
   * a unique index finds duplicates (the records break I2: roll the transaction back).
   */
  rebuildIndex(name: string, onProgress?: IndexProgress): { entries: number } {
    const def = this.requireIndex(name);
    this.propertyIndex.dropEntries(def.id);
    return { entries: this.fillIndex(def, onProgress) };
  }

  private setSchema(definitions: IndexDefinition[]): void {
    this.store.setCounter(COUNTER.SCHEMA_VERSION, this.store.getCounter(COUNTER.SCHEMA_VERSION) + 1n);
    this.installSchema(new IndexSchema(definitions));
  }

  /** Write the entries of `def` for every node with its label; undo them all on a unique violation. */
  private fillIndex(def: IndexDefinition, onProgress?: IndexProgress): number {
    const total = this.catalog.labelCount(def.labelId);
    const valueOf = this.valueOfKey(def.keyId);
    let done = 0;
    let entries = 0;
    let after = -1;
    const batch: number[] = [];
    for (;;) {
      // Read a batch of node ids first: inserting while a label cursor is open would make it re-seek per node.
      batch.length = 0;
      for (const nodeId of this.labelIndex.nodeIdsAfter(def.labelId, after)) {
        batch.push(nodeId);
        if (batch.length === BUILD_BATCH) break;
      }
      if (batch.length === 0) break;
      for (const nodeId of batch) {
        const value = this.nodePropertyById(nodeId, def.keyId);
        if (value !== undefined) {
          if (def.unique) {
            const other = this.propertyIndex.insertUnique(def, value, nodeId, valueOf);
            if (other >= 0) {
              this.propertyIndex.dropEntries(def.id);
              throw this.uniqueViolation(def.labelId, def.keyId, value, other, nodeId);
            }
          } else this.propertyIndex.insert(def, value, nodeId);
          entries++;
        }
      }
      done += batch.length;
      after = batch[batch.length - 1]!;
      onProgress?.(done, total);
    }
    if (done === 0) onProgress?.(0, total);
    return entries;
  }

  // ── internals ────────────────────────────────────────────────────────────

  private peekId(slot: number): number {
    const id = Number(this.store.getCounter(slot));
    if (id >= Number.MAX_SAFE_INTEGER) throw new GraphError('INVALID_ARGUMENT', 'the id counter is exhausted', { slot });
    return id;
  }

  private nextId(slot: number): number {
    const id = this.peekId(slot);
    this.store.setCounter(slot, BigInt(id + 1));
    return id;
  }

  /** Count one entity more or less (constant deltas: BigInt(delta) would allocate a BigInt per create). */
  private bump(slot: number, delta: 1 | -1): void {
    this.store.setCounter(slot, this.store.getCounter(slot) + (delta === 1 ? ONE : MINUS_ONE));
  }

  /**
   * Validate the property map of a new node or relationship into the draft (draftKeys and
   * draftValues [0, count), nulls dropped, in the map's key order); returns count. The draft
   * is scratch reused by every create: no Map and no pair per property.
   */
  private validateNew(properties: PropertyMap, where: string): number {
    if (properties === null || typeof properties !== 'object' || Array.isArray(properties)) {
      throw new GraphError('INVALID_ARGUMENT', `${where}: properties must be a map`, {});
    }
    const keys = this.draftKeys;
    const values = this.draftValues;
    let count = 0;
    for (const key in properties) {
      if (!Object.prototype.hasOwnProperty.call(properties, key)) continue;
      const value = properties[key];
      if (value === null || value === undefined) continue;
      // The message is built only for a value that may be refused (a list, or not a scalar).
      if (!isPlainScalar(value)) checkStorable(value, `${where} property '${key}'`);
      keys[count] = key;
      values[count++] = value;
    }
    return count;
  }

  /** The draft's value for `key` (validateNew), undefined when it has none. Cost: O(count). */
  private draftValue(key: string, count: number): PropertyValue | undefined {
    const keys = this.draftKeys;
    for (let i = 0; i < count; i++) if (keys[i] === key) return this.draftValues[i];
    return undefined;
  }

  /** The draft's key ids (created as needed) and values, ascending by key id (record.ts R1); empties the draft. */
  private draftList(count: number): PropertyList {
    if (count === 0) return NO_PROPERTY_LIST;
    const names = this.draftKeys;
    const draft = this.draftValues;
    if (count > 16) {
      const keyIds = new Array<number>(count);
      const values = new Array<PropertyValue>(count);
      // Many keys: sort (key id, value) pairs, O(n log n).
      const pairs: [number, PropertyValue][] = [];
      for (let n = 0; n < count; n++) {
        pairs.push([this.catalog.ensureId(CATALOG_KIND.KEY, names[n]!), draft[n]!]);
        draft[n] = null;
      }
      pairs.sort((a, b) => a[0] - b[0]);
      for (let n = 0; n < count; n++) {
        keyIds[n] = pairs[n]![0];
        values[n] = pairs[n]![1];
      }
      return { keyIds, values };
    }
    const list = (this.draftLists[count] ??= { keyIds: new Array<number>(count).fill(0), values: new Array<PropertyValue>(count).fill(null) });
    const { keyIds, values } = list;
    for (let n = 0; n < count; n++) {
      const id = this.catalog.ensureId(CATALOG_KIND.KEY, names[n]!);
      const value = draft[n]!;
      // A few keys (the common case): insertion sort into the two arrays, no pair objects.
      let i = n;
      while (i > 0 && keyIds[i - 1]! > id) {
        keyIds[i] = keyIds[i - 1]!;
        values[i] = values[i - 1]!;
        i--;
      }
      keyIds[i] = id;
      values[i] = value;
      draft[n] = null; // hold no caller value past the create (a refused create leaves them until the next)
    }
    return list;
  }

  /** Validated (key → value) pairs of an API map; nulls dropped unless `keepNulls` (merge). */
  private validateMap(properties: PropertyMap, where: string, keepNulls = false): ReadonlyMap<string, PropertyValue> {
    if (properties === null || typeof properties !== 'object' || Array.isArray(properties)) {
      throw new GraphError('INVALID_ARGUMENT', `${where}: properties must be a map`, {});
    }
    const keys = Object.keys(properties);
    if (keys.length === 0) return NO_PROPERTIES; // relationships mostly have none
    const out = new Map<string, PropertyValue>();
    for (const key of keys) {
      const value = properties[key];
      if (value === null || value === undefined) {
        if (keepNulls) out.set(key, null);
        continue;
      }
      // The message is built only for a value that may be refused (a list, or not a scalar).
      if (!isPlainScalar(value)) checkStorable(value, `${where} property '${key}'`);
      out.set(key, value);
    }
    return out;
  }

  /** Key ids (created as needed) and values of a validated map, ascending by key id (record.ts R1): through the draft, as a create's. */
  private propertyList(props: ReadonlyMap<string, PropertyValue>): PropertyList {
    let count = 0;
    for (const [key, value] of props) {
      this.draftKeys[count] = key;
      this.draftValues[count++] = value;
    }
    return this.draftList(count);
  }

  private namedMap(list: PropertyList): Map<string, PropertyValue> {
    const map = new Map<string, PropertyValue>();
    for (let i = 0; i < list.keyIds.length; i++) map.set(this.catalog.nameOf(list.keyIds[i]!), list.values[i]!);
    return map;
  }

  /** CONSTRAINT_UNIQUE when a unique index on the label already holds one of the values for another node. */
  private checkUniqueForLabel(labelId: number, props: ReadonlyMap<string, PropertyValue>, self: NodeId): void {
    for (const def of this.schema.forLabel(labelId)) {
      if (!def.unique) continue;
      const value = props.get(this.catalog.nameOf(def.keyId));
      if (value === undefined || value === null) continue;
      const other = this.propertyIndex.firstEqual(def, value, this.valueOfKey(def.keyId), self);
      if (other !== undefined) throw this.uniqueViolation(labelId, def.keyId, value, other, self);
    }
  }

  private uniqueViolation(labelId: number, keyId: number, value: PropertyValue, existing: NodeId, nodeId: NodeId): GraphError {
    const label = this.catalog.nameOf(labelId);
    const key = this.catalog.nameOf(keyId);
    const shown = formatValue(value);
    return new GraphError('CONSTRAINT_UNIQUE', `node ${existing} already has label :${label} and property ${key} = ${shown} (unique index)`, {
      label,
      key,
      value: shown,
      existingNodeId: existing,
      ...(nodeId >= 0 ? { nodeId } : {}),
    });
  }

  /** Index entries of a node's properties for the indexes on one label (`skipUnique`: those are in already). */
  private indexAll(labelId: number, props: PropertyList, nodeId: NodeId, skipUnique = false, schema: IndexSchema = this.schema): void {
    const defs = schema.forLabel(labelId);
    for (let i = 0; i < defs.length; i++) {
      const def = defs[i]!;
      if (skipUnique && def.unique) continue;
      const at = props.keyIds.indexOf(def.keyId);
      if (at >= 0) this.propertyIndex.insert(def, props.values[at]!, nodeId);
    }
  }

  private unindexAll(labelId: number, props: PropertyList, nodeId: NodeId): void {
    for (const def of this.schema.forLabel(labelId)) {
      const at = props.keyIds.indexOf(def.keyId);
      if (at >= 0) this.propertyIndex.remove(def, props.values[at]!, nodeId);
    }
  }

  /** Write a node's new property set: unique checks first, then the record, then index entries. */
  private rewriteNode(id: NodeId, rec: Uint8Array, next: ReadonlyMap<string, PropertyValue>): void {
    const labelIds = nodeLabelIds(rec);
    const old = readProperties(rec, nodePropertiesOffset(rec));
    const changed = new Map<string, PropertyValue>();
    for (const [key, value] of next) {
      const keyId = this.catalog.idOf(CATALOG_KIND.KEY, key);
      const at = keyId === undefined ? -1 : old.keyIds.indexOf(keyId);
      if (at < 0 || !sameStoredValue(old.values[at]!, value)) changed.set(key, value);
    }
    for (const labelId of labelIds) this.checkUniqueForLabel(labelId, changed, id);
    const list = this.propertyList(next);
    this.nodes.put(this.keyOf(id), writeNodeRecord(this.recordBuf, labelIds, list.keyIds, list.values));
    for (const labelId of labelIds) {
      for (const def of this.schema.forLabel(labelId)) {
        const a = old.keyIds.indexOf(def.keyId);
        const b = list.keyIds.indexOf(def.keyId);
        const before = a >= 0 ? old.values[a]! : undefined;
        const after = b >= 0 ? list.values[b]! : undefined;
        if (before !== undefined && after !== undefined && sameStoredValue(before, after)) continue;
        if (before !== undefined) this.propertyIndex.remove(def, before, id);
        if (after !== undefined) this.propertyIndex.insert(def, after, id);
      }
    }
  }

  private rewriteRelationship(id: RelationshipId, rec: Uint8Array, next: ReadonlyMap<string, PropertyValue>): void {
    const h = relationshipHeader(rec);
    const list = this.propertyList(next);
    this.relationships.put(this.keyOf(id), writeRelationshipRecord(this.recordBuf, h.typeId, h.start, h.end, list.keyIds, list.values));
  }
}

function ascending(a: number, b: number): number {
  return a - b;
}

function distinctNames(names: readonly string[], what: string): readonly string[] {
  if (!Array.isArray(names)) throw new GraphError('INVALID_ARGUMENT', `${what}s must be an array of strings`, {});
  // No copy for the common case: none or one name (the caller only reads the result).
  if (names.length === 0 || (names.length === 1 && typeof names[0] === 'string')) return names;
  const out: string[] = [];
  for (const name of names) {
    if (typeof name !== 'string') throw new GraphError('INVALID_ARGUMENT', `a ${what} must be a string, not ${typeof name}`, {});
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

/** Same stored representation (1 and 1.0 differ here: both are kept as written). */
export function sameStoredValue(a: PropertyValue, b: PropertyValue): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameStoredValue(a[i]!, b[i]!)) return false;
    return true;
  }
  return a === b;
}

/** A value as it appears in error messages (Cypher literal style). */
export function formatValue(value: PropertyValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(1) : String(value);
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${k}: ${formatValue(v)}`)
    .join(', ')}}`;
}

