import { describe, expect, it } from 'vitest';
import { RuntimeQueryError } from '../../../src/errors.js';
import { toStorableProperty } from '../../../src/cypher/runtime/properties.js';
import {
  NodeRef,
  NodeResult,
  PathResult,
  PathValue,
  RelationshipRef,
  RelationshipResult,
  emptyStats,
  hasSideEffects,
  isValueMap,
  materialize,
  typeName,
  type Value,
} from '../../../src/cypher/runtime/values.js';
import { sampleGraph } from './support.js';

const { reader, ann, bob, knows } = sampleGraph();

describe('runtime values', () => {
  it('tells maps from lists and entities', () => {
    expect(isValueMap({})).toBe(true);
    expect(isValueMap(Object.create(null))).toBe(true);
    expect(isValueMap([])).toBe(false);
    expect(isValueMap(ann)).toBe(false);
    expect(isValueMap(null)).toBe(false);
  });

  it.each<[Value, string]>([
    [null, 'NULL'],
    [true, 'BOOLEAN'],
    [1n, 'INTEGER'],
    [1, 'FLOAT'],
    ['', 'STRING'],
    [[], 'LIST'],
    [{}, 'MAP'],
    [ann, 'NODE'],
    [knows, 'RELATIONSHIP'],
    [new PathValue([ann], []), 'PATH'],
  ])('typeName %# is %s', (value, name) => {
    expect(typeName(value)).toBe(name);
  });

  it('materialises entities, paths and nested values through the reader', () => {
    const path = new PathValue([ann, bob], [knows]);
    const result = materialize([ann, { r: knows, p: path, n: null, i: 1n }], reader);
    const annResult = new NodeResult(1, ['Person'], { name: 'Ann' });
    const bobResult = new NodeResult(2, ['Person', 'Admin'], { name: 'Bob', age: 42n });
    const knowsResult = new RelationshipResult(7, 'KNOWS', 1, 2, { since: 1999n });
    expect(result).toEqual([annResult, { r: knowsResult, p: new PathResult([annResult, bobResult], [knowsResult]), n: null, i: 1n }]);
    expect(typeName(annResult)).toBe('NODE');
  });

  it('fails materialising a deleted entity with RUNTIME_DELETED_ENTITY', () => {
    reader.nodes.set(5, { labels: [], properties: {}, deleted: true });
    expect(() => materialize(new NodeRef(5), reader)).toThrowError(
      expect.objectContaining({ code: 'RUNTIME_DELETED_ENTITY', details: expect.objectContaining({ detail: 'DeletedEntityAccess' }) }),
    );
    expect(() => materialize(new RelationshipRef(99, 'T', 1, 2), reader)).toThrow(RuntimeQueryError);
  });

  it('counts side effects', () => {
    const stats = emptyStats();
    expect(hasSideEffects(stats)).toBe(false);
    stats.labelsRemoved = 1;
    expect(hasSideEffects(stats)).toBe(true);
    expect(Object.keys(emptyStats()).sort()).toEqual(
      ['labelsAdded', 'labelsRemoved', 'nodesCreated', 'nodesDeleted', 'propertiesRemoved', 'propertiesSet', 'relationshipsCreated', 'relationshipsDeleted'],
    );
  });
});

describe('storable properties (TCK Set1 [10])', () => {
  it('accepts scalars and lists of scalars, null meaning removal', () => {
    expect(toStorableProperty(1n, 'n.x')).toBe(1n);
    expect(toStorableProperty(null, 'n.x')).toBe(null);
    expect(toStorableProperty([1n, 'a', 2.5, true], 'n.x')).toEqual([1n, 'a', 2.5, true]);
    expect(toStorableProperty([], 'n.x')).toEqual([]);
  });

  it.each<[Value]>([[{ num: 1n }], [[{ num: 1n }]], [ann], [[ann]], [[[1n]]], [[1n, null]]])('rejects %# with InvalidPropertyType', (value) => {
    expect(() => toStorableProperty(value, 'a.maplist')).toThrowError(
      expect.objectContaining({ code: 'RUNTIME_TYPE', details: expect.objectContaining({ detail: 'InvalidPropertyType' }) }),
    );
  });
});
