// A simple in-memory model of the graph store's contract (src/graph/store.ts), for tests
// that run the same operations against the store and the model and compare. It mirrors the
// store's documented semantics, error codes included: an operation the store refuses, the
// model refuses with the same code (ModelError), changing nothing.
//
// Transactions: clone() before a transaction; keep the clone to roll back to.
// Canonical form: dump() here and dumpStore() for a GraphReader give equal plain objects
// exactly when the two graphs are equal (INTEGER and FLOAT told apart, −0 and NaN kept).

import type { GraphReader } from '../../src/graph/reader.js';
import { propertyValuesEqual } from '../../src/graph/property-rules.js';
import { inRange, type PropertyRange } from '../../src/graph/property-index.js';
import type { Direction, IndexInfo, IndexSpec } from '../../src/graph/types.js';
import type { PropertyMap, PropertyValue } from '../../src/graph/value.js';

export class ModelError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

export interface ModelNode {
  labels: Set<string>;
  props: Map<string, PropertyValue>;
}
export interface ModelRelationship {
  type: string;
  start: number;
  end: number;
  props: Map<string, PropertyValue>;
}
export interface ModelIndex {
  id: number;
  name: string;
  label: string;
  key: string;
  unique: boolean;
}

export interface ModelNeighbour {
  relationshipId: number;
  type: string;
  otherNodeId: number;
  direction: 'out' | 'in';
}

function sameStored(a: PropertyValue, b: PropertyValue): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameStored(x, b[i]!));
  return a === b;
}

export class GraphModel {
  nodes = new Map<number, ModelNode>();
  relationships = new Map<number, ModelRelationship>();
  indexes = new Map<string, ModelIndex>();
  nextNodeId = 0;
  nextRelationshipId = 0;
  nextIndexId = 0;
  /** Catalog names in creation order (never forgotten, except by rolling back). */
  labelNames = new Set<string>();
  typeNames = new Set<string>();
  keyNames = new Set<string>();

  clone(): GraphModel {
    const m = new GraphModel();
    for (const [id, n] of this.nodes) m.nodes.set(id, { labels: new Set(n.labels), props: new Map(n.props) });
    for (const [id, r] of this.relationships) m.relationships.set(id, { ...r, props: new Map(r.props) });
    for (const [name, i] of this.indexes) m.indexes.set(name, { ...i });
    m.nextNodeId = this.nextNodeId;
    m.nextRelationshipId = this.nextRelationshipId;
    m.nextIndexId = this.nextIndexId;
    m.labelNames = new Set(this.labelNames);
    m.typeNames = new Set(this.typeNames);
    m.keyNames = new Set(this.keyNames);
    return m;
  }

  // ── changes ────────────────────────────────────────────────────────────────

