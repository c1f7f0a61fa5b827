// Every change a statement makes goes through Mutations: it applies the change with the
// GraphWriter and keeps what it needs to report QueryStats the way the TCK counts them
// (values.ts QueryStats): as the difference between the graph before and after the statement.
//
//  (M1) For an entity that existed before the statement, the first write to a property key
//       records the key's value before the statement (undefined = absent). At the end each
//       recorded key compares before with after: a new or changed value counts +properties,
//       a removed or changed value -properties.
//  (M2) An entity created by the statement counts +1 and, at the end, one +property per
//       property it has; created and then deleted, it counts nothing at all. The count is
//       taken at creation (the non-null values given, which is what the writer stores) and
//       only read back from the graph for a created entity whose properties changed after.
//  (M3) Deleting an entity that existed before counts -1 and one -property per property it
//       had before the statement; its labels and properties at deletion are kept for results.
//  (M4) The first time a label is touched (created node, added, removed, deleted node) its
//       node count before is recorded; at the end a label counts +labels when it went from no
//       node to some, -labels for the reverse.
//  (M5) Deleting what is already gone does nothing (two rows may delete the same entity).

import type { GraphWriter } from '../../graph/writer.js';
import { sameStoredValue } from '../../graph/writer.js';
import type { PropertyMap, PropertyValue } from '../../graph/value.js';
import { emptyStats, type QueryStats } from '../runtime/values.js';
import type { DeletedSnapshots } from './entity-access.js';

type Originals = Map<number, Map<string, PropertyValue | undefined>>;

const CHANGED = -1;
/**
 * What the maps below that most statements never write read as until their first write: a
 * statement makes one Mutations, and eight Maps made up front were ~1.3 KB per autocommit.
 */
const NONE_YET = new Map<unknown, unknown>();
/** NONE_YET as a map of the field's type (never written: a field is replaced before its first set). */
function noneYet<K, V>(): Map<K, V> {
  return NONE_YET as Map<K, V>;
}
/** A slot of CreatedCounts.run whose entity was deleted again. */
const GONE = -2;

/**
 * Created entity id → its property count at creation, or CHANGED (count it at the end, M2).
 * The writer hands out ids from a counter, one up per create (writer.ts G3), so a statement's
 * creations are one run of consecutive ids: kept in an array (a Map costs ~0.4 µs per set
 * at 10,000 entries); an id outside the run goes to a Map, so any order of ids works.
 */
export class CreatedCounts {
  /** Id of run[0]; -1 while empty. */
  private first = -1;
  private readonly run: number[] = [];
  /** Ids outside the run (made on first use; NONE_YET until then). */
  private others: Map<number, number> = noneYet();
  private live = 0;

  get size(): number {
    return this.live;
  }

  /** Record a created id, or change the count of one recorded. */
  set(id: number, count: number): void {
    const run = this.run;
    if (this.first < 0) this.first = id;
    const at = id - this.first;
    if (at === run.length && (this.others.size === 0 || !this.others.has(id))) {
      run.push(count);
      this.live++;
    } else if (at >= 0 && at < run.length) {
      if (run[at] === GONE) this.live++;
      run[at] = count;
    } else {
      if (this.others === NONE_YET) this.others = new Map();
      if (!this.others.has(id)) this.live++;
      this.others.set(id, count);
    }
  }

  has(id: number): boolean {
    const at = id - this.first;
    if (this.first >= 0 && at >= 0 && at < this.run.length) return this.run[at] !== GONE;
    return this.others.has(id);
  }

  /** Forget a created id (deleted again); false when it was not recorded. */
  delete(id: number): boolean {
    const at = id - this.first;
    if (this.first >= 0 && at >= 0 && at < this.run.length) {
      if (this.run[at] === GONE) return false;
      this.run[at] = GONE;
      this.live--;
      return true;
    }
    if (!this.others.delete(id)) return false;
    this.live--;
    return true;
  }

  /** Every recorded (count, id), the run first. */
  forEach(fn: (count: number, id: number) => void): void {
    const run = this.run;
    for (let i = 0; i < run.length; i++) if (run[i] !== GONE) fn(run[i]!, this.first + i);
    this.others.forEach(fn);
  }
}

