import { describe, expect, it } from 'vitest';
import { OmbraError, RuntimeQueryError } from '../../../src/errors.js';
import {
  aggregateNames,
  createAccumulator,
  createCountRows,
  isAggregateName,
  lookupAggregate,
} from '../../../src/cypher/runtime/aggregates.js';
import type { Value } from '../../../src/cypher/runtime/values.js';

function aggregate(name: string, values: Value[], options: { distinct?: boolean; argument?: Value } = {}): Value {
  const accumulator = createAccumulator(name, options);
  for (const value of values) accumulator.add(value, options.argument);
  return accumulator.result();
}

function runtimeError(body: () => unknown): RuntimeQueryError {
  try {
    body();
  } catch (error) {
    if (error instanceof RuntimeQueryError) return error;
    throw error;
  }
  throw new Error('expected a RuntimeQueryError');
}

describe('aggregates (TCK Aggregation1-8, Return5, CIP2016-06-14)', () => {
  it('knows its names case-insensitively', () => {
    expect(isAggregateName('COUNT')).toBe(true);
    expect(isAggregateName('percentiledisc')).toBe(true);
    expect(isAggregateName('size')).toBe(false);
    expect(lookupAggregate('STDEVP')?.name).toBe('stDevP');
    expect(lookupAggregate('percentileCont')?.maxArgs).toBe(2);
    expect(aggregateNames()).toEqual(
      ['avg', 'collect', 'count', 'max', 'min', 'percentileCont', 'percentileDisc', 'stDev', 'stDevP', 'sum'].sort(),
    );
    expect(() => createAccumulator('size')).toThrow(OmbraError);
  });

  it('count skips nulls; count(*) does not (Aggregation1)', () => {
    expect(aggregate('count', [33n, null, 42n])).toBe(2n);
    expect(aggregate('count', [])).toBe(0n);
    const rows = createCountRows();
    rows.add(null);
    rows.add(1n);
    expect(rows.result()).toBe(2n);
  });

  it.each<[string, Value[], Value]>([
    ['max', [1n, 2n, 0n, null, -1n], 2n],
    ['min', [1n, 2n, 0n, null, -1n], -1n],
    ['max', [1, 2, 0.5, null], 2],
    ['min', [1, 2, 0.5, null], 0.5],
    ['max', [1n, 2, 5n, null, 3.2, 0.1], 5n],
    ['min', [1n, 2, 5n, null, 3.2, 0.1], 0.1],
    ['max', ['a', 'b', 'B', null, 'abc', 'abc1'], 'b'],
    ['min', ['a', 'b', 'B', null, 'abc', 'abc1'], 'B'],
    ['max', [[1n], [2n], [2n, 1n]], [2n, 1n]],
    ['min', [[1n], [2n], [2n, 1n]], [1n]],
    ['max', [1n, 'a', null, [1n, 2n], 0.2, 'b'], 1n],
    ['min', [1n, 'a', null, [1n, 2n], 0.2, 'b'], [1n, 2n]],
    ['max', [], null],
    ['min', [null], null],
  ])('%s(%#) (Aggregation2)', (name, values, expected) => {
    expect(aggregate(name, values)).toEqual(expected);
  });

  it('sum keeps INTEGER exact and switches to FLOAT (Aggregation3)', () => {
    expect(aggregate('sum', [33n, null, 42n])).toBe(75n);
    const ints: bigint[] = [];
    for (let i = 1000000n; i < 1003000n; i++) ints.push(i);
    expect(aggregate('sum', ints)).toBe(3004498500n);
    expect(aggregate('sum', [])).toBe(0n);
    expect(aggregate('sum', [1n, 0.5])).toBe(1.5);
    expect(aggregate('sum', [2n ** 62n, 2n ** 62n, -(2n ** 62n)])).toBe(2n ** 62n);
    expect(runtimeError(() => aggregate('sum', [2n ** 62n, 2n ** 62n])).details.detail).toBe('IntegerOverflow');
    expect(runtimeError(() => aggregate('sum', [1n, 'x'])).details.detail).toBe('InvalidArgumentValue');
  });

  it('avg is FLOAT and null without values (Return6 [8], ReturnOrderBy6 [1])', () => {
    expect(aggregate('avg', [1n, 1n])).toBe(1);
    expect(aggregate('avg', [1n, 2n])).toBe(1.5);
    expect(aggregate('avg', [1n, null, 2.5])).toBe(1.75);
    expect(aggregate('avg', [])).toBe(null);
    expect(runtimeError(() => aggregate('avg', [true])).code).toBe('RUNTIME_TYPE');
  });

  it('collect skips nulls; DISTINCT keeps the first of equivalent values (Aggregation5, Aggregation8, Return5)', () => {
    expect(aggregate('collect', [null])).toEqual([]);
    expect(aggregate('collect', [42n, null, 43n])).toEqual([42n, 43n]);
    expect(aggregate('collect', [null, null], { distinct: true })).toEqual([]);
    expect(aggregate('collect', [null, 1n, null], { distinct: true })).toEqual([1n]);
    expect(aggregate('collect', [1n, 1, 2n], { distinct: true })).toEqual([1n, 2n]);
    expect(aggregate('count', [{ name: ['A', 'B'] }, { name: ['A', 'B'] }], { distinct: true })).toBe(1n);
    expect(aggregate('count', [null], { distinct: true })).toBe(0n);
    expect(aggregate('count', [Number.NaN, Number.NaN], { distinct: true })).toBe(1n);
  });

  it.each<[Value, Value, Value]>([
    [0, 10, 10],
    [0.5, 20, 20],
    [1, 30, 30],
  ])('percentiles at %s (Aggregation6 [1], [2])', (p, disc, cont) => {
    expect(aggregate('percentileDisc', [10, 20, 30], { argument: p })).toBe(disc);
    expect(aggregate('percentileCont', [10, 20, 30], { argument: p })).toBe(cont);
  });

  it('interpolates percentileCont and keeps the type for percentileDisc', () => {
    expect(aggregate('percentileCont', [10n, 20n], { argument: 0.25 })).toBe(12.5);
    expect(aggregate('percentileDisc', [3n, 1n, 2n], { argument: 0.5 })).toBe(2n);
    expect(aggregate('percentileDisc', [], { argument: 0.5 })).toBe(null);
    expect(aggregate('percentileCont', [null], { argument: 0.5 })).toBe(null);
  });

  it.each<[Value]>([[1000n], [-1n], [1.1]])('percentile %s → RUNTIME_ARGUMENT NumberOutOfRange (Aggregation6 [3]-[5])', (p) => {
    for (const name of ['percentileDisc', 'percentileCont']) {
      const error = runtimeError(() => aggregate(name, [10], { argument: p }));
      expect(error.code).toBe('RUNTIME_ARGUMENT');
      expect(error.details.detail).toBe('NumberOutOfRange');
    }
  });

  it('computes sample and population standard deviations', () => {
    expect(aggregate('stDev', [2n, 4n, 4n, 4n, 5n, 5n, 7n, 9n])).toBeCloseTo(2.138089935, 8);
    expect(aggregate('stDevP', [2n, 4n, 4n, 4n, 5n, 5n, 7n, 9n])).toBe(2);
    expect(aggregate('stDev', [1n])).toBe(0);
    expect(aggregate('stDevP', [])).toBe(0);
  });
});
