import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareIntegerWithFloat,
  compareStrings,
  equals,
  equivalent,
  greaterThan,
  greaterThanOrEqual,
  groupKey,
  lessThan,
  lessThanOrEqual,
  notEquals,
  orderCompare,
  rowGroupKey,
} from '../../../src/cypher/runtime/compare.js';
import { NodeRef, PathValue, RelationshipRef, type Value } from '../../../src/cypher/runtime/values.js';
import { SOAK, testSeed } from '../../support/rng.js';
import { valueArb } from './support.js';

const NaN_ = Number.NaN;
const n = new NodeRef(1);
const r = new RelationshipRef(5, 'T', 1, 2);
const p = new PathValue([new NodeRef(1), new NodeRef(2)], [r]);
const runs = SOAK ? 20_000 : 1_000;

describe('equality (TCK Comparison1, List3, Null3)', () => {
  it.each<[string, Value, Value, boolean | null]>([
    // Comparison1 [6] lists
    ['[1, 2] = [1]', [1n, 2n], [1n], false],
    ['[null] = [1]', [null], [1n], null],
    ["['a'] = [1]", ['a'], [1n], false],
    ['[[1]] = [[1], [null]]', [[1n]], [[1n], [null]], false],
    ['[[1], [2]] = [[1], [null]]', [[1n], [2n]], [[1n], [null]], null],
    ['[[1], [2, 3]] = [[1], [null]]', [[1n], [2n, 3n]], [[1n], [null]], false],
    // Comparison1 [7] maps
    ['{} = {}', {}, {}, true],
    ['{k: true} = {k: true}', { k: true }, { k: true }, true],
    ['{k: 1.0} = {k: 1.0}', { k: 1 }, { k: 1 }, true],
    ["{k: 'a', l: 2}", { k: 'a', l: 2n }, { k: 'a', l: 2n }, true],
    ['{} = {k: null}', {}, { k: null }, false],
    ['{k: null} = {}', { k: null }, {}, false],
    ['{k: 1} = {k: 1, l: null}', { k: 1n }, { k: 1n, l: null }, false],
    ['{k: null, l: 1} = {l: 1}', { k: null, l: 1n }, { l: 1n }, false],
    ['{k: null} = {k: null, l: null}', { k: null }, { k: null, l: null }, false],
    ['{k: null} = {k: null}', { k: null }, { k: null }, null],
    ['{k: 1} = {k: null}', { k: 1n }, { k: null }, null],
    ['{k: 1, l: null} = {k: null, l: null}', { k: 1n, l: null }, { k: null, l: null }, null],
    ['{k: 1, l: null} = {k: null, l: 1}', { k: 1n, l: null }, { k: null, l: 1n }, null],
    ['{k: 1, l: null} = {k: 1, l: 1}', { k: 1n, l: null }, { k: 1n, l: 1n }, null],
    // Comparison1 [9] numbers and strings
    ['1.0 = 1.0', 1, 1, true],
    ['1 = 1.0', 1n, 1, true],
    ["'1.0' = 1.0", '1.0', 1, false],
    ["'1' = 1", '1', 1n, false],
    // Comparison1 [12]/[13] large integers stay exact
    ['4611686018427387905 = 4611686018427387900', 4611686018427387905n, 4611686018427387900n, false],
    ['2^53 + 1 = 2.0^53', 2n ** 53n + 1n, 2 ** 53, false],
    ['2^53 = 2.0^53', 2n ** 53n, 2 ** 53, true],
    ['2^63 - 1 = 2.0^63', 2n ** 63n - 1n, 2 ** 63, false],
    // Null3, List3
    ['null = null', null, null, null],
    ["[1, 2] = 'foo'", [1n, 2n], 'foo', false],
    ['[1] = [1, null]', [1n], [1n, null], false],
    ["[1, 2] = [null, 'foo']", [1n, 2n], [null, 'foo'], false],
    ['[1, 2] = [null, 2]', [1n, 2n], [null, 2n], null],
    ["[[1, 2], [1, 3]] = [[1, 2], [null, 'foo']]", [[1n, 2n], [1n, 3n]], [[1n, 2n], [null, 'foo']], false],
    ["[[1, 2], ['foo', 'bar']] = [[1, 2], [null, 'bar']]", [[1n, 2n], ['foo', 'bar']], [[1n, 2n], [null, 'bar']], null],
    // entities
    ['node = same node', n, new NodeRef(1), true],
    ['node = other node', n, new NodeRef(2), false],
    ['node = relationship with same id', n, new RelationshipRef(1, 'T', 1, 1), false],
    ['relationship = same relationship', r, new RelationshipRef(5, 'T', 1, 2), true],
    ['path = same path', p, new PathValue([new NodeRef(1), new NodeRef(2)], [r]), true],
    ['path = reversed path', p, new PathValue([new NodeRef(2), new NodeRef(1)], [r]), false],
  ])('%s → %s', (_name, a, b, expected) => {
    expect(equals(a, b)).toBe(expected);
    expect(equals(b, a)).toBe(expected);
    expect(notEquals(a, b)).toBe(expected === null ? null : !expected);
  });

  it.each<[Value]>([[1n], [1], [NaN_], ['a']])('NaN = %s is false and NaN <> it is true (Comparison1 [8])', (other) => {
    expect(equals(NaN_, other)).toBe(false);
    expect(notEquals(NaN_, other)).toBe(true);
  });
});