export class Mutations implements DeletedSnapshots {
  private readonly createdNodes = new CreatedCounts();
  private readonly createdRelationships = new CreatedCounts();
  private nodesDeleted = 0;
  private relationshipsDeleted = 0;
  private propertiesRemovedByDeletion = 0;
  // Made on first write (NONE_YET until then): most statements change no existing entity.
  private nodeOriginals: Originals = noneYet();
  private relationshipOriginals: Originals = noneYet();
  private readonly labelsBefore = new Map<string, number>();
  private deletedNodes: Map<number, { labels: string[]; properties: PropertyMap }> = noneYet();
  private deletedRelationships: Map<number, PropertyMap> = noneYet();
  /** Entities written (created, changed or deleted), for the writes-per-second metric. */
  writes = 0;

  constructor(readonly graph: GraphWriter) {}

  /** Nodes the statement deleted, as they were just before (DeletedSnapshots). */
  get nodes(): ReadonlyMap<number, { labels: string[]; properties: PropertyMap }> {
    return this.deletedNodes;
  }

  /** Relationships the statement deleted, with their properties just before (DeletedSnapshots). */
  get relationships(): ReadonlyMap<number, PropertyMap> {
    return this.deletedRelationships;
  }

  // ── nodes ────────────────────────────────────────────────────────────────

  createNode(labels: readonly string[], properties: PropertyMap): number {
    for (const label of labels) this.touchLabel(label);
    const id = this.graph.createNode(labels, properties);
    this.createdNodes.set(id, storedCount(properties));
    this.writes++;
    return id;
  }

  setNodeProperty(id: number, key: string, value: PropertyValue): void {
    this.rememberNode(id, [key]);
    this.graph.setNodeProperty(id, key, value);
    this.writes++;
  }

  replaceNodeProperties(id: number, properties: PropertyMap): void {
    this.rememberNode(id, [...Object.keys(this.graph.nodeProperties(id)), ...Object.keys(properties)]);
    this.graph.replaceNodeProperties(id, properties);
    this.writes++;
  }

  mergeNodeProperties(id: number, properties: PropertyMap): void {
    this.rememberNode(id, Object.keys(properties));
    this.graph.mergeNodeProperties(id, properties);
    this.writes++;
  }

  addLabel(id: number, label: string): void {
    this.touchLabel(label);
    if (this.graph.addNodeLabel(id, label)) this.writes++;
  }

  removeLabel(id: number, label: string): void {
    this.touchLabel(label);
    if (this.graph.removeNodeLabel(id, label)) this.writes++;
  }

  /** Delete a node (M5); with `detach` its relationships first. NODE_HAS_RELATIONSHIPS otherwise. */
  deleteNode(id: number, detach: boolean): void {
    const graph = this.graph;
    if (!graph.nodeExists(id)) return;
    if (detach) {
      const relationships = new Set<number>();
      for (const step of graph.expand(id, 'both')) relationships.add(step.relationshipId);
      for (const rel of relationships) this.deleteRelationship(rel);
    }
    const labels = graph.nodeLabels(id);
    const properties = graph.nodeProperties(id);
    for (const label of labels) this.touchLabel(label);
    graph.deleteNode(id);
    this.writes++;
    if (this.deletedNodes === NONE_YET) this.deletedNodes = new Map();
    this.deletedNodes.set(id, { labels, properties });
    if (this.createdNodes.delete(id)) return;
    this.nodesDeleted++;
    this.propertiesRemovedByDeletion += countOriginal(properties, this.nodeOriginals.get(id));
    this.nodeOriginals.delete(id);
  }

  // ── relationships ────────────────────────────────────────────────────────

  createRelationship(start: number, type: string, end: number, properties: PropertyMap): number {
    const id = this.graph.createRelationship(start, type, end, properties);
    this.createdRelationships.set(id, storedCount(properties));
    this.writes++;
    return id;
  }

  setRelationshipProperty(id: number, key: string, value: PropertyValue): void {
    this.rememberRelationship(id, [key]);
    this.graph.setRelationshipProperty(id, key, value);
    this.writes++;
  }

  replaceRelationshipProperties(id: number, properties: PropertyMap): void {
    this.rememberRelationship(id, [...Object.keys(this.graph.relationshipProperties(id)), ...Object.keys(properties)]);
    this.graph.replaceRelationshipProperties(id, properties);
    this.writes++;
  }

  mergeRelationshipProperties(id: number, properties: PropertyMap): void {
    this.rememberRelationship(id, Object.keys(properties));
    this.graph.mergeRelationshipProperties(id, properties);
    this.writes++;
  }

