// Procedures callable with CALL: their signatures (for the binder) and bodies (for the
// executor). Built in: db.labels(), db.relationshipTypes(), db.propertyKeys(), db.indexes().
// Applications and the TCK register more through a ProcedureRegistry.
//
// Names are looked up case-insensitively on the full dotted name (`db.labels`). A body
// returns its rows as arrays of output values, in the order of `outputs`.

import type { GraphReader } from '../../graph/reader.js';
import type { StaticType } from '../runtime/function-types.js';
import type { Value } from '../runtime/values.js';

export interface ProcedureField {
  readonly name: string;
  /** Declared type; 'ANY' accepts anything. Inputs are checked against it at run time. */
  readonly type: StaticType | 'NUMBER';
  /** True when null is accepted (`INTEGER?` in a signature). */
  readonly nullable: boolean;
}

export interface ProcedureContext {
  /** The graph as the calling statement sees it. */
  readonly graph: GraphReader;
}

export interface ProcedureDefinition {
  /** Dotted name as it is written in CALL, e.g. `db.labels`. */
  readonly name: string;
  readonly inputs: readonly ProcedureField[];
  readonly outputs: readonly ProcedureField[];
  /** True when the procedure changes the graph (the statement then needs a write transaction). */
  readonly writes: boolean;
  /** Rows of output values, in `outputs` order. Cost is the procedure's own. */
  invoke(args: readonly Value[], ctx: ProcedureContext): Iterable<readonly Value[]>;
}

function field(name: string, type: StaticType): ProcedureField {
  return { name, type, nullable: false };
}

const BUILT_IN: readonly ProcedureDefinition[] = [
  {
    name: 'db.labels',
    inputs: [],
    outputs: [field('label', 'STRING')],
    writes: false,
    *invoke(_args, { graph }) {
      for (const label of graph.labels()) if (graph.labelNodeCount(label) > 0) yield [label];
    },
  },
  {
    name: 'db.relationshipTypes',
    inputs: [],
    outputs: [field('relationshipType', 'STRING')],
    writes: false,
    *invoke(_args, { graph }) {
      for (const type of graph.relationshipTypes()) yield [type];
    },
  },
  {
    name: 'db.propertyKeys',
    inputs: [],
    outputs: [field('propertyKey', 'STRING')],
    writes: false,
    *invoke(_args, { graph }) {
      for (const key of graph.propertyKeys()) yield [key];
    },
  },
  {
    name: 'db.indexes',
    inputs: [],
    outputs: [field('id', 'INTEGER'), field('name', 'STRING'), field('label', 'STRING'), field('property', 'STRING'), field('unique', 'BOOLEAN')],
    writes: false,
    *invoke(_args, { graph }) {
      for (const index of graph.indexes()) yield [BigInt(index.id), index.name, index.label, index.key, index.unique];
    },
  },
];

/** The procedures one engine knows: the built-ins plus registered ones. */
export class ProcedureRegistry {
  private readonly byName = new Map<string, ProcedureDefinition>();
  /** Bumped on every registration, so cached plans that resolved a name can tell. */
  version = 0;

  constructor() {
    for (const definition of BUILT_IN) this.byName.set(definition.name.toLowerCase(), definition);
  }

  /** Add or replace a procedure. */
  register(definition: ProcedureDefinition): void {
    this.byName.set(definition.name.toLowerCase(), definition);
    this.version++;
  }

  lookup(name: string): ProcedureDefinition | undefined {
    return this.byName.get(name.toLowerCase());
  }

  names(): string[] {
    return [...this.byName.values()].map((definition) => definition.name).sort();
  }
}