  private node(id: number): ModelNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new ModelError('NODE_NOT_FOUND');
    return n;
  }

  private relationship(id: number): ModelRelationship {
    const r = this.relationships.get(id);
    if (r === undefined) throw new ModelError('RELATIONSHIP_NOT_FOUND');
    return r;
  }

  /** CONSTRAINT_UNIQUE if a unique index on one of `labels` already holds a value of `props` for another node. */
  private checkUnique(labels: Iterable<string>, props: Map<string, PropertyValue>, self: number): void {
    for (const label of labels) {
      for (const index of this.indexes.values()) {
        if (!index.unique || index.label !== label) continue;
        const value = props.get(index.key);
        if (value === undefined) continue;
        for (const [id, n] of this.nodes) {
          if (id === self || !n.labels.has(label)) continue;
          const other = n.props.get(index.key);
          if (other !== undefined && propertyValuesEqual(other, value)) throw new ModelError('CONSTRAINT_UNIQUE');
        }
      }
    }
  }

  private static props(map: PropertyMap, keepNulls = false): Map<string, PropertyValue> {
    const out = new Map<string, PropertyValue>();
    for (const [k, v] of Object.entries(map)) if (v !== null || keepNulls) out.set(k, v);
    return out;
  }

  createNode(labels: string[], properties: PropertyMap = {}): number {
    const props = GraphModel.props(properties);
    this.checkUnique(labels, props, -1);
    const id = this.nextNodeId++;
    for (const l of labels) this.labelNames.add(l);
    for (const k of props.keys()) this.keyNames.add(k);
    this.nodes.set(id, { labels: new Set(labels), props });
    return id;
  }

  private applyNodeProps(id: number, next: Map<string, PropertyValue>): void {
    const n = this.node(id);
    const changed = new Map<string, PropertyValue>();
    for (const [k, v] of next) if (!n.props.has(k) || !sameStored(n.props.get(k)!, v)) changed.set(k, v);
    this.checkUnique(n.labels, changed, id);
    for (const k of next.keys()) this.keyNames.add(k);
    n.props = next;
  }

  setNodeProperty(id: number, key: string, value: PropertyValue): void {
    const n = this.node(id);
    const next = new Map(n.props);
    if (value === null) {
      if (!next.delete(key)) return;
    } else next.set(key, value);
    this.applyNodeProps(id, next);
  }

  replaceNodeProperties(id: number, map: PropertyMap): void {
    this.node(id);
    this.applyNodeProps(id, GraphModel.props(map));
  }

  mergeNodeProperties(id: number, map: PropertyMap): void {
    const next = new Map(this.node(id).props);
    for (const [k, v] of Object.entries(map)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    this.applyNodeProps(id, next);
  }

  addNodeLabel(id: number, label: string): boolean {
    const n = this.node(id);
    if (n.labels.has(label)) return false;
    this.checkUnique([label], n.props, id);
    n.labels.add(label);
    this.labelNames.add(label);
    return true;
  }

  removeNodeLabel(id: number, label: string): boolean {
    return this.node(id).labels.delete(label);
  }

  deleteNode(id: number, detach = false): { relationshipsDeleted: number } {
    this.node(id);
    const attached = [...this.relationships].filter(([, r]) => r.start === id || r.end === id).map(([rid]) => rid);
    if (attached.length > 0 && !detach) throw new ModelError('NODE_HAS_RELATIONSHIPS');
    for (const rid of attached) this.relationships.delete(rid);
    this.nodes.delete(id);
    return { relationshipsDeleted: attached.length };
  }

  createRelationship(start: number, type: string, end: number, properties: PropertyMap = {}): number {
    this.node(start);
    this.node(end);
    const props = GraphModel.props(properties);
    const id = this.nextRelationshipId++;
    this.typeNames.add(type);
    for (const k of props.keys()) this.keyNames.add(k);
    this.relationships.set(id, { type, start, end, props });
    return id;
  }

  setRelationshipProperty(id: number, key: string, value: PropertyValue): void {
    const r = this.relationship(id);
    if (value === null) r.props.delete(key);
    else {
      r.props.set(key, value);
      this.keyNames.add(key);
    }
  }

  replaceRelationshipProperties(id: number, map: PropertyMap): void {
    const r = this.relationship(id);
    r.props = GraphModel.props(map);
    for (const k of r.props.keys()) this.keyNames.add(k);
  }

  mergeRelationshipProperties(id: number, map: PropertyMap): void {
    const r = this.relationship(id);
    for (const [k, v] of Object.entries(map)) {
      if (v === null) r.props.delete(k);
      else {
        r.props.set(k, v);
        this.keyNames.add(k);
      }
    }
  }

  deleteRelationship(id: number): void {
    this.relationship(id);
    this.relationships.delete(id);
  }

  createIndex(spec: IndexSpec): ModelIndex {
    const name = spec.name ?? `index_${spec.label}_${spec.key}`;
    const clash = this.indexes.get(name) ?? [...this.indexes.values()].find((i) => i.label === spec.label && i.key === spec.key);
    if (clash !== undefined) {
      if (spec.ifNotExists === true) return clash;
      throw new ModelError('INDEX_EXISTS');
    }
    const unique = spec.unique === true;
    if (unique) {
      const seen: PropertyValue[] = [];
      for (const n of this.nodes.values()) {
        if (!n.labels.has(spec.label)) continue;
        const v = n.props.get(spec.key);
        if (v === undefined) continue;
        if (seen.some((s) => propertyValuesEqual(s, v))) throw new ModelError('CONSTRAINT_UNIQUE');
        seen.push(v);
      }
    }
    const index: ModelIndex = { id: this.nextIndexId++, name, label: spec.label, key: spec.key, unique };
    this.indexes.set(name, index);
    this.labelNames.add(spec.label);
    this.keyNames.add(spec.key);
    return index;
  }

  dropIndex(name: string, ifExists = false): boolean {
    if (!this.indexes.has(name)) {
      if (ifExists) return false;
      throw new ModelError('INDEX_NOT_FOUND');
    }
    this.indexes.delete(name);
    return true;
  }

  // ── queries ────────────────────────────────────────────────────────────────

  nodeIdsByLabel(label: string): number[] {
    return [...this.nodes].filter(([, n]) => n.labels.has(label)).map(([id]) => id);
  }

  nodeIdsByProperty(label: string, key: string, value: PropertyValue): number[] {
    return this.nodeIdsByLabel(label).filter((id) => {
      const v = this.nodes.get(id)!.props.get(key);
      return v !== undefined && value !== null && propertyValuesEqual(v, value);
    });
  }

  nodeIdsByPropertyRange(label: string, key: string, range: PropertyRange): number[] {
    return this.nodeIdsByLabel(label).filter((id) => {
      const v = this.nodes.get(id)!.props.get(key);
      return v !== undefined && !Array.isArray(v) && inRange(v, range);
    });
  }

  expand(node: number, direction: Direction, types?: readonly string[]): ModelNeighbour[] {
    const out: ModelNeighbour[] = [];
    const ok = (t: string): boolean => types === undefined || types.includes(t);
    for (const [id, r] of this.relationships) {
      if (!ok(r.type)) continue;
      if (direction !== 'in' && r.start === node) out.push({ relationshipId: id, type: r.type, otherNodeId: r.end, direction: 'out' });
      if (direction !== 'out' && r.end === node) out.push({ relationshipId: id, type: r.type, otherNodeId: r.start, direction: 'in' });
    }
    return out;
  }

  degree(node: number, direction: Direction, types?: readonly string[]): number {
    return this.expand(node, direction, types).length;
  }

  labelNodeCount(label: string): number {
    return this.nodeIdsByLabel(label).length;
  }

  indexInfos(): IndexInfo[] {
    return [...this.indexes.values()].sort((a, b) => a.id - b.id).map((i) => ({ ...i }));
  }

  // ── canonical form ─────────────────────────────────────────────────────────

  dump(): GraphDump {
    return {
      nodes: [...this.nodes]
        .sort((a, b) => a[0] - b[0])
        .map(([id, n]) => ({ id, labels: [...n.labels].sort(), properties: canonicalProps(n.props) })),
      relationships: [...this.relationships]
        .sort((a, b) => a[0] - b[0])
        .map(([id, r]) => ({ id, type: r.type, start: r.start, end: r.end, properties: canonicalProps(r.props) })),
      indexes: this.indexInfos().map(({ name, label, key, unique }) => ({ name, label, key, unique })),
      labels: [...this.labelNames],
      types: [...this.typeNames],
      keys: [...this.keyNames],
      nodeCount: this.nodes.size,
      relationshipCount: this.relationships.size,
    };
  }
}

