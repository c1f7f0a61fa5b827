import { describe, expect, it } from 'vitest';
import { RuntimeQueryError } from '../../../src/errors.js';
import {
  and,
  contains,
  endsWith,
  hasLabels,
  inList,
  indexValue,
  not,
  or,
  propertyValue,
  sliceList,
  startsWith,
  xor,
} from '../../../src/cypher/runtime/operators.js';
import { formatLiteral } from '../../../src/cypher/runtime/format.js';
import type { Value } from '../../../src/cypher/runtime/values.js';
import { sampleGraph } from './support.js';

const { reader, ann, bob, knows } = sampleGraph();

function runtimeError(body: () => unknown): RuntimeQueryError {
  try {
    body();
  } catch (error) {
    if (error instanceof RuntimeQueryError) return error;
    throw error;
  }
  throw new Error('expected a RuntimeQueryError');
}

describe('three-valued logic (TCK Boolean1-5)', () => {
  const values = [true, false, null];
  it('follows the Kleene truth tables', () => {
    for (const a of values) {
      for (const b of values) {
        const expectedAnd = a === false || b === false ? false : a === null || b === null ? null : true;
        const expectedOr = a === true || b === true ? true : a === null || b === null ? null : false;
        const expectedXor = a === null || b === null ? null : a !== b;
        expect([a, b, and(a, b)]).toEqual([a, b, expectedAnd]);
        expect([a, b, or(a, b)]).toEqual([a, b, expectedOr]);
        expect([a, b, xor(a, b)]).toEqual([a, b, expectedXor]);
      }
    }
    expect(not(null)).toBe(null);
    expect(not(true)).toBe(false);
  });

  it('rejects non-boolean operands', () => {
    expect(runtimeError(() => and(1n, true)).details.detail).toBe('InvalidArgumentType');
    expect(runtimeError(() => not('x')).code).toBe('RUNTIME_TYPE');
  });
});

describe('IN (TCK List5, Null3 [4])', () => {
  it.each<[Value, Value, boolean | null]>([
    [3n, [1n, 2n, 3n], true],
    [1n, ['1', 2n], false],
    [[1n, 2n], [1n, [1n, '2']], false],
    [[1n], [1n, 2n], false],
    [[1n, 2n], [1n, 2n], false],
    [[1n], [1n, 2n, [1n]], true],
    [[1n, 2n], [1n, [1n, 2n]], true],
    [[1n, 2n], [1n, [2n, 1n]], false],
    [[1n, 2n], [1n, [1n, 2n, 3n]], false],
    [[1n, 2n], [1n, [[1n, 2n]]], false],
    [[[1n, 2n], [3n, 4n]], [5n, [[1n, 2n], [3n, 4n]]], true],
    [[[1n, 2n], 3n], [1n, [[1n, 2n], 3n]], true],
    [[[1n]], [2n, [[1n]]], true],
    [[[1n, 3n]], [2n, [[1n, 3n]]], true],
    [[[1n]], [2n, [1n]], false],
    [[[1n, 3n]], [2n, [1n, 3n]], false],
    [null, [null], null],
    [[null], [[null]], null],
    [[null], [null], null],
    [[1n], [[1n, null]], false],
    [3n, [1n, null, 3n], true],
    [4n, [1n, null, 3n], null],
    [[1n, 2n], [[null, 'foo'], [1n, 2n]], true],
    [[1n, 2n], [1n, [1n, 2n], null], true],
    [[1n, 2n], [[null, 'foo']], false],
    [[1n, 2n], [[null, 2n]], null],
    [[1n, 2n], [1n, [1n, 2n, null]], false],
    [[1n, 2n, null], [1n, [1n, 2n, null]], null],
    [[1n, 2n], [[null, 2n], [1n, 2n]], true],
    [[[1n, 2n], [3n, 4n]], [5n, [[1n, 2n], [3n, 4n], null]], false],
    [[1n, 2n], [[null, 2n], [1n, 3n]], null],
    [[], [[]], true],
    [[], [], false],
    [[], [1n, []], true],
    [[], [1n, 2n], false],
    [[[]], [1n, [[]]], true],
    [[], [1n, 2n, null], null],
    [[[], []], [1n, [[], []]], true],
    [null, null, null],
    [null, [1n, 2n, 3n], null],
    [null, [], false],
    [1n, [null, 1n], true],
    [5n, [1n, 2n, 3n, null], null],
  ].map(([value, list, expected]) => [value, list, expected] as [Value, Value, boolean | null]))('%#: x IN list', (value, list, expected) => {
    expect([formatLiteral(value), formatLiteral(list), inList(value, list)]).toEqual([formatLiteral(value), formatLiteral(list), expected]);
  });

  it('rejects a non-list right-hand side at run time', () => {
    expect(runtimeError(() => inList(1n, 'foo')).details.detail).toBe('InvalidArgumentType');
  });
});

