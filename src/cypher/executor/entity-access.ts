// How the executor reads entities: the runtime's EntityReader over a GraphReader, turning
// "no such node/relationship" into RUNTIME_DELETED_ENTITY (values.ts V4) — within a statement
// an entity the query holds can only be missing because the statement (or its transaction)
// deleted it.
//
// Results may still return a deleted entity (`MATCH (n) DELETE n RETURN n`): its labels and
// properties as they were when it was deleted are kept (Mutations records them) and the
// result reader serves them; expressions reading a deleted entity fail with
// DeletedEntityAccess (TCK Return2 [15]-[17]).

import { GraphError, RuntimeQueryError } from '../../errors.js';
import type { GraphReader } from '../../graph/reader.js';
import type { PropertyMap, PropertyValue } from '../../graph/value.js';
import type { EntityReader } from '../runtime/values.js';

function deleted(kind: 'node' | 'relationship', id: number, cause: unknown): RuntimeQueryError {
  return new RuntimeQueryError('RUNTIME_DELETED_ENTITY', `${kind} ${id} has been deleted: its labels and properties can no longer be read`, {
    detail: 'DeletedEntityAccess',
    [kind === 'node' ? 'nodeId' : 'relationshipId']: id,
  }, { cause });
}

function isMissing(error: unknown): boolean {
  return error instanceof GraphError && (error.code === 'NODE_NOT_FOUND' || error.code === 'RELATIONSHIP_NOT_FOUND');
}

export class EntityAccess implements EntityReader {
  constructor(readonly graph: GraphReader) {}

  nodeLabels(id: number): string[] {
    try {
      return this.graph.nodeLabels(id);
    } catch (error) {
      throw isMissing(error) ? deleted('node', id, error) : error;
    }
  }

  nodeHasLabel(id: number, label: string): boolean {
    try {
      return this.graph.nodeHasLabel(id, label);
    } catch (error) {
      throw isMissing(error) ? deleted('node', id, error) : error;
    }
  }

  nodeProperty(id: number, key: string): PropertyValue {
    try {
      return this.graph.nodeProperty(id, key);
    } catch (error) {
      throw isMissing(error) ? deleted('node', id, error) : error;
    }
  }

  nodeProperties(id: number): PropertyMap {
    try {
      return this.graph.nodeProperties(id);
    } catch (error) {
      throw isMissing(error) ? deleted('node', id, error) : error;
    }
  }

  relationshipProperty(id: number, key: string): PropertyValue {
    try {
      return this.graph.relationshipProperty(id, key);
    } catch (error) {
      throw isMissing(error) ? deleted('relationship', id, error) : error;
    }
  }

  relationshipProperties(id: number): PropertyMap {
    try {
      return this.graph.relationshipProperties(id);
    } catch (error) {
      throw isMissing(error) ? deleted('relationship', id, error) : error;
    }
  }
}

/** What a statement deleted, as it was just before (for results that return deleted entities). */
export interface DeletedSnapshots {
  readonly nodes: ReadonlyMap<number, { labels: string[]; properties: PropertyMap }>;
  readonly relationships: ReadonlyMap<number, PropertyMap>;
}

/** The reader results are materialised with: live entities from the graph, deleted ones from their snapshot. */
export class ResultReader implements EntityReader {
  constructor(
    private readonly live: EntityAccess,
    private readonly snapshots: DeletedSnapshots | null,
  ) {}

  private node(id: number): { labels: string[]; properties: PropertyMap } | undefined {
    return this.snapshots?.nodes.get(id);
  }

  nodeLabels(id: number): string[] {
    const snap = this.node(id);
    if (snap !== undefined && !this.live.graph.nodeExists(id)) return snap.labels.slice();
    return this.live.nodeLabels(id);
  }

  nodeHasLabel(id: number, label: string): boolean {
    return this.nodeLabels(id).includes(label);
  }

  nodeProperty(id: number, key: string): PropertyValue {
    return this.nodeProperties(id)[key] ?? null;
  }

  nodeProperties(id: number): PropertyMap {
    const snap = this.node(id);
    if (snap !== undefined && !this.live.graph.nodeExists(id)) return { ...snap.properties };
    return this.live.nodeProperties(id);
  }

  relationshipProperty(id: number, key: string): PropertyValue {
    return this.relationshipProperties(id)[key] ?? null;
  }

  relationshipProperties(id: number): PropertyMap {
    const snap = this.snapshots?.relationships.get(id);
    if (snap !== undefined && !this.live.graph.relationshipExists(id)) return { ...snap };
    return this.live.relationshipProperties(id);
  }
}