describe('comparability (TCK Comparison2, Comparison3)', () => {
  it.each<[string, Value, Value, boolean | null]>([
    // Comparison2 [4] lists with >=
    ['[1, 0] >= [1]', [1n, 0n], [1n], true],
    ['[1, null] >= [1]', [1n, null], [1n], true],
    ['[1, 2] >= [1, null]', [1n, 2n], [1n, null], null],
    ["[1, 'a'] >= [1, null]", [1n, 'a'], [1n, null], null],
    ['[1, 2] >= [3, null]', [1n, 2n], [3n, null], false],
  ])('%s → %s', (_name, a, b, expected) => {
    expect(greaterThanOrEqual(a, b)).toBe(expected);
  });

  it.each<[Value, Value, boolean | null]>([
    [NaN_, 1n, false],
    [NaN_, 1, false],
    [NaN_, NaN_, false],
    [NaN_, 'a', null],
  ])('NaN against %s: all four operators give %s (Comparison2 [5])', (a, b, expected) => {
    for (const op of [lessThan, lessThanOrEqual, greaterThan, greaterThanOrEqual]) expect(op(a, b)).toBe(expected);
  });

  it.each<[Value, Value, boolean | null]>([
    [1, 1, false],
    [1n, 1, false],
    ['1.0', 1, null],
    ['1', 1n, null],
  ])('%s < %s → %s (Comparison2 [6])', (a, b, expected) => {
    expect(lessThan(a, b)).toBe(expected);
  });

  it('only numbers compare across types (Comparison2 [3])', () => {
    const types: Value[] = [n, r, p, '', 1n, 3.14, true, null, [], {}];
    const truePairs: string[] = [];
    for (const op of [lessThan, lessThanOrEqual, greaterThanOrEqual, greaterThan]) {
      for (let i = 0; i < types.length; i++) {
        for (let j = 0; j < types.length; j++) {
          if (i !== j && op(types[i]!, types[j]!) === true) truePairs.push(`${op.name}:${i}:${j}`);
        }
      }
    }
    expect(truePairs).toEqual(['lessThan:4:5', 'lessThanOrEqual:4:5', 'greaterThanOrEqual:5:4', 'greaterThan:5:4']);
  });

  it('ranges over numbers and strings (Comparison3)', () => {
    expect(lessThan(1n, 2n) && lessThan(2n, 3n)).toBe(true);
    expect(lessThan('a', 'b') && lessThanOrEqual('b', 'c')).toBe(true);
    expect(lessThan(10n, 3n)).toBe(false);
    expect(lessThan(false, true)).toBe(true);
    expect(lessThan({ a: 1n }, { a: 2n })).toBe(null);
    expect(lessThan(n, new NodeRef(2))).toBe(null);
  });

  it('compares integers with floats exactly beyond 2^53', () => {
    expect(compareIntegerWithFloat(2n ** 53n + 1n, 2 ** 53)).toBe(1);
    expect(compareIntegerWithFloat(2n ** 53n, 2 ** 53)).toBe(0);
    expect(compareIntegerWithFloat(2n ** 63n - 1n, 2 ** 63)).toBe(-1);
    expect(compareIntegerWithFloat(-3n, -2.5)).toBe(-1);
    expect(compareIntegerWithFloat(-2n, -2.5)).toBe(1);
    expect(compareIntegerWithFloat(0n, -0)).toBe(0);
    expect(compareIntegerWithFloat(5n, Number.POSITIVE_INFINITY)).toBe(-1);
    expect(Number.isNaN(compareIntegerWithFloat(5n, NaN_))).toBe(true);
  });

  it('orders strings by code point, not UTF-16 unit', () => {
    // U+1F600 is stored as surrogates D83D DE00, which are below U+FFFF as code units.
    expect(compareStrings('\u{1F600}', '\uFFFF')).toBe(1);
    expect(compareStrings('\uFFFF', '\u{1F600}')).toBe(-1);
    expect(compareStrings('a', 'aa')).toBe(-1);
    expect(compareStrings('B', 'a')).toBe(-1);
    expect(compareStrings('', '')).toBe(0);
  });
});

