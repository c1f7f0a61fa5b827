// Runtime values of the query engine, the graph reader the runtime uses, and the
// materialised results handed to output (shell, JSON, CSV, the TCK).
//
//   openCypher type   runtime representation (Value)          materialised (ResultValue)
//   NULL              null                                    null
//   BOOLEAN           boolean                                 boolean
//   INTEGER           bigint (exact 64-bit)                   bigint
//   FLOAT             number (IEEE-754, NaN and ±Infinity)    number
//   STRING            string                                  string
//   LIST              Value[]                                 ResultValue[]
//   MAP               ValueMap (plain object)                 ResultMap (plain object)
//   NODE              NodeRef (id only)                       NodeResult (id, labels, properties)
//   RELATIONSHIP      RelationshipRef (id, type, ends)        RelationshipResult
//   PATH              PathValue (refs)                        PathResult
//
// Invariants:
//  (V1) A map is a plain object (prototype Object.prototype or null); NodeRef,
//       RelationshipRef and PathValue are class instances. `isValueMap` is the only test
//       code should use to tell them apart.
//  (V2) INTEGER values stay inside −2^63 .. 2^63−1; arithmetic checks this (arithmetic.ts).
//  (V3) A PathValue has exactly one more node than relationships, and relationship i joins
//       nodes i and i+1 in one direction or the other.
//  (V4) Entities are read through an EntityReader only; a reader throws RuntimeQueryError
//       RUNTIME_DELETED_ENTITY (details.detail 'DeletedEntityAccess') for a deleted entity.

import { INT64_MAX, INT64_MIN, type PropertyMap, type PropertyValue } from '../../graph/value.js';

/** A node as the executor passes it around: its id; labels and properties are read on demand. */
export class NodeRef {
  constructor(readonly id: number) {}
}

/** A relationship: its id plus what expansion already knows (type and both ends). */
export class RelationshipRef {
  constructor(
    readonly id: number,
    readonly typeName: string,
    readonly startId: number,
    readonly endId: number,
  ) {}
}

/** A path: nodes[i] and nodes[i+1] are joined by relationships[i] (invariant V3). */
export class PathValue {
  constructor(
    readonly nodes: NodeRef[],
    readonly relationships: RelationshipRef[],
  ) {}
}

export type Value = null | boolean | bigint | number | string | Value[] | ValueMap | NodeRef | RelationshipRef | PathValue;
export interface ValueMap {
  [key: string]: Value;
}

/** True for a MAP value (a plain object), false for lists, entities and paths (invariant V1). */
export function isValueMap(value: unknown): value is ValueMap {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** How the runtime reads the graph. Every method throws RUNTIME_DELETED_ENTITY for a deleted entity. */
export interface EntityReader {
  /** Labels of a node, in catalog order. */
  nodeLabels(id: number): string[];
  nodeHasLabel(id: number, label: string): boolean;
  /** The property value, or null when the node has no such property. */
  nodeProperty(id: number, key: string): PropertyValue;
  nodeProperties(id: number): PropertyMap;
  relationshipProperty(id: number, key: string): PropertyValue;
  relationshipProperties(id: number): PropertyMap;
}

// ── materialised results ────────────────────────────────────────────────────

/** A node as output sees it (JSON: {"id":1,"labels":["Person"],"properties":{...}}). */
export class NodeResult {
  constructor(
    readonly id: number,
    readonly labels: string[],
    readonly properties: PropertyMap,
  ) {}
}

/** A relationship as output sees it (JSON: {"id":7,"type":"KNOWS","start":1,"end":2,"properties":{...}}). */
export class RelationshipResult {
  constructor(
    readonly id: number,
    readonly type: string,
    readonly start: number,
    readonly end: number,
    readonly properties: PropertyMap,
  ) {}
}

/** A path as output sees it (JSON: {"nodes":[...],"relationships":[...]}). */
export class PathResult {
  constructor(
    readonly nodes: NodeResult[],
    readonly relationships: RelationshipResult[],
  ) {}
}

export type ResultValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | ResultValue[]
  | ResultMap
  | NodeResult
  | RelationshipResult
  | PathResult;
export interface ResultMap {
  [key: string]: ResultValue;
}

/**
 * Turn a runtime value into an output value, reading labels and properties of every entity
 * it contains. Cost: O(size of value) plus one reader call per entity (an entity that occurs
 * twice is read twice). Throws what the reader throws (a deleted entity).
 */
export function materialize(value: Value, reader: EntityReader): ResultValue {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => materialize(item, reader));
  if (value instanceof NodeRef) return materializeNode(value, reader);
  if (value instanceof RelationshipRef) return materializeRelationship(value, reader);
  if (value instanceof PathValue) {
    return new PathResult(
      value.nodes.map((node) => materializeNode(node, reader)),
      value.relationships.map((rel) => materializeRelationship(rel, reader)),
    );
  }
  const out: ResultMap = {};
  for (const key of Object.keys(value)) out[key] = materialize(value[key]!, reader);
  return out;
}