export interface GraphDump {
  nodes: { id: number; labels: string[]; properties: [string, unknown][] }[];
  relationships: { id: number; type: string; start: number; end: number; properties: [string, unknown][] }[];
  indexes: { name: string; label: string; key: string; unique: boolean }[];
  labels: string[];
  types: string[];
  keys: string[];
  nodeCount: number;
  relationshipCount: number;
}

/** A value with INTEGER and FLOAT told apart, in a form toEqual compares exactly. */
export function canonicalValue(value: PropertyValue): unknown {
  if (typeof value === 'bigint') return { int: value.toString() };
  if (typeof value === 'number') return { float: Object.is(value, -0) ? '-0' : String(value) };
  if (Array.isArray(value)) return value.map(canonicalValue);
  if (value !== null && typeof value === 'object') return Object.entries(value).map(([k, v]) => [k, canonicalValue(v)]);
  return value;
}

function canonicalProps(props: Map<string, PropertyValue> | PropertyMap): [string, unknown][] {
  const entries = props instanceof Map ? [...props] : Object.entries(props);
  return entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k, v]) => [k, canonicalValue(v)]);
}

/** The store's graph in the model's canonical form. */
export function dumpStore(reader: GraphReader): GraphDump {
  const nodes = [...reader.allNodeIds()].map((id) => {
    const n = reader.getNode(id)!;
    return { id, labels: [...n.labels].sort(), properties: canonicalProps(n.properties) };
  });
  const relationships = [...reader.allRelationshipIds()].map((id) => {
    const r = reader.getRelationship(id)!;
    return { id, type: r.type, start: r.start, end: r.end, properties: canonicalProps(r.properties) };
  });
  return {
    nodes,
    relationships,
    indexes: reader.indexes().map(({ name, label, key, unique }) => ({ name, label, key, unique })),
    labels: reader.labels(),
    types: reader.relationshipTypes(),
    keys: reader.propertyKeys(),
    nodeCount: reader.nodeCount(),
    relationshipCount: reader.relationshipCount(),
  };
}

/** Sort neighbours for multiset comparison. */
export function sortNeighbours<T extends ModelNeighbour>(list: T[]): ModelNeighbour[] {
  return list
    .map(({ relationshipId, type, otherNodeId, direction }) => ({ relationshipId, type, otherNodeId, direction }))
    .sort((a, b) => a.relationshipId - b.relationshipId || (a.direction < b.direction ? -1 : a.direction > b.direction ? 1 : 0));
}