describe('orderability (TCK ReturnOrderBy1)', () => {
  it('sorts lists as [9] expects', () => {
    const lists: Value[] = [[], ['a'], ['a', 1n], [1n], [1n, 'a'], [1n, null], [null, 1n], [null, 2n]];
    const shuffled = [lists[5]!, lists[0]!, lists[7]!, lists[3]!, lists[1]!, lists[6]!, lists[4]!, lists[2]!];
    expect(shuffled.sort(orderCompare)).toEqual(lists);
  });

  it('sorts distinct types as [11] expects', () => {
    const node = new NodeRef(0);
    const rel = new RelationshipRef(0, 'REL', 0, 1);
    const path = new PathValue([node, new NodeRef(1)], [rel]);
    const expected: Value[] = [{ a: 'map' }, node, rel, ['list'], path, 'text', false, 1.5, NaN_, null];
    const input: Value[] = [node, rel, path, 1.5, ['list'], 'text', null, false, NaN_, { a: 'map' }];
    const sorted = input.sort(orderCompare);
    expect(sorted.map((v) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v))).toEqual(
      expected.map((v) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v)),
    );
  });

  it('interleaves integers and floats, NaN after Infinity', () => {
    const input: Value[] = [NaN_, 2n, Number.POSITIVE_INFINITY, 1.5, -1n, Number.NEGATIVE_INFINITY, 1n, 1];
    const sorted = input.sort(orderCompare); // stable: 1 (INTEGER) stays before 1.0
    expect(sorted.slice(0, 7)).toEqual([Number.NEGATIVE_INFINITY, -1n, 1n, 1, 1.5, 2n, Number.POSITIVE_INFINITY]);
    expect(Number.isNaN(sorted[7] as number)).toBe(true);
    expect(orderCompare(1n, 1)).toBe(0);
  });

  it('sorts booleans false before true and strings by code point ([1], [3])', () => {
    expect([true, false].sort(orderCompare)).toEqual([false, true]);
    expect(['.*', '', ' ', 'one'].sort(orderCompare)).toEqual(['', ' ', '.*', 'one']);
  });
});

describe('equivalence and grouping keys', () => {
  it('treats null ≡ null and NaN ≡ NaN, nested too (CIP examples)', () => {
    expect(equivalent(null, null)).toBe(true);
    expect(equivalent(NaN_, NaN_)).toBe(true);
    expect(equivalent([null], [null])).toBe(true);
    expect(equivalent({ a: [NaN_] }, { a: [NaN_] })).toBe(true);
    expect(equivalent(null, NaN_)).toBe(false);
    expect(equivalent(1n, 1)).toBe(true);
    expect(equivalent(0, -0)).toBe(true);
    expect(equivalent('1', 1n)).toBe(false);
  });

  it('gives equivalent values one key and others distinct keys', () => {
    expect(groupKey(1n)).toBe(groupKey(1));
    expect(groupKey(2n ** 60n)).toBe(groupKey(2 ** 60));
    expect(groupKey(2n ** 53n + 1n)).not.toBe(groupKey(2 ** 53));
    expect(groupKey([1n, 'a'])).toBe(groupKey([1, 'a']));
    expect(groupKey({ b: 1n, a: null })).toBe(groupKey({ a: null, b: 1 }));
    expect(groupKey('\u0001L1[z]')).not.toBe(groupKey([null]));
    expect(groupKey('1')).not.toBe(groupKey(1n));
    expect(groupKey(n)).not.toBe(groupKey(new RelationshipRef(1, 'T', 0, 0)));
    expect(rowGroupKey([1n, 'a'])).toBe(rowGroupKey([1, 'a']));
    expect(rowGroupKey([1n, 'a'])).not.toBe(rowGroupKey(['a', 1n]));
    expect(rowGroupKey([[1n], 2n])).not.toBe(rowGroupKey([[1n, 2n]]));
  });
});

describe('properties', () => {
  const seed = testSeed();

  it('orderCompare is a total order consistent with equivalence and groupKey', () => {
    fc.assert(
      fc.property(valueArb, valueArb, valueArb, (a, b, c) => {
        const ab = orderCompare(a, b);
        expect([-1, 0, 1]).toContain(ab);
        expect(orderCompare(b, a)).toBe(-ab || 0);
        expect(orderCompare(a, a)).toBe(0);
        expect(ab === 0).toBe(equivalent(a, b));
        expect(Object.is(groupKey(a), groupKey(b)) || (groupKey(a) === groupKey(b))).toBe(ab === 0);
        if (ab <= 0 && orderCompare(b, c) <= 0) expect(orderCompare(a, c)).toBeLessThanOrEqual(0);
      }),
      { seed, numRuns: runs },
    );
  });

  it('sorting with orderCompare is stable under permutation', () => {
    fc.assert(
      fc.property(fc.array(valueArb, { maxLength: 8 }), (values) => {
        const a = values.slice().sort(orderCompare);
        const b = values.slice().reverse().sort(orderCompare);
        for (let i = 0; i < a.length; i++) expect(orderCompare(a[i]!, b[i]!)).toBe(0);
      }),
      { seed, numRuns: runs / 4 },
    );
  });

  it('equality agrees with comparability: a = b iff a <= b and a >= b, where both are defined', () => {
    fc.assert(
      fc.property(valueArb, valueArb, (a, b) => {
        const eq = equals(a, b);
        const le = lessThanOrEqual(a, b);
        const ge = greaterThanOrEqual(a, b);
        if (le !== null && ge !== null) expect(eq).toBe(le && ge);
        if (eq === true) expect(equivalent(a, b)).toBe(true);
      }),
      { seed, numRuns: runs },
    );
  });
});