function materializeNode(node: NodeRef, reader: EntityReader): NodeResult {
  return new NodeResult(node.id, reader.nodeLabels(node.id), reader.nodeProperties(node.id));
}

function materializeRelationship(rel: RelationshipRef, reader: EntityReader): RelationshipResult {
  return new RelationshipResult(rel.id, rel.typeName, rel.startId, rel.endId, reader.relationshipProperties(rel.id));
}

// ── statement statistics ────────────────────────────────────────────────────

/**
 * What a statement changed, counted the way the openCypher TCK counts side effects: as the
 * difference between the graph before and after the statement.
 *
 *   field                 TCK key          counts
 *   nodesCreated          +nodes           nodes that exist after and not before
 *   nodesDeleted          -nodes           nodes that existed before and not after
 *   relationshipsCreated  +relationships   likewise for relationships
 *   relationshipsDeleted  -relationships
 *   propertiesSet         +properties      (entity, key, value) triples present after and not before:
 *                                          a new property, or an existing one given a different value
 *   propertiesRemoved     -properties      (entity, key, value) triples present before and not after:
 *                                          a removed property, an overwritten value, every property
 *                                          of a deleted entity
 *   labelsAdded           +labels          label NAMES carried by no node before and some node after
 *   labelsRemoved         -labels          label names carried by some node before and none after
 *
 * So `SET n.x = 2` over x = 1 counts +1/−1, `SET n.x = 1` over x = 1 counts nothing,
 * `CREATE (:A), (:A)` into a graph without :A counts labelsAdded 1, and a node created and
 * deleted by the same statement counts nothing.
 */
export interface QueryStats {
  nodesCreated: number;
  nodesDeleted: number;
  relationshipsCreated: number;
  relationshipsDeleted: number;
  propertiesSet: number;
  propertiesRemoved: number;
  labelsAdded: number;
  labelsRemoved: number;
}

export function emptyStats(): QueryStats {
  return {
    nodesCreated: 0,
    nodesDeleted: 0,
    relationshipsCreated: 0,
    relationshipsDeleted: 0,
    propertiesSet: 0,
    propertiesRemoved: 0,
    labelsAdded: 0,
    labelsRemoved: 0,
  };
}

/** True when any counter is non-zero. */
export function hasSideEffects(stats: QueryStats): boolean {
  return (Object.keys(stats) as (keyof QueryStats)[]).some((key) => stats[key] !== 0);
}

// ── type names ──────────────────────────────────────────────────────────────

export type CypherTypeName =
  | 'NULL'
  | 'BOOLEAN'
  | 'INTEGER'
  | 'FLOAT'
  | 'STRING'
  | 'LIST'
  | 'MAP'
  | 'NODE'
  | 'RELATIONSHIP'
  | 'PATH';

/** openCypher type name of a runtime or result value, for error messages. */
export function typeName(value: Value | ResultValue): CypherTypeName {
  if (value === null) return 'NULL';
  switch (typeof value) {
    case 'boolean':
      return 'BOOLEAN';
    case 'bigint':
      return 'INTEGER';
    case 'number':
      return 'FLOAT';
    case 'string':
      return 'STRING';
    default:
      break;
  }
  if (Array.isArray(value)) return 'LIST';
  if (value instanceof NodeRef || value instanceof NodeResult) return 'NODE';
  if (value instanceof RelationshipRef || value instanceof RelationshipResult) return 'RELATIONSHIP';
  if (value instanceof PathValue || value instanceof PathResult) return 'PATH';
  return 'MAP';
}

/** True for an INTEGER inside the 64-bit range (invariant V2). */
export function isInt64(value: bigint): boolean {
  return value >= INT64_MIN && value <= INT64_MAX;
}
