// Shared helpers for the runtime tests: an in-memory EntityReader and fast-check arbitraries
// for runtime values.

import fc from 'fast-check';
import { RuntimeQueryError } from '../../../src/errors.js';
import type { PropertyMap, PropertyValue } from '../../../src/graph/value.js';
import type { FunctionContext } from '../../../src/cypher/runtime/functions.js';
import { NodeRef, RelationshipRef, type EntityReader, type Value, type ValueMap } from '../../../src/cypher/runtime/values.js';

export interface FakeNode {
  labels: string[];
  properties: PropertyMap;
  deleted?: boolean;
}
export interface FakeRelationship {
  type: string;
  start: number;
  end: number;
  properties: PropertyMap;
  deleted?: boolean;
}

/** An EntityReader over plain objects; deleted entities throw as a real reader must. */
export class FakeReader implements EntityReader {
  constructor(
    readonly nodes: Map<number, FakeNode> = new Map(),
    readonly relationships: Map<number, FakeRelationship> = new Map(),
  ) {}

  private node(id: number): FakeNode {
    const node = this.nodes.get(id);
    if (node === undefined || node.deleted === true) {
      throw new RuntimeQueryError('RUNTIME_DELETED_ENTITY', `node ${id} was deleted`, { detail: 'DeletedEntityAccess', id });
    }
    return node;
  }
  private relationship(id: number): FakeRelationship {
    const rel = this.relationships.get(id);
    if (rel === undefined || rel.deleted === true) {
      throw new RuntimeQueryError('RUNTIME_DELETED_ENTITY', `relationship ${id} was deleted`, { detail: 'DeletedEntityAccess', id });
    }
    return rel;
  }
  nodeLabels(id: number): string[] {
    return this.node(id).labels.slice();
  }
  nodeHasLabel(id: number, label: string): boolean {
    return this.node(id).labels.includes(label);
  }
  nodeProperty(id: number, key: string): PropertyValue {
    return this.node(id).properties[key] ?? null;
  }
  nodeProperties(id: number): PropertyMap {
    return { ...this.node(id).properties };
  }
  relationshipProperty(id: number, key: string): PropertyValue {
    return this.relationship(id).properties[key] ?? null;
  }
  relationshipProperties(id: number): PropertyMap {
    return { ...this.relationship(id).properties };
  }
}

/** A small graph: (1:Person {name:'Ann'})-[7:KNOWS {since: 1999}]->(2:Person:Admin {name:'Bob'}). */
export function sampleGraph(): { reader: FakeReader; ann: NodeRef; bob: NodeRef; knows: RelationshipRef } {
  const reader = new FakeReader(
    new Map<number, FakeNode>([
      [1, { labels: ['Person'], properties: { name: 'Ann' } }],
      [2, { labels: ['Person', 'Admin'], properties: { name: 'Bob', age: 42n } }],
    ]),
    new Map<number, FakeRelationship>([[7, { type: 'KNOWS', start: 1, end: 2, properties: { since: 1999n } }]]),
  );
  return { reader, ann: new NodeRef(1), bob: new NodeRef(2), knows: new RelationshipRef(7, 'KNOWS', 1, 2) };
}

export function context(reader: EntityReader = new FakeReader(), random: () => number = () => 0.25): FunctionContext {
  return { reader, statementTimeMs: 1_700_000_000_123, random };
}

// ── arbitraries ─────────────────────────────────────────────────────────────

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Integers biased toward small values and the 64-bit edges. */
export const int64Arb: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: -20n, max: 20n }),
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
  fc.constantFrom(INT64_MIN, INT64_MAX, INT64_MIN + 1n, INT64_MAX - 1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n),
);

/** Doubles including NaN, ±0, ±Infinity and integral values that collide with integers. */
export const floatArb: fc.Arbitrary<number> = fc.oneof(
  fc.double(),
  fc.integer({ min: -20, max: 20 }).map((n) => n + 0),
  fc.constantFrom(Number.NaN, 0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53, 2 ** 63, -(2 ** 63), 0.5),
);

const stringArb = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('', 'a', 'b', '\u{1F600}', '\uFFFF', '\u0001L'));

/** Runtime values of every type, nested up to a small depth. */
export const valueArb: fc.Arbitrary<Value> = fc.letrec<{ value: Value }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    int64Arb,
    floatArb,
    stringArb,
    fc.integer({ min: 0, max: 3 }).map((id) => new NodeRef(id)),
    fc.integer({ min: 0, max: 3 }).map((id) => new RelationshipRef(id, 'T', 0, 1)),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('value'), { maxKeys: 3 }).map((entries) => ({ ...entries }) as ValueMap),
  ),
})).value;
