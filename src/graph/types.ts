// Public types of the graph store (store.ts).

import type { PropertyMap } from './value.js';

/** Node id: a non-negative safe integer from COUNTER.NEXT_NODE_ID; never reused. */
export type NodeId = number;
/** Relationship id: from COUNTER.NEXT_RELATIONSHIP_ID; never reused. */
export type RelationshipId = number;

export interface NodeRecord {
  id: NodeId;
  /** Label names in catalog id order (the order labels were first created in the database). */
  labels: string[];
  properties: PropertyMap;
}

export interface RelationshipRecord {
  id: RelationshipId;
  type: string;
  start: NodeId;
  end: NodeId;
  properties: PropertyMap;
}

export type Direction = 'out' | 'in' | 'both';

/** One step of expand(): a relationship of the node and the node at its other end. */
export interface Neighbour {
  relationshipId: RelationshipId;
  type: string;
  /** The other end; the node itself for a self-loop. */
  otherNodeId: NodeId;
  /** 'out' when the node is the start of the relationship. */
  direction: 'out' | 'in';
}

export interface IndexInfo {
  /** Index id (stable while the index exists). */
  id: number;
  name: string;
  label: string;
  key: string;
  unique: boolean;
}

export interface IndexSpec {
  /** Default: `index_<label>_<key>`. */
  name?: string;
  label: string;
  key: string;
  unique?: boolean;
  /** Return the existing index (same name, or same label and key) instead of failing with INDEX_EXISTS. */
  ifNotExists?: boolean;
}

/** Progress of an index build: nodes of the label visited so far, out of all of them. */
export type IndexProgress = (done: number, total: number) => void;

export type { IndexStatistics, PropertyRange, RangeBound } from './property-index.js';