  deleteRelationship(id: number): void {
    const graph = this.graph;
    if (!graph.relationshipExists(id)) return;
    const properties = graph.relationshipProperties(id);
    graph.deleteRelationship(id);
    this.writes++;
    if (this.deletedRelationships === NONE_YET) this.deletedRelationships = new Map();
    this.deletedRelationships.set(id, properties);
    if (this.createdRelationships.delete(id)) return;
    this.relationshipsDeleted++;
    this.propertiesRemovedByDeletion += countOriginal(properties, this.relationshipOriginals.get(id));
    this.relationshipOriginals.delete(id);
  }

  // ── bookkeeping ──────────────────────────────────────────────────────────

  private rememberNode(id: number, keys: readonly string[]): void {
    if (this.createdNodes.has(id)) {
      this.createdNodes.set(id, CHANGED);
      return;
    }
    if (this.nodeOriginals === NONE_YET) this.nodeOriginals = new Map();
    remember(this.nodeOriginals, id, keys, () => this.graph.nodeProperties(id));
  }

  private rememberRelationship(id: number, keys: readonly string[]): void {
    if (this.createdRelationships.has(id)) {
      this.createdRelationships.set(id, CHANGED);
      return;
    }
    if (this.relationshipOriginals === NONE_YET) this.relationshipOriginals = new Map();
    remember(this.relationshipOriginals, id, keys, () => this.graph.relationshipProperties(id));
  }

  private touchLabel(label: string): void {
    if (!this.labelsBefore.has(label)) this.labelsBefore.set(label, this.graph.labelNodeCount(label));
  }

  /**
   * The statement's side effects so far (M1-M4). Cost: reads once every entity that existed
   * before and was changed, and every created entity changed after its creation.
   */
  stats(): QueryStats {
    const stats = emptyStats();
    const graph = this.graph;
    stats.nodesCreated = this.createdNodes.size;
    stats.relationshipsCreated = this.createdRelationships.size;
    stats.nodesDeleted = this.nodesDeleted;
    stats.relationshipsDeleted = this.relationshipsDeleted;
    stats.propertiesRemoved = this.propertiesRemovedByDeletion;
    this.createdNodes.forEach((count, id) => {
      stats.propertiesSet += count !== CHANGED ? count : Object.keys(graph.nodeProperties(id)).length;
    });
    this.createdRelationships.forEach((count, id) => {
      stats.propertiesSet += count !== CHANGED ? count : Object.keys(graph.relationshipProperties(id)).length;
    });
    const diff = (originals: Originals, current: (id: number) => PropertyMap): void => {
      for (const [id, keys] of originals) {
        const now = current(id);
        for (const [key, before] of keys) {
          const after = Object.prototype.hasOwnProperty.call(now, key) ? now[key]! : undefined;
          const same = before !== undefined && after !== undefined && sameStoredValue(before, after);
          if (same) continue;
          if (after !== undefined) stats.propertiesSet++;
          if (before !== undefined) stats.propertiesRemoved++;
        }
      }
    };
    diff(this.nodeOriginals, (id) => graph.nodeProperties(id));
    diff(this.relationshipOriginals, (id) => graph.relationshipProperties(id));
    for (const [label, before] of this.labelsBefore) {
      const after = graph.labelNodeCount(label);
      if (before === 0 && after > 0) stats.labelsAdded++;
      if (before > 0 && after === 0) stats.labelsRemoved++;
    }
    return stats;
  }
}

/** Properties the writer stores for a new entity's map: its keys with a non-null value (writer.ts validateMap). */
function storedCount(properties: PropertyMap): number {
  let count = 0;
  // for-in over own keys: the same keys as Object.keys without building its array per entity
  for (const key in properties) {
    if (!Object.prototype.hasOwnProperty.call(properties, key)) continue;
    const value = properties[key];
    if (value !== null && value !== undefined) count++;
  }
  return count;
}

function remember(originals: Originals, id: number, keys: readonly string[], load: () => PropertyMap): void {
  let known = originals.get(id);
  let current: PropertyMap | undefined;
  for (const key of keys) {
    if (known?.has(key)) continue;
    current ??= load();
    if (known === undefined) {
      known = new Map();
      originals.set(id, known);
    }
    known.set(key, Object.prototype.hasOwnProperty.call(current, key) ? current[key]! : undefined);
  }
}

/** Properties the entity had before the statement: now-values, with recorded originals winning. */
function countOriginal(now: PropertyMap, recorded: Map<string, PropertyValue | undefined> | undefined): number {
  let count = 0;
  for (const key of Object.keys(now)) if (recorded === undefined || !recorded.has(key)) count++;
  if (recorded !== undefined) for (const value of recorded.values()) if (value !== undefined) count++;
  return count;
}
