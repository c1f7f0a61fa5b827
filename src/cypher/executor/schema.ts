// Schema commands: CREATE INDEX (built through GraphWriter.createIndex with progress),
// DROP INDEX, SHOW INDEXES.

import { GraphError } from '../../errors.js';
import type { GraphReader } from '../../graph/reader.js';
import type { IndexProgress } from '../../graph/types.js';
import { GraphWriter } from '../../graph/writer.js';
import type { BoundSchemaCommand } from '../binder/index.js';
import type { Value } from '../runtime/values.js';

export interface SchemaResult {
  readonly rows: Value[][];
  /** True when the command changed the schema. */
  readonly changed: boolean;
}

export function runSchemaCommand(command: BoundSchemaCommand, graph: GraphReader, onProgress?: IndexProgress): SchemaResult {
  switch (command.kind) {
    case 'ShowIndexes':
      return { rows: graph.indexes().map((i) => [BigInt(i.id), i.name, i.label, i.key, i.unique]), changed: false };
    case 'CreateIndex': {
      const writer = requireWriter(graph);
      const before = writer.indexes().length;
      writer.createIndex(
        {
          ...(command.name === null ? {} : { name: command.name }),
          label: command.label,
          key: command.key,
          unique: command.unique,
          ifNotExists: command.ifNotExists,
        },
        onProgress,
      );
      return { rows: [], changed: writer.indexes().length !== before };
    }
    case 'DropIndex': {
      const writer = requireWriter(graph);
      let name = command.name;
      if (name === null) {
        const found = writer.findIndex(command.label!, command.key!);
        if (found === null) {
          if (command.ifExists) return { rows: [], changed: false };
          throw new GraphError('INDEX_NOT_FOUND', `there is no index on :${command.label}(${command.key})`, { label: command.label, key: command.key });
        }
        name = found.name;
      }
      return { rows: [], changed: writer.dropIndex(name, { ifExists: command.ifExists }) };
    }
  }
}

function requireWriter(graph: GraphReader): GraphWriter {
  if (!(graph instanceof GraphWriter)) throw new GraphError('INVALID_ARGUMENT', 'a schema change needs a write transaction', {});
  return graph;
}