describe('string predicates (TCK String8-10)', () => {
  it('answers null for non-string operands', () => {
    const operands: Value[] = [1n, 3.14, true, [], {}, null];
    for (const a of operands) for (const b of operands) for (const op of [startsWith, endsWith, contains]) expect(op(a, b)).toBe(null);
    expect(startsWith('ABCDEF', 'ABC')).toBe(true);
    expect(endsWith('ABCDEF', 'DEF')).toBe(true);
    expect(contains('ABCDEF', 'CD')).toBe(true);
    expect(contains('', '')).toBe(true);
    expect(contains('Foo\nFoo', '\n')).toBe(true);
  });
});

describe('element access and slicing (TCK List1, List2, Map1, Map2, Graph6, Graph7)', () => {
  it('indexes lists, maps and entities', () => {
    expect(indexValue([1n, 2n, 3n], 0n, reader)).toBe(1n);
    expect(indexValue([1n, 2n, 3n], -1n, reader)).toBe(3n);
    expect(indexValue([1n, 2n, 3n], 3n, reader)).toBe(null);
    expect(indexValue({ name: 'Mats', Name: 'Pontus' }, 'Name', reader)).toBe('Pontus');
    expect(indexValue({ name: 'Mats' }, 'nAMe', reader)).toBe(null);
    expect(indexValue(null, 'x', reader)).toBe(null);
    expect(indexValue({ name: 'Mats' }, null, reader)).toBe(null);
    expect(indexValue(ann, 'name', reader)).toBe('Ann');
    expect(indexValue(knows, 'since', reader)).toBe(1999n);
  });

  it.each<[Value, Value, string]>([
    [true, 0n, 'InvalidArgumentType'],
    [123n, 0n, 'InvalidArgumentType'],
    [4.7, 0n, 'InvalidArgumentType'],
    ['1', 0n, 'InvalidArgumentType'],
    [[1n], true, 'InvalidArgumentType'],
    [[1n], 4.7, 'InvalidArgumentType'],
    [[1n], '1', 'InvalidArgumentType'],
    [[1n], [1n], 'InvalidArgumentType'],
    [[1n], { x: 3n }, 'InvalidArgumentType'],
    [{ name: 'Apa' }, 0n, 'MapElementAccessByNonString'],
    [{ name: 'Apa' }, 12.3, 'MapElementAccessByNonString'],
    [100n, 0n, 'InvalidArgumentType'],
  ].map(([c, i, d]) => [c, i, d] as [Value, Value, string]))('%#: bad index → RUNTIME_TYPE %s', (container, index, detail) => {
    const error = runtimeError(() => indexValue(container, index, reader));
    expect(error.code).toBe('RUNTIME_TYPE');
    expect(error.details.detail).toBe(detail);
  });

  it.each<[Value | undefined, Value | undefined, Value]>([
    [1n, 3n, [2n, 3n]],
    [1n, undefined, [2n, 3n]],
    [undefined, 2n, [1n, 2n]],
    [0n, 1n, [1n]],
    [0n, 0n, []],
    [-3n, -1n, [1n, 2n]],
    [3n, 1n, []],
    [-5n, 5n, [1n, 2n, 3n]],
    [null, null, null],
    [1n, null, null],
    [null, 3n, null],
    [undefined, null, null],
    [null, undefined, null],
  ])('%#: [1, 2, 3][from..to] (List2)', (from, to, expected) => {
    expect(sliceList([1n, 2n, 3n], from, to)).toEqual(expected);
  });

  it('reads properties of entities and maps; rejects other values', () => {
    expect(propertyValue(bob, 'age', reader)).toBe(42n);
    expect(propertyValue(bob, 'missing', reader)).toBe(null);
    expect(propertyValue({ existing: 42n, notMissing: null }, 'notMissing', reader)).toBe(null);
    expect(propertyValue(null, 'x', reader)).toBe(null);
    expect(runtimeError(() => propertyValue(123n, 'num', reader)).details.detail).toBe('InvalidArgumentType');
  });

  it('tests labels (TCK Graph5)', () => {
    expect(hasLabels(bob, ['Admin', 'Person'], reader)).toBe(true);
    expect(hasLabels(ann, ['Person', 'Admin'], reader)).toBe(false);
    expect(hasLabels(null, ['X'], reader)).toBe(null);
    expect(runtimeError(() => hasLabels(1n, ['X'], reader)).code).toBe('RUNTIME_TYPE');
  });
});
